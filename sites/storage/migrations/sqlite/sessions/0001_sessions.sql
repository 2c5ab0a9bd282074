-- Staff sessions by the SHA-256 of their token (sites/staff/sessions.py).
-- IF NOT EXISTS: a file made before the SQLite migrations were numbered (release 0.1.0) keeps its tables and gets
-- those it lacks.
CREATE TABLE IF NOT EXISTS sessions (
    key TEXT PRIMARY KEY, user TEXT NOT NULL, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user);
