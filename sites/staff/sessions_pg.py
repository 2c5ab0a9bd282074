"""Staff sessions in PostgreSQL, shared by every process and server."""

from sites.staff.sessions import SessionTable


class PostgresSessionStore(SessionTable):
    """Sessions in PostgreSQL, shared by every process and server (the table is in sites/storage/migrations)."""
