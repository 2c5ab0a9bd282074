"""Plaque reports in PostgreSQL, shared by every process and server."""

from sites.plaque_reports.store import ReportTable
from sites.storage.postgres import PostgresDatabase


class PostgresReportStore(ReportTable):
    """Reports in PostgreSQL, shared by every process and server."""

    def __init__(self, db: PostgresDatabase):
        super().__init__(db)
