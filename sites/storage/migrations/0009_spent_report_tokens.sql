-- Report-form tokens already used (sites/plaque_reports/store.py spend_token): a form is good for one report,
-- whichever server process receives the post. Rows are deleted TOKEN_LIFETIME after they were spent.

CREATE TABLE spent_report_tokens (
    token text PRIMARY KEY,
    spent_at double precision NOT NULL
);
