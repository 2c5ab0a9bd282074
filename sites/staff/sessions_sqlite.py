"""Staff sessions in an SQLite file in the data folder (the default, one machine)."""

from pathlib import Path

from sites.staff.sessions import SessionTable
from sites.storage.local_db import LocalDatabase

SESSIONS_FILE = "sessions.sqlite3"


class SQLiteSessionStore(SessionTable):
    """Sessions in an SQLite file in the data folder (the default, one machine)."""

    def __init__(self, path: Path):
        super().__init__(LocalDatabase(path, "sessions"))
