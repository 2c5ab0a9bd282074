"""A small SQLite file in the data folder shared by threads (and processes): the embedded default
behind the session and login-throttle stores. Their PostgreSQL versions run the same statements
(sites/storage/postgres.py)."""

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path


class LocalDatabase:
    """One connection to `path`, created with `schema` if new (mode 0600: it holds staff data).

    Calls are serialised by a lock, so request threads may share it; every write runs in an
    IMMEDIATE transaction, so a read-modify-write is atomic across processes too.
    """

    def __init__(self, path: Path, schema: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # SQLite gives -wal/-shm the same mode
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._connection.execute("PRAGMA journal_mode = WAL")
        self._connection.execute("PRAGMA synchronous = NORMAL")
        self._connection.execute("PRAGMA busy_timeout = 2000")  # another process holding the write lock
        self._connection.executescript(schema)
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection inside one write transaction, committed when the block ends without an error."""
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._connection.close()
