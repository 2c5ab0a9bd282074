"""Class outings in an SQLite file in the data folder (the default, one machine)."""

from pathlib import Path

from sites.outings.store import OutingTable
from sites.storage.local_db import LocalDatabase

OUTINGS_FILE = "outings.sqlite3"


class SQLiteOutingStore(OutingTable):
    """Outings in an SQLite file in the data folder (WAL, synchronous=NORMAL: a commit survives kill -9)."""

    inline = True

    def __init__(self, path: Path):
        super().__init__(LocalDatabase(path, "outings"))
