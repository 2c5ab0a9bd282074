-- A class outing's pass mark (sites/outings/pass_mark.py, issue 28): the percent of the questions a student must
-- answer right for the certificate; NULL (every outing made before, and the default) means none. SQLite's is
-- migrations/sqlite/outings/0002_outing_pass_mark.sql.

ALTER TABLE outings ADD COLUMN pass_percent integer CHECK (pass_percent BETWEEN 1 AND 100);
