"""Plaque reports in an SQLite file in the data folder (the default, one machine)."""

from pathlib import Path

from sites.plaque_reports.store import ReportTable
from sites.storage.local_db import LocalDatabase

REPORTS_FILE = "plaque-reports.sqlite3"


class SQLiteReportStore(ReportTable):
    """Reports in an SQLite file in the data folder."""

    def __init__(self, path: Path):
        super().__init__(LocalDatabase(path, "plaque_reports"))
