"""The outing store in PostgreSQL (sites/migrations/0003_outings.sql), shared by every process and server:
the same statements as the SQLite store (sites/outings.py)."""

from sites.outings import OutingTable
from sites.postgres import PostgresDatabase


class PostgresOutingStore(OutingTable):
    """Outings, passports, stamps and answers in PostgreSQL."""

    def __init__(self, db: PostgresDatabase):
        super().__init__(db)
