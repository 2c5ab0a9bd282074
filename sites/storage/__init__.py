"""Storage plumbing under every store: atomic file writes, SQLite files, PostgreSQL and its migrations."""
