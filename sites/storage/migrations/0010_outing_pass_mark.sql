-- A class outing's pass mark (sites/outings/pass_mark.py, issue 28): the percent of the questions a student must
-- answer right for the certificate; NULL (every outing made before, and the default) means none. The SQLite store
-- adds the same column to a file made before it (sites/outings/store_sqlite.py).

ALTER TABLE outings ADD COLUMN pass_percent integer CHECK (pass_percent BETWEEN 1 AND 100);
