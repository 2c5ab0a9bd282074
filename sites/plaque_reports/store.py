"""Visitors' reports of damaged or missing plaques, and the store that keeps them as staff tasks.

A report holds what is wrong, an optional comment and an optional cleaned photo; nothing about who sent
it (no address, no name). The same statements run on SQLite (a file in the data folder, the default) and
on PostgreSQL (the tables are in sites/storage/migrations/0002_plaque_reports.sql and 0009), as the session and throttle
stores do. Here the interface and those statements; one module per back end (store_sqlite.py, store_pg.py), chosen
by sites/stores.py.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from sites.form_guard import TOKEN_LIFETIME
from sites.storage.local_db import LocalDatabase
from sites.storage.postgres import PostgresDatabase

MAX_COMMENT = 500  # characters
MAX_REPORT_PHOTO_BYTES = 5 * 1024 * 1024
# A phone saves 12 MP by default (a 24 MP camera: 6000 x 4000); decoded, 24 MP take about 100 MB. Larger is
# refused by its header: a 131 KB single-colour PNG of 6300 x 6300 would decode to 160 MB (issue 21).
MAX_REPORT_PHOTO_PIXELS = 24_000_000


class ProblemKind(StrEnum):
    """What is wrong with a plaque, as a visitor chooses it."""

    DAMAGED = "damaged"
    MISSING = "missing"
    NO_SCAN = "no_scan"  # the QR code does not scan
    OTHER = "other"


@dataclass(frozen=True)
class PlaqueReport:
    """One report: the site (slug and province when sent), what is wrong, and when; `done_by` and `done_at`
    once staff closed the task. `has_photo` says whether `photo` may be asked for."""

    id: int
    slug: str
    province: str
    kind: ProblemKind
    comment: str
    created_at: datetime
    has_photo: bool = False
    done_by: str | None = None
    done_at: datetime | None = None


class ReportStore(Protocol):
    """Where reports are kept; SQLite and PostgreSQL implement it with the same SQL (`ReportTable`)."""

    def add(self, slug: str, province: str, kind: ProblemKind, comment: str, photo: bytes | None,
            now: datetime) -> int:
        """Store a report; returns its id."""

    def reports(self, provinces: list[str] | None = None, include_done: bool = False) -> list[PlaqueReport]:
        """Reports (of `provinces` only, unless None), open ones first, newest first."""

    def spend_token(self, token: str, now: datetime) -> bool:
        """Mark a report form's token used; False when it was used before (a form is good for one report)."""

    def get(self, report_id: int) -> PlaqueReport | None: ...

    def photo(self, report_id: int) -> bytes | None: ...

    def close_task(self, report_id: int, by: str, now: datetime) -> bool:
        """Mark a report done by `by` at `now`; False when there is no such open report."""


COLUMNS = "id, slug, province, kind, comment, created_at, photo IS NOT NULL, done_by, done_at"


class ReportTable:
    """Reports in the `plaque_reports` table of `db`; times are Unix seconds (double precision)."""

    def __init__(self, db: LocalDatabase | PostgresDatabase):
        self.db = db

    def add(self, slug: str, province: str, kind: ProblemKind, comment: str, photo: bytes | None,
            now: datetime) -> int:
        with self.db.transaction() as db:
            row = db.execute("INSERT INTO plaque_reports (slug, province, kind, comment, photo, created_at)"
                             " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                             (slug, province, kind.value, comment, photo, now.timestamp())).fetchone()
        return row[0]

    def spend_token(self, token: str, now: datetime) -> bool:
        # A token is refused TOKEN_LIFETIME after it was issued, so after it was spent: forgotten then. The
        # table stays small: tokens reach it only once the report limits allowed the post.
        with self.db.transaction() as db:
            db.execute("DELETE FROM spent_report_tokens WHERE spent_at < ?", (now.timestamp() - TOKEN_LIFETIME,))
            added = db.execute("INSERT INTO spent_report_tokens (token, spent_at) VALUES (?, ?)"
                               " ON CONFLICT (token) DO NOTHING", (token, now.timestamp())).rowcount
        return added == 1

    def reports(self, provinces: list[str] | None = None, include_done: bool = False) -> list[PlaqueReport]:
        query, parameters = f"SELECT {COLUMNS} FROM plaque_reports WHERE 1 = 1", []
        if provinces is not None:
            query += f" AND province IN ({', '.join('?' * len(provinces)) or 'NULL'})"
            parameters += provinces
        if not include_done:
            query += " AND done_at IS NULL"
        with self.db.transaction() as db:
            rows = db.execute(query + " ORDER BY done_at IS NOT NULL, created_at DESC, id DESC", parameters).fetchall()
        return [_report(row) for row in rows]

    def get(self, report_id: int) -> PlaqueReport | None:
        with self.db.transaction() as db:
            row = db.execute(f"SELECT {COLUMNS} FROM plaque_reports WHERE id = ?", (report_id,)).fetchone()
        return _report(row) if row else None

    def photo(self, report_id: int) -> bytes | None:
        with self.db.transaction() as db:
            row = db.execute("SELECT photo FROM plaque_reports WHERE id = ?", (report_id,)).fetchone()
        return bytes(row[0]) if row and row[0] is not None else None

    def close_task(self, report_id: int, by: str, now: datetime) -> bool:
        with self.db.transaction() as db:
            changed = db.execute("UPDATE plaque_reports SET done_by = ?, done_at = ? WHERE id = ? AND done_at IS NULL",
                                 (by, now.timestamp(), report_id)).rowcount
        return changed == 1


def _report(row: tuple) -> PlaqueReport:
    report_id, slug, province, kind, comment, created, has_photo, done_by, done_at = row
    moment = lambda seconds: datetime.fromtimestamp(seconds, UTC) if seconds is not None else None  # noqa: E731
    return PlaqueReport(report_id, slug, province, ProblemKind(kind), comment, moment(created), bool(has_photo),
                        done_by, moment(done_at))
