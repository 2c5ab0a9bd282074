"""The PostgreSQL database behind the shared stores (`DIACHIDO_DATABASE_URL`): connections and migrations.

Driver: psycopg 3. It has a blocking and an asyncio API over the same connection code: the session,
throttle, visitor-key and statistics stores keep their blocking interfaces (called from request threads,
as with SQLite), while the visit writer group-commits on the event loop. asyncpg is asyncio only.

Migrations: the numbered SQL files in sites/storage/migrations/ (0001_name.sql, ...; SQLite's are in its sqlite/
folder, sites/storage/local_db.py), each applied once, in order,
in one transaction with its row in `schema_migrations`. The runner holds a transaction-scoped advisory lock,
so processes starting together apply each file once; the others wait, then find it applied. A few tables and
one function do not justify Alembic and SQLAlchemy, which nothing else here uses.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sites.storage.migration_files import MIGRATIONS, migration_files
from sites.storage.schema_version import refuse_newer

if TYPE_CHECKING:  # psycopg is imported when a database is opened: SQLite deployments never load it (issue 27)
    import psycopg

log = logging.getLogger(__name__)

MIGRATION_LOCK = 0x64696163  # "diac": the advisory lock key of the migration runner
CONNECT_TIMEOUT = 3  # seconds: a database that does not answer is reported, not waited for
# Every connection's options: times come back in UTC, as the SQLite stores give them.
CONNECTION_OPTIONS = {"autocommit": True, "connect_timeout": CONNECT_TIMEOUT, "options": "-c TimeZone=UTC"}


class DatabaseUnavailable(Exception):
    """PostgreSQL cannot be reached or refused the work; the message says why."""


def migrate(connection: psycopg.Connection) -> list[int]:
    """Apply the migrations `connection`'s database lacks; returns the versions applied now. Raises SchemaTooNew,
    applying nothing, for a database a newer release has migrated."""
    applied_now = []
    with connection.transaction():
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        connection.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
                           "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())")
        done = {version for (version,) in connection.execute("SELECT version FROM schema_migrations")}
        refuse_newer(max(done, default=None), "PostgreSQL")
        for version, name, sql in migration_files(MIGRATIONS):
            if version in done:
                continue
            with connection.transaction():  # a savepoint: a failing file names itself
                connection.execute(sql)
                connection.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name))
            applied_now.append(version)
    return applied_now


class PostgresDatabase:
    """A pool of blocking connections to `url`, with the schema brought up to date before first use.

    Opening never fails: if the server is down, each use raises DatabaseUnavailable until it is back.
    """

    def __init__(self, url: str, max_connections: int = 4):
        from psycopg_pool import ConnectionPool

        self.url = url
        self.schema_ready = False
        self._lock = threading.Lock()
        self.pool = ConnectionPool(url, min_size=1, max_size=max_connections, timeout=CONNECT_TIMEOUT, open=False,
                                   kwargs=CONNECTION_OPTIONS,
                                   check=ConnectionPool.check_connection, name="diachido")
        self.pool.open(wait=False)

    def ensure_schema(self) -> None:
        """Apply pending migrations once per process (raises DatabaseUnavailable if the server is down)."""
        if self.schema_ready:
            return
        with self._lock:
            if self.schema_ready:
                return
            with self._connect() as connection:
                applied = migrate(connection)
            if applied:
                log.info("PostgreSQL: applied migrations %s", applied)
            self.schema_ready = True

    @contextlib.contextmanager
    def transaction(self, exclusive: str | None = None) -> Iterator[QmarkConnection]:
        """A connection inside one transaction, committed when the block ends without an error.

        Statements use `?` placeholders, as with sqlite3, so a store's SQL serves both back ends. With
        `exclusive`, the transaction holds the advisory lock of that name until it ends: transactions naming
        it run one at a time across processes, as SQLite's BEGIN IMMEDIATE does."""
        self.ensure_schema()
        with self._connect() as connection, connection.transaction():
            if exclusive:
                connection.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (exclusive,))
            yield QmarkConnection(connection)

    def exclusive(self, name: str) -> ExclusiveTransactions:
        """This database, as seen by a store whose every transaction must be exclusive (see `transaction`)."""
        return ExclusiveTransactions(self, name)

    @contextlib.contextmanager
    def _connect(self) -> Iterator[psycopg.Connection]:
        import psycopg

        try:
            with self.pool.connection() as connection:
                yield connection
        except psycopg.OperationalError as exc:  # refused, timed out (PoolTimeout), shut down, connection lost
            raise DatabaseUnavailable(describe(exc)) from exc

    def close(self) -> None:
        self.pool.close()


class QmarkConnection:
    """A psycopg connection that takes sqlite3's `?` placeholders (the stores' SQL has no literal `?`)."""

    def __init__(self, connection: psycopg.Connection):
        self.connection = connection

    def execute(self, sql: str, parameters: tuple | list = ()) -> psycopg.Cursor:
        return self.connection.execute(sql.replace("?", "%s"), parameters)


class ExclusiveTransactions:
    """`database`'s transactions, each holding the advisory lock `name`."""

    def __init__(self, database: PostgresDatabase, name: str):
        self.database, self.name = database, name

    def transaction(self) -> contextlib.AbstractContextManager[QmarkConnection]:
        return self.database.transaction(exclusive=self.name)


def describe(error: Exception) -> str:
    """A one-line reason for staff: PostgreSQL's first message line, without the connection string."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return f"PostgreSQL: {first}"
