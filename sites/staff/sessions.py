"""Server-side staff sessions: the cookie carries only an unguessable token; the server keeps who it
belongs to and until when, so logging out or changing a password ends a session for good.

Here the interface and the statements both back ends share; one module per back end (sessions_sqlite.py,
sessions_pg.py), chosen by sites/stores.py."""

import hashlib
import secrets
import time
from collections.abc import Callable
from typing import Protocol

from sites.storage.local_db import LocalDatabase
from sites.storage.postgres import PostgresDatabase

LIFETIME = 12 * 3600  # seconds from login, however busy the session is (it never slides)


class SessionStore(Protocol):
    """Where sessions live, by the SHA-256 of their token (a copied database holds no usable cookie)."""

    def add(self, key: str, user: str, expires: float, now: float) -> None:
        """Keep a new session (and forget those expired at `now`)."""

    def user(self, key: str, now: float) -> str | None:
        """The user of the session `key` if it has not expired at `now`."""

    def remove(self, key: str) -> None: ...

    def remove_user(self, user: str) -> None:
        """End every session of `user`."""


class SessionTable:
    """Sessions in the `sessions` table of `db`: the same statements on SQLite and PostgreSQL."""

    def __init__(self, db: LocalDatabase | PostgresDatabase):
        self.db = db

    def add(self, key: str, user: str, expires: float, now: float) -> None:
        with self.db.transaction() as db:
            db.execute("DELETE FROM sessions WHERE expires <= ?", (now,))  # keeps the file small
            db.execute("INSERT INTO sessions (key, \"user\", expires) VALUES (?, ?, ?)", (key, user, expires))

    def user(self, key: str, now: float) -> str | None:
        with self.db.transaction() as db:
            row = db.execute("SELECT \"user\" FROM sessions WHERE key = ? AND expires > ?", (key, now)).fetchone()
        return row[0] if row else None

    def remove(self, key: str) -> None:
        with self.db.transaction() as db:
            db.execute("DELETE FROM sessions WHERE key = ?", (key,))

    def remove_user(self, user: str) -> None:
        with self.db.transaction() as db:
            db.execute('DELETE FROM sessions WHERE "user" = ?', (user,))


class Sessions:
    """Starts, looks up and ends sessions in `store`; each lasts `lifetime` seconds from its start."""

    def __init__(self, store: SessionStore, lifetime: float = LIFETIME, clock: Callable[[], float] = time.time):
        self.store, self.lifetime, self.clock = store, lifetime, clock

    def start(self, user: str) -> str:
        """A new session for `user`; returns the token for the cookie."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        self.store.add(_key(token), user, now + self.lifetime, now)
        return token

    def user(self, token: str) -> str | None:
        """The user of the session `token`, or None when it is unknown, ended or expired."""
        return self.store.user(_key(token), self.clock())

    def end(self, token: str) -> None:
        self.store.remove(_key(token))

    def end_all(self, user: str) -> None:
        """End every session of `user` (after a password change, or when they are removed)."""
        self.store.remove_user(user)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
