"""The daily key behind visitor ids: random, one per Vietnamese day, kept in the store so that every process
(and a restarted one) hashes a returning visitor to the same id; a past day's key is deleted once a key for a
later day is asked for, so ids of different days cannot be linked. Here the statements both back ends share; one
module per back end (visitor_keys_sqlite.py, visitor_keys_pg.py), chosen by sites/stores.py."""

import secrets
from datetime import UTC, date, datetime

from sites.storage.local_db import LocalDatabase
from sites.storage.postgres import PostgresDatabase
from sites.visits.visit import vietnam_day


class KeyTable:
    """Keys in the `visitor_keys` table of `db`: the same statements on SQLite and PostgreSQL."""

    def __init__(self, db: LocalDatabase | PostgresDatabase):
        self.db = db

    def key(self, day: date) -> bytes:
        """The key of `day`, created by whichever process asks first."""
        today = vietnam_day(datetime.now(UTC))
        with self.db.transaction() as db:
            db.execute("INSERT INTO visitor_keys (day, key) VALUES (?, ?) ON CONFLICT (day) DO NOTHING",
                       (day.isoformat(), secrets.token_bytes(32)))
            (key,) = db.execute("SELECT key FROM visitor_keys WHERE day = ?", (day.isoformat(),)).fetchone()
            db.execute("DELETE FROM visitor_keys WHERE day < ?", (today.isoformat(),))
        return bytes(key)
