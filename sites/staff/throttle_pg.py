"""Login attempt counts in PostgreSQL, shared by every process and server."""

from sites.staff.throttle import ThrottleTable
from sites.storage.postgres import PostgresDatabase


class PostgresThrottleStore(ThrottleTable):
    """Attempt counts in PostgreSQL, shared by every process and server (the table is in sites/storage/migrations)."""

    def __init__(self, db: PostgresDatabase):
        super().__init__(db.exclusive("attempts"))
