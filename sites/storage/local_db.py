"""A small SQLite file in the data folder shared by threads (and processes): the embedded default behind the
session, login-throttle, plaque-report, outing and key stores. Their PostgreSQL versions run the same statements
(sites/storage/postgres.py).

Each file's tables come from its numbered migrations, sites/storage/migrations/sqlite/<store>/NNNN_name.sql:
those newer than the file's `user_version` are applied in order, each in one transaction that also raises
`user_version`, so a file is never left half-changed and processes opening it together apply each file once.
"""

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from sites.storage.migration_files import SQLITE_MIGRATIONS, numbered_files


class LocalDatabase:
    """One connection to `path`, its tables brought up to date from the migrations of `store` (mode 0600: it may
    hold staff data).

    Calls are serialised by a lock, so request threads may share it; every write runs in an
    IMMEDIATE transaction, so a read-modify-write is atomic across processes too.
    """

    def __init__(self, path: Path, store: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # SQLite gives -wal/-shm the same mode
        self._path = path
        self._connection: sqlite3.Connection | None = self._connect()
        migrate(self._connection, store)
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = NORMAL")
        connection.execute("PRAGMA busy_timeout = 2000")  # another process holding the write lock
        return connection

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection inside one write transaction, committed when the block ends without an error."""
        with self._lock:
            if self._connection is None:  # closed by a shutdown, used again: an app's lifespan may run more than once
                self._connection = self._connect()
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def close(self) -> None:
        """Close the connection. The last one to close copies the write-ahead log into the file and removes it, so
        the file alone holds every change (a copy of the stopped server's data folder needs no -wal file). A later
        transaction opens the file again."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


def migrate(connection: sqlite3.Connection, store: str) -> list[int]:
    """Apply the migrations of `store` that `connection`'s file lacks (autocommit connection); returns the
    versions applied now."""
    applied_now = []
    for version, _name, path in numbered_files(SQLITE_MIGRATIONS / store):  # a file is read only to apply it
        if connection.execute("PRAGMA user_version").fetchone()[0] >= version:
            continue
        connection.execute("BEGIN IMMEDIATE")
        try:  # read again under the write lock: another process may have applied it meanwhile
            if connection.execute("PRAGMA user_version").fetchone()[0] < version:
                for statement in _statements(path.read_text(encoding="utf-8")):
                    connection.execute(statement)
                connection.execute(f"PRAGMA user_version = {version}")
                applied_now.append(version)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return applied_now


def _statements(sql: str) -> Iterator[str]:
    """The statements of `sql` one by one (executescript would commit the transaction they must share)."""
    pending = ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""
    if any(line.strip() and not line.lstrip().startswith("--") for line in pending.splitlines()):
        raise ValueError(f"a statement without its semicolon: {pending.strip()[:80]}")
