"""`diachido migrate`: bring a deployment's stores to this release's schema, on either back end, and say what was
done; and the schema version the doctor compares with this release's (sites/storage/schema_version.py)."""

import asyncio
from dataclasses import dataclass

from sites.settings import Settings
from sites.storage.postgres import CONNECTION_OPTIONS, DatabaseUnavailable, describe, migrate
from sites.storage.schema_version import folder_version, known_version, refuse_newer
from sites.stores import VISITS_FILE, open_stores


@dataclass(frozen=True)
class Migrated:
    """Where the stores are, their version before, and the version now (this release's)."""

    where: str
    before: int | None
    after: int


def migrate_stores(settings: Settings) -> Migrated:
    """Apply the pending migrations of `settings`' stores; raises SchemaTooNew (nothing changed) or
    DatabaseUnavailable."""
    if settings.database_url:
        import psycopg  # imported here: SQLite deployments never load psycopg (issue 27)

        url = settings.database_url.get_secret_value()
        before = database_version(url)
        try:
            with psycopg.connect(url, **CONNECTION_OPTIONS) as connection:
                migrate(connection)
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailable(describe(exc)) from exc
        return Migrated("PostgreSQL", before, known_version())
    before = folder_version(settings.data_dir)
    refuse_newer(before, str(settings.data_dir))
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    stores = open_stores(settings.data_dir, None, settings.counted_per_address)  # each store extends its tables
    try:
        if stores.visits.problem:
            raise DatabaseUnavailable(stores.visits.problem)
    finally:
        asyncio.run(stores.close())
    return Migrated(str(settings.data_dir), before, known_version())


def database_version(url: str) -> int | None:
    """The last migration applied to the PostgreSQL database at `url`, None for an empty database."""
    import psycopg  # imported here: SQLite deployments never load psycopg (issue 27)

    try:
        with psycopg.connect(url, **CONNECTION_OPTIONS) as connection:
            if connection.execute("SELECT to_regclass('schema_migrations')").fetchone()[0] is None:
                return None
            return connection.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(describe(exc)) from exc


def pending(settings: Settings) -> int | None:
    """The stores' version when it is behind this release's (SQLite: 0 for a folder of release 0.1.0, which
    recorded none), else None. Raises SchemaTooNew for newer stores, DatabaseUnavailable for a lost database."""
    if settings.database_url:
        found = database_version(settings.database_url.get_secret_value())
        refuse_newer(found, "PostgreSQL")
        return (found or 0) if found != known_version() else None
    found = folder_version(settings.data_dir)
    refuse_newer(found, str(settings.data_dir))
    if found is None:  # a new folder is made at this version on first start; an old one recorded none
        return 0 if (settings.data_dir / VISITS_FILE).exists() else None
    return found if found < known_version() else None
