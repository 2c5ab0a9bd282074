-- The window of late scans (sites/late_scans.admit, issue 21): the scan times of the late scans counted per day
-- received, phone (hashed with that day's key) and site, so a phone's later scans of the site within the window
-- of one of them are repeats, as live visits are. Same meaning as the SQLite table in sites/visits/store_sqlite.py; earlier
-- days are deleted. The per-site quota of an address needs no table: it is a sender of late_senders.

CREATE TABLE late_windows (
    day date NOT NULL,
    phone bytea NOT NULL,
    slug text NOT NULL,
    at timestamptz NOT NULL,
    PRIMARY KEY (day, phone, slug, at)
);
