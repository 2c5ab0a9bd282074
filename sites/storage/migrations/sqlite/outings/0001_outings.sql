-- Class outings, students' passports, stamps and answers (sites/outings/store_sqlite.py).
-- IF NOT EXISTS: a file made before the SQLite migrations were numbered (release 0.1.0) keeps its tables and gets
-- those it lacks.
CREATE TABLE IF NOT EXISTS outings (
    code TEXT PRIMARY KEY, journey TEXT NOT NULL, name TEXT NOT NULL, province TEXT NOT NULL,
    valid_from REAL NOT NULL, valid_until REAL NOT NULL, created_by TEXT NOT NULL, created_at REAL NOT NULL,
    closed_at REAL, window_start INTEGER, window_end INTEGER, max_distance_m INTEGER);
CREATE INDEX IF NOT EXISTS outings_by_journey ON outings (journey);
CREATE TABLE IF NOT EXISTS passports (
    id INTEGER PRIMARY KEY, outing TEXT NOT NULL, nickname TEXT NOT NULL, nickname_key TEXT NOT NULL,
    recovery TEXT NOT NULL, joined_at REAL NOT NULL,
    UNIQUE (outing, nickname_key), UNIQUE (outing, recovery));
CREATE TABLE IF NOT EXISTS passport_tokens (token_hash TEXT PRIMARY KEY, passport INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS passport_tokens_by_passport ON passport_tokens (passport);
CREATE TABLE IF NOT EXISTS stamps (
    passport INTEGER NOT NULL, slug TEXT NOT NULL, at REAL NOT NULL, location_ok INTEGER,
    PRIMARY KEY (passport, slug));
CREATE TABLE IF NOT EXISTS answers (
    passport INTEGER NOT NULL, slug TEXT NOT NULL, question TEXT NOT NULL, choice INTEGER NOT NULL,
    correct INTEGER NOT NULL, at REAL NOT NULL, PRIMARY KEY (passport, slug, question));
