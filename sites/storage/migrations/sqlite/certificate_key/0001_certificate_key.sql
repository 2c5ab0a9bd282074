-- The key that signs outing certificates (sites/outings/certificate_ids.py).
-- IF NOT EXISTS: a file made before the SQLite migrations were numbered (release 0.1.0) keeps its tables and gets
-- those it lacks.
CREATE TABLE IF NOT EXISTS certificate_key (id integer PRIMARY KEY, key BLOB NOT NULL);
