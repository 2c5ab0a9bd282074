-- Visitors' reports of damaged plaques, and the report forms' spent tokens (sites/plaque_reports/store.py).
-- IF NOT EXISTS: a file made before the SQLite migrations were numbered (release 0.1.0) keeps its tables and gets
-- those it lacks.
CREATE TABLE IF NOT EXISTS plaque_reports (
    id INTEGER PRIMARY KEY, slug TEXT NOT NULL, province TEXT NOT NULL, kind TEXT NOT NULL,
    comment TEXT NOT NULL, photo BLOB, created_at REAL NOT NULL, done_by TEXT, done_at REAL);
CREATE INDEX IF NOT EXISTS plaque_reports_open ON plaque_reports (done_at, province);
CREATE TABLE IF NOT EXISTS spent_report_tokens (token TEXT PRIMARY KEY, spent_at REAL NOT NULL);
