"""Class outings in PostgreSQL (sites/storage/migrations/0003_outings.sql and 0010), shared by every process and
server: the statements of sites/outings/store.py, as the SQLite store runs them."""

from sites.outings.store import OutingTable
from sites.storage.postgres import PostgresDatabase


class PostgresOutingStore(OutingTable):
    """Outings, passports, stamps and answers in PostgreSQL."""

    def __init__(self, db: PostgresDatabase):
        super().__init__(db)
