"""SQLite files get their tables from numbered migrations (sites/storage/migrations/sqlite/<store>/), as PostgreSQL
does from sites/storage/migrations/: each applied once, whole or not at all."""

import sqlite3

import pytest

from sites.storage import local_db
from sites.storage.local_db import LocalDatabase, migrate
from sites.storage.migration_files import SQLITE_MIGRATIONS, migration_files
from sites.stores import open_stores
from tests.stores.conftest import CEILING
from tests.support import sqlite_logs


def newest(store: str) -> int:
    return migration_files(SQLITE_MIGRATIONS / store)[-1][0]


def test_every_sqlite_file_of_a_new_data_folder_is_at_its_newest_migration(tmp_path):
    import asyncio

    stores = open_stores(tmp_path, None, CEILING)
    stores.certificate_key.get()
    asyncio.run(stores.close())
    files = {path.name: path for path in tmp_path.glob("*.sqlite3")}
    folders = {folder.name for folder in SQLITE_MIGRATIONS.iterdir()}
    assert len(files) == len(folders) == 7
    for path in files.values():
        version = sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0]
        assert version in {newest(folder) for folder in folders} and version >= 1, path.name


def test_a_file_made_before_numbered_migrations_keeps_its_rows(tmp_path):
    """Release 0.1.0 created the same tables with IF NOT EXISTS and recorded no version."""
    path = tmp_path / "sessions.sqlite3"
    old = sqlite3.connect(path)
    old.executescript("CREATE TABLE sessions (key TEXT PRIMARY KEY, user TEXT NOT NULL, expires REAL NOT NULL);"
                      "INSERT INTO sessions VALUES ('k', 'lan', 9e9);")
    old.close()
    db = LocalDatabase(path, "sessions")
    with db.transaction() as connection:
        assert connection.execute("SELECT user FROM sessions").fetchall() == [("lan",)]
        assert connection.execute("PRAGMA user_version").fetchone()[0] == newest("sessions")


def test_a_failing_migration_changes_nothing_and_a_fixed_one_applies_once(tmp_path, monkeypatch):
    folder = tmp_path / "migrations" / "notes"
    folder.mkdir(parents=True)
    (folder / "0001_notes.sql").write_text("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL);\n")
    (folder / "0002_authors.sql").write_text("ALTER TABLE notes ADD COLUMN author TEXT;\nCREATE TABLE broken (;\n")
    monkeypatch.setattr(local_db, "SQLITE_MIGRATIONS", tmp_path / "migrations")
    connection = sqlite3.connect(tmp_path / "notes.sqlite3", isolation_level=None)
    with pytest.raises(sqlite3.OperationalError):
        migrate(connection, "notes")
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 1
    assert [row[1] for row in connection.execute("PRAGMA table_info(notes)")] == ["id", "text"]  # no half of 0002
    (folder / "0002_authors.sql").write_text("-- who wrote it\nALTER TABLE notes ADD COLUMN author TEXT;\n")
    assert migrate(connection, "notes") == [2]
    assert migrate(connection, "notes") == []  # a second process opening it later
    assert [row[1] for row in connection.execute("PRAGMA table_info(notes)")] == ["id", "text", "author"]


def test_closed_stores_leave_no_log_and_open_their_file_again_when_used(tmp_path):
    """At shutdown each small file's log is copied into it and removed; an app whose lifespan runs again (a test
    client entered twice) uses the same stores, which open their files again."""
    import asyncio

    stores = open_stores(tmp_path, None, CEILING)
    key = stores.certificate_key.get()
    assert list(tmp_path.glob("*.sqlite3-wal"))
    asyncio.run(stores.close())
    assert not sqlite_logs(tmp_path)
    assert stores.certificate_key.get() == key
    assert len(stores.local_files) == len({path.name for path in SQLITE_MIGRATIONS.iterdir()}) - 1  # all but visits
