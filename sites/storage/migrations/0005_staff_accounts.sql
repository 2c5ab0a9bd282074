-- Staff accounts shared by every server (sites/staff/accounts_pg.py): the same fields as users.json in a data
-- folder; `hash` is argon2-cffi's Argon2id hash, never a password.

CREATE TABLE staff_accounts (
    name text PRIMARY KEY,
    role text NOT NULL CHECK (role IN ('admin', 'editor')),
    province text,
    hash text NOT NULL
);
