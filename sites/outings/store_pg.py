"""The outing store in PostgreSQL (sites/storage/migrations/0003_outings.sql and 0010), shared by every process and
server: the same statements as the SQLite store (sites/outings/store_sqlite.py)."""

from sites.outings.store_sqlite import OutingTable
from sites.storage.postgres import PostgresDatabase


class PostgresOutingStore(OutingTable):
    """Outings, passports, stamps and answers in PostgreSQL."""

    def __init__(self, db: PostgresDatabase):
        super().__init__(db)
