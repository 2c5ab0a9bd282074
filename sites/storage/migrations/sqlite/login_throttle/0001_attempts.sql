-- Login attempts by keyed hash (sites/staff/throttle.py).
-- IF NOT EXISTS: a file made before the SQLite migrations were numbered (release 0.1.0) keeps its tables and gets
-- those it lacks.
CREATE TABLE IF NOT EXISTS attempts (
    key TEXT PRIMARY KEY, count INTEGER NOT NULL, locked_until REAL NOT NULL, touched REAL NOT NULL);
CREATE INDEX IF NOT EXISTS attempts_touched ON attempts (touched);
