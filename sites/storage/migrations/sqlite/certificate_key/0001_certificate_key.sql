-- The key that signs outing certificates (sites/outings/certificate_ids.py).
-- IF NOT EXISTS: a file made by release 0.1.0, before the SQLite migrations were numbered, holds these already.
CREATE TABLE IF NOT EXISTS certificate_key (id integer PRIMARY KEY, key BLOB NOT NULL);
