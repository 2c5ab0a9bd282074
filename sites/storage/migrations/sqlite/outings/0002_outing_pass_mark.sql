-- A pass mark per outing (issue 28): the percent of the questions to answer right for the certificate; empty
-- for none, as in PostgreSQL's 0010_outing_pass_mark.sql.
ALTER TABLE outings ADD COLUMN pass_percent INTEGER CHECK (pass_percent BETWEEN 1 AND 100);
