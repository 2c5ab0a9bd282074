-- The daily key behind visitor ids (sites/visits/visitor_keys.py).
-- IF NOT EXISTS: a file made before the SQLite migrations were numbered (release 0.1.0) keeps its tables and gets
-- those it lacks.
CREATE TABLE IF NOT EXISTS visitor_keys (day TEXT PRIMARY KEY, key BLOB NOT NULL);
