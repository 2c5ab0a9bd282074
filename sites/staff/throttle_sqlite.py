"""Login attempt counts in an SQLite file in the data folder: they survive a restart."""

from pathlib import Path

from sites.staff.throttle import ThrottleTable
from sites.storage.local_db import LocalDatabase

THROTTLE_FILE = "login-throttle.sqlite3"


class SQLiteThrottleStore(ThrottleTable):
    """Attempt counts in an SQLite file in the data folder: they survive a restart."""

    def __init__(self, path: Path):
        super().__init__(LocalDatabase(path, "login_throttle"))
