-- Visit counts by site and day (sites/visits/store_sqlite.py); the same meaning as PostgreSQL's tables.
-- IF NOT EXISTS: a file made before the SQLite migrations were numbered (release 0.1.0) keeps its tables and gets
-- those it lacks.
CREATE TABLE IF NOT EXISTS daily_counts (
    slug TEXT NOT NULL,
    day TEXT NOT NULL,                -- YYYY-MM-DD, Vietnam time
    scans INTEGER NOT NULL DEFAULT 0,
    views INTEGER NOT NULL DEFAULT 0,
    unique_visitors INTEGER NOT NULL DEFAULT 0,
    last_visit TEXT NOT NULL,         -- ISO 8601, UTC
    late_scans INTEGER NOT NULL DEFAULT 0,  -- of the scans, how many were sent late (sites/visits/late_scans.py)
    PRIMARY KEY (slug, day)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS daily_counts_by_day ON daily_counts (day);
CREATE TABLE IF NOT EXISTS site_totals (
    slug TEXT PRIMARY KEY,
    scans INTEGER NOT NULL DEFAULT 0,
    views INTEGER NOT NULL DEFAULT 0,
    unique_visitors INTEGER NOT NULL DEFAULT 0,
    last_visit TEXT NOT NULL,
    late_scans INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
-- Today's visitor ids, to count each once per site and day; earlier days are deleted.
CREATE TABLE IF NOT EXISTS visitors_today (
    slug TEXT NOT NULL,
    day TEXT NOT NULL,
    visitor BLOB NOT NULL,
    PRIMARY KEY (slug, day, visitor)
) WITHOUT ROWID;
-- Late scans' ids (the phone's UUID), each counted once; kept until the scan is too old to be accepted anyway.
CREATE TABLE IF NOT EXISTS late_scan_ids (
    id BLOB PRIMARY KEY,
    day TEXT NOT NULL                 -- the scan's day, Vietnam time
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS late_scan_ids_by_day ON late_scan_ids (day);
-- Late scans counted per day received and sender (a phone, an address, or an address and a site, hashed with that
-- day's key), for the daily caps; earlier days are deleted.
CREATE TABLE IF NOT EXISTS late_senders (
    day TEXT NOT NULL,
    sender BLOB NOT NULL,
    scans INTEGER NOT NULL,
    PRIMARY KEY (day, sender)
) WITHOUT ROWID;
-- The scan times of the late scans counted per day received, phone and site, for the window of the phone's later
-- scans of the site (sites/late_scans.admit); earlier days are deleted.
CREATE TABLE IF NOT EXISTS late_windows (
    day TEXT NOT NULL,
    phone BLOB NOT NULL,
    slug TEXT NOT NULL,
    at TEXT NOT NULL,                 -- ISO 8601, UTC
    PRIMARY KEY (day, phone, slug, at)
) WITHOUT ROWID;
