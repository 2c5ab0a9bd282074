-- Late scans (sites/visits/late_scans.py): scans made offline and sent later. Same meaning as the SQLite tables in
-- sites/visits/store_sqlite.py. A counted late scan adds to `scans` and `late_scans` of the day it happened; record_visits
-- inserts without naming this column, so live visits leave it at 0.

ALTER TABLE daily_counts ADD COLUMN late_scans bigint NOT NULL DEFAULT 0;
ALTER TABLE site_totals ADD COLUMN late_scans bigint NOT NULL DEFAULT 0;

-- Each late scan's id (the phone's UUID) counts once; kept until the scan is too old to be accepted anyway.
CREATE TABLE late_scan_ids (
    id bytea PRIMARY KEY,
    day date NOT NULL
);
CREATE INDEX late_scan_ids_by_day ON late_scan_ids (day);

-- Late scans counted per day received and sender (a phone or an address, hashed with that day's key), for the
-- daily cap; earlier days are deleted.
CREATE TABLE late_senders (
    day date NOT NULL,
    sender bytea NOT NULL,
    scans integer NOT NULL,
    PRIMARY KEY (day, sender)
);
