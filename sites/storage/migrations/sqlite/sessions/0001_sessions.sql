-- Staff sessions by the SHA-256 of their token (sites/staff/sessions.py).
-- IF NOT EXISTS: a file made by release 0.1.0, before the SQLite migrations were numbered, holds these already.
CREATE TABLE IF NOT EXISTS sessions (
    key TEXT PRIMARY KEY, user TEXT NOT NULL, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user);
