"""The daily visitor keys in PostgreSQL, shared by every process and server."""

from datetime import date

from sites.storage.postgres import DatabaseUnavailable
from sites.visits.visit import VisitStoreUnavailable
from sites.visits.visitor_keys import KeyTable


class PostgresKeyStore(KeyTable):
    """Keys in PostgreSQL, shared by every process and server (the table is in sites/storage/migrations)."""

    def key(self, day: date) -> bytes:
        try:
            return super().key(day)
        except DatabaseUnavailable as exc:  # no key, no visitor id: the visit is served and not counted
            raise VisitStoreUnavailable(str(exc)) from exc
