"""The key that signs certificate ids (sites/outings/certificate_ids.py): its interface and the statements both
back ends share; one module per back end (certificate_key_sqlite.py, certificate_key_pg.py), chosen by
sites/stores.py.

The key: 32 random bytes made once per deployment by whichever process asks first, kept where every server
of the deployment reads the same one: the `certificate_key` table of PostgreSQL, or an SQLite file in the
data folder. Losing it makes every certificate issued so far "not genuine"; back it up with the data.
"""

import secrets
import threading
from typing import Protocol

from sites.storage.local_db import LocalDatabase
from sites.storage.postgres import PostgresDatabase


class CertificateKey(Protocol):
    """Where the deployment's signing key is kept."""

    def get(self) -> bytes:
        """The key, made by whichever process asks first."""


class CertificateKeyTable:
    """The deployment's signing key in `db` (SQLite or PostgreSQL: the same statements), read once."""

    def __init__(self, db: LocalDatabase | PostgresDatabase):
        self.db = db
        self._key: bytes | None = None
        self._lock = threading.Lock()

    def get(self) -> bytes:
        """The key, made by whichever process asks first (raises DatabaseUnavailable when PostgreSQL is down)."""
        with self._lock:
            if self._key is None:
                self._key = self._read()
            return self._key

    def _read(self) -> bytes:
        with self.db.transaction() as db:
            db.execute("INSERT INTO certificate_key (id, key) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
                       (secrets.token_bytes(32),))
            (key,) = db.execute("SELECT key FROM certificate_key WHERE id = 1").fetchone()
        return bytes(key)
