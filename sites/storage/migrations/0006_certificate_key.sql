-- The key that signs class-outing certificates (sites/outings/certificate_ids.py): one row, made by the first process
-- that needs it, the same for every server of the deployment so /verify answers alike everywhere.

CREATE TABLE certificate_key (
    id integer PRIMARY KEY,
    key bytea NOT NULL
);
