"""The daily visitor keys in an SQLite file in the data folder (the default, one machine)."""

from pathlib import Path

from sites.storage.local_db import LocalDatabase
from sites.visits.visitor_keys import KeyTable

KEYS_FILE = "visitor-keys.sqlite3"


class SQLiteKeyStore(KeyTable):
    """Keys in an SQLite file in the data folder (mode 0600): a restart keeps the day's key."""

    def __init__(self, path: Path):
        super().__init__(LocalDatabase(path, "visitor_keys"))
