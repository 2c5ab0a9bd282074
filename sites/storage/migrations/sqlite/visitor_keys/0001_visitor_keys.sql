-- The daily key behind visitor ids (sites/visits/visitor_keys.py).
-- IF NOT EXISTS: a file made by release 0.1.0, before the SQLite migrations were numbered, holds these already.
CREATE TABLE IF NOT EXISTS visitor_keys (day TEXT PRIMARY KEY, key BLOB NOT NULL);
