"""Counting visits: scans of a plaque's QR code and views of a site page, kept in SQLite.

`SQLiteVisitStore` is the default implementation of the interface `VisitStore` (sites/visits/store.py); the
PostgreSQL one is sites/visits/store_pg.py. Recording is group-committed: `await store.record(visit)` returns
only once the visit is committed, but one writer commits every visit that arrived meanwhile in a single
transaction, so a burst of scans costs a few commits, not one each.

Privacy: no address is stored. A visitor is a keyed hash of its random visitor cookie, or of (client address,
User-Agent) for a browser without one, whose key is random and changes every day (sites/visits/visitor_hasher.py), so
hashes of different days cannot be linked, and once a day is over its hashes are deleted and only the count of
distinct ones is kept.
"""

import asyncio
import contextlib
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from sites.storage.local_db import migrate
from sites.storage.store_file import StoreDamaged, StoreFile
from sites.visits.checkpointer import BACKSTOP_PAGES, Checkpointer
from sites.visits.late_scans import KEEP_IDS, LateBatch, Outcome, admit, counted_times, quota_keys, sender_use, tallies
from sites.visits.visit import Counts, Visit, VisitKind, VisitStoreUnavailable, vietnam_day
from sites.visits.visit_gate import VisitGate

log = logging.getLogger(__name__)


_LATE_COUNT_TABLES = ("daily_counts", "site_totals")  # their late_scans column came after their first release
_ADD_DAILY = """
INSERT INTO daily_counts (slug, day, scans, views, unique_visitors, last_visit) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (slug, day) DO UPDATE SET scans = scans + excluded.scans, views = views + excluded.views,
    unique_visitors = unique_visitors + excluded.unique_visitors, last_visit = max(last_visit, excluded.last_visit)
"""
_ADD_LATE_DAILY = """
INSERT INTO daily_counts (slug, day, scans, last_visit, late_scans) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (slug, day) DO UPDATE SET scans = scans + excluded.scans, late_scans = late_scans + excluded.late_scans,
    last_visit = max(last_visit, excluded.last_visit)
"""
_ADD_LATE_TOTALS = """
INSERT INTO site_totals (slug, scans, last_visit, late_scans) VALUES (?, ?, ?, ?)
ON CONFLICT (slug) DO UPDATE SET scans = scans + excluded.scans, late_scans = late_scans + excluded.late_scans,
    last_visit = max(last_visit, excluded.last_visit)
"""
_ADD_TOTALS = """
INSERT INTO site_totals (slug, scans, views, unique_visitors, last_visit) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (slug) DO UPDATE SET scans = scans + excluded.scans, views = views + excluded.views,
    unique_visitors = unique_visitors + excluded.unique_visitors, last_visit = max(last_visit, excluded.last_visit)
"""


class SQLiteVisitStore:
    """Visit counts in an SQLite file (WAL); visits recorded together are committed together.

    With WAL and synchronous=NORMAL a committed transaction survives the process being killed (kill -9);
    only an OS crash or power cut can lose the last commits (synchronous=FULL would close that at the
    cost of an fsync per commit, on the event loop).
    """

    def __init__(self, path: Path, gate: VisitGate | None = None):
        self.path = path
        self.gate = gate  # None: every visit is counted (tests of the store alone)
        self.problem: str | None = None
        self.changes = 0  # batches committed by this process (sites/visits/store.py)
        self.observe_commit: Callable[[float, int], None] | None = None
        self._file = StoreFile(path)
        self._pending: list[tuple[Visit, asyncio.Future]] = []
        self._late_pending: list[tuple[LateBatch, asyncio.Future]] = []
        self._pruned_before: date | None = None
        self._late_pruned_before: date | None = None
        self._closed = False
        self._writer: sqlite3.Connection | None = None
        self._checkpointer: Checkpointer | None = None  # copies the log into the file, off the event loop
        try:
            self._writer = self._open()
        except StoreDamaged as exc:
            self._damaged(str(exc))
        except sqlite3.DatabaseError as exc:
            self._damaged(f"{path.name}: {exc}")
        else:
            self._checkpointer = Checkpointer(path, self._file.changed)

    def _open(self) -> sqlite3.Connection:
        """The write connection to a checked store: a new one is created, a damaged one is left untouched."""
        new = self._file.is_new()
        # Opened where the app is built, used on the event loop's thread (one at a time).
        connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            if not new:  # before anything writes to it; reads every page (a fraction of a second for 10 MB)
                found = [problem for (problem,) in connection.execute("PRAGMA quick_check(5)")]
                if found != ["ok"]:
                    raise StoreDamaged(f"{self.path.name}: " + "; ".join(found))
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")
            connection.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES}")  # sites/visits/checkpointer.py
            # Commits run on the event loop: if another process holds the write lock (a sqlite3 shell), wait
            # briefly, then fail that batch (logged) rather than stall every request.
            connection.execute("PRAGMA busy_timeout = 1000")
            for table in _LATE_COUNT_TABLES:  # files from before late scans, and before migrations were numbered
                columns = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
                if columns and "late_scans" not in columns:
                    connection.execute(f"ALTER TABLE {table} ADD COLUMN late_scans INTEGER NOT NULL DEFAULT 0")
            migrate(connection, "visits")
            connection.execute("PRAGMA wal_checkpoint")  # a new file gets its header now, for StoreFile's checks
            self._file.opened()
        except BaseException:
            connection.close()
            raise
        return connection

    def _damaged(self, reason: str) -> None:
        """Stop counting and reading: the file is kept as it is, for staff to restore."""
        if self.problem is None:
            self.problem = reason
            log.error("Dữ liệu lượt truy cập bị hỏng / The visit store is damaged: %s. Pages are still served; "
                      "visits are not counted and statistics answer 503 until it is restored. %s",
                      reason, self._file.advice())

    def _damage_in(self, error: Exception) -> str | None:
        """Why `error` means the file is damaged, or None for a passing failure (a lock held too long)."""
        if getattr(error, "sqlite_errorname", None) in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
            return f"{self.path.name}: {error}"
        return self._file.changed()

    async def record(self, visit: Visit) -> bool:
        if self._closed:
            raise RuntimeError("the visit store is closed")
        if self.problem:
            raise VisitStoreUnavailable(self.problem)
        # On the event loop with no await before the queueing: each decision is atomic in this process.
        if self.gate is not None and not self.gate.admit(visit.visitor, visit.address, visit.slug, visit.kind,
                                                         visit.at.timestamp(), visit.alias):
            return False
        loop = asyncio.get_running_loop()
        if not self._pending:
            # One turn of the loop later: the requests whose bytes arrive meanwhile join this batch too. Under
            # counted scans that doubled a commit's visits (13 to 28 with 32 connections, bench/scan.py); when idle,
            # a turn with work ready takes microseconds.
            loop.call_soon(loop.call_soon, self._commit_pending)
        committed = loop.create_future()
        self._pending.append((visit, committed))
        await committed
        return True

    def _commit_pending(self) -> None:
        """Commit every visit recorded since the last commit, then release the requests waiting for them.

        Scheduled by the first visit of a batch, it runs after the requests the event loop is already
        handling and those that arrive in the next turn, so under load one commit carries the visits of
        all of them (group commit). It runs on the loop itself: a commit in WAL mode takes a fraction of a
        millisecond, less than handing it to a thread and back.
        """
        if not self._pending:  # close() committed them already
            return
        pending, self._pending = self._pending, []
        self._settle(pending, self._commit)

    async def record_late(self, batch: LateBatch) -> list[Outcome]:
        if self._closed:
            raise RuntimeError("the visit store is closed")
        if self.problem:
            raise VisitStoreUnavailable(self.problem)
        loop = asyncio.get_running_loop()
        if not self._late_pending:
            loop.call_soon(self._commit_late_pending)
        committed = loop.create_future()
        self._late_pending.append((batch, committed))
        return await committed

    def _commit_late_pending(self) -> None:
        """Commit every late batch received since the last commit, as `_commit_pending` does for visits."""
        pending, self._late_pending = self._late_pending, []
        self._settle(pending, self._commit_late)

    def _settle(self, pending: list[tuple[object, asyncio.Future]], commit: Callable[[list], list | None]) -> None:
        """Run `commit` on the items of `pending` in one transaction, then give each waiting request its result
        (what `commit` returned for it, if anything) or the failure."""
        outcome: Exception | None = None
        results = None
        try:
            changed = self._file.changed()  # a stat and a 16-byte read: the write cache would hide the damage
            if changed:
                raise StoreDamaged(changed)
            started = time.perf_counter()
            results = commit([item for item, _ in pending])
            self.changes += 1
            self._checkpointer.committed()
            if self.observe_commit:
                self.observe_commit(time.perf_counter() - started, len(pending))
        except Exception as exc:
            damage = str(exc) if isinstance(exc, StoreDamaged) else self._damage_in(exc)
            if damage:
                self._damaged(damage)
                exc = VisitStoreUnavailable(self.problem)
            outcome = exc
        for index, (_, committed) in enumerate(pending):
            if committed.done():  # the request was cancelled; its visit was in the batch all the same
                continue
            if outcome is None:
                committed.set_result(None if results is None else results[index])
            else:
                committed.set_exception(outcome)

    def _commit(self, visits: list[Visit]) -> None:
        """Add `visits` to the counts in one transaction."""
        groups: dict[tuple[str, str], list[Visit]] = {}
        for visit in visits:
            groups.setdefault((visit.slug, visit.day.isoformat()), []).append(visit)
        daily_rows = []
        with self._transaction() as db:
            for (slug, day), group in groups.items():
                before = db.total_changes
                db.executemany("INSERT OR IGNORE INTO visitors_today VALUES (?, ?, ?)",
                               [(slug, day, visit.visitor) for visit in group])
                new_visitors = db.total_changes - before
                scans = sum(visit.kind is VisitKind.SCAN for visit in group)
                last = max(visit.at for visit in group).astimezone(UTC).isoformat()
                daily_rows.append((slug, day, scans, len(group) - scans, new_visitors, last))
            db.executemany(_ADD_DAILY, daily_rows)
            db.executemany(_ADD_TOTALS, [(slug, *counts) for slug, _, *counts in daily_rows])
            today = vietnam_day(datetime.now(UTC))
            if self._pruned_before != today:
                db.execute("DELETE FROM visitors_today WHERE day < ?", (today.isoformat(),))
                self._pruned_before = today

    def _commit_late(self, batches: list[LateBatch]) -> list[list[Outcome]]:
        """Decide and count `batches` in one transaction (the write lock makes the decision atomic across
        processes); returns the outcomes of each batch's scans."""
        ids = list({scan.id for batch in batches for scan in batch.scans})
        senders = {(day.isoformat(), sender) for day, sender in quota_keys(batches)}
        phones = {(batch.received.isoformat(), batch.phone) for batch in batches}
        with self._transaction() as db:
            known = set()
            for start in range(0, len(ids), 500):  # SQLite allows a few thousand parameters at most
                chunk = ids[start:start + 500]
                known.update(row[0] for row in db.execute(
                    f"SELECT id FROM late_scan_ids WHERE id IN ({', '.join('?' * len(chunk))})", chunk))
            used = {(date.fromisoformat(day), sender): scans for day, sender in senders
                    for (scans,) in db.execute("SELECT scans FROM late_senders WHERE day = ? AND sender = ?",
                                               (day, sender))}
            counted_at: dict = {}
            for day, phone in phones:
                rows = db.execute("SELECT slug, at FROM late_windows WHERE day = ? AND phone = ?", (day, phone))
                for slug, at in rows:
                    counted_at.setdefault((date.fromisoformat(day), phone, slug), []).append(datetime.fromisoformat(at))
            outcomes = admit(batches, known, used, counted_at)
            db.executemany("INSERT OR IGNORE INTO late_windows VALUES (?, ?, ?, ?)",
                           [(day.isoformat(), phone, slug, at.astimezone(UTC).isoformat())
                            for day, phone, slug, at in counted_times(batches, outcomes)])
            db.executemany("INSERT INTO late_scan_ids VALUES (?, ?)",
                           [(scan.id, scan.day.isoformat()) for batch, decided in zip(batches, outcomes, strict=True)
                            for scan, outcome in zip(batch.scans, decided, strict=True) if outcome is Outcome.COUNTED])
            counted = [(slug, day.isoformat(), number, last.astimezone(UTC).isoformat(), number)
                       for (slug, day), (number, last) in tallies(batches, outcomes).items()]
            db.executemany(_ADD_LATE_DAILY, counted)
            db.executemany(_ADD_LATE_TOTALS, [(slug, number, last, late) for slug, _, number, last, late in counted])
            db.executemany("INSERT INTO late_senders VALUES (?, ?, ?) ON CONFLICT (day, sender)"
                           " DO UPDATE SET scans = scans + excluded.scans",
                           [(day.isoformat(), sender, number)
                            for (day, sender), number in sender_use(batches, outcomes).items()])
            today = vietnam_day(datetime.now(UTC))
            if self._late_pruned_before != today:
                db.execute("DELETE FROM late_scan_ids WHERE day < ?", ((today - KEEP_IDS).isoformat(),))
                db.execute("DELETE FROM late_senders WHERE day < ?", (today.isoformat(),))
                db.execute("DELETE FROM late_windows WHERE day < ?", (today.isoformat(),))
                self._late_pruned_before = today
        return outcomes

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._writer.execute("BEGIN IMMEDIATE")
        try:
            yield self._writer
        except BaseException:
            self._writer.execute("ROLLBACK")
            raise
        self._writer.execute("COMMIT")

    @contextlib.contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        """A read connection; a damaged store raises VisitStoreUnavailable instead of its SQLite error."""
        if self.problem:
            raise VisitStoreUnavailable(self.problem)
        connection = sqlite3.connect(self.path)
        try:
            yield connection
        except sqlite3.DatabaseError as exc:
            damage = self._damage_in(exc)
            if not damage:
                raise
            self._damaged(damage)
            raise VisitStoreUnavailable(self.problem) from exc
        finally:
            connection.close()

    def totals(self) -> dict[str, Counts]:
        with self._reader() as db:
            rows = db.execute("SELECT slug, scans, views, unique_visitors, last_visit, late_scans FROM site_totals"
                              ).fetchall()
        return {slug: Counts(scans, views, uniques, datetime.fromisoformat(last), late)
                for slug, scans, views, uniques, last, late in rows}

    def daily(self, start: date, end: date, slugs: list[str] | None = None) -> dict[str, dict[date, Counts]]:
        query = ("SELECT slug, day, scans, views, unique_visitors, last_visit, late_scans FROM daily_counts"
                 " WHERE day BETWEEN ? AND ?")
        parameters: list = [start.isoformat(), end.isoformat()]
        if slugs is not None:
            query += f" AND slug IN ({', '.join('?' * len(slugs))})"
            parameters += slugs
        series: dict[str, dict[date, Counts]] = {}
        with self._reader() as db:
            for slug, day, scans, views, uniques, last, late in db.execute(query, parameters):
                series.setdefault(slug, {})[date.fromisoformat(day)] = Counts(
                    scans, views, uniques, datetime.fromisoformat(last), late)
        return series

    def period_totals(self, start: date, end: date) -> dict[str, Counts]:
        query = ("SELECT slug, sum(scans), sum(views), sum(unique_visitors), max(last_visit), sum(late_scans)"
                 " FROM daily_counts WHERE day BETWEEN ? AND ? GROUP BY slug")
        with self._reader() as db:
            rows = db.execute(query, (start.isoformat(), end.isoformat())).fetchall()
        return {slug: Counts(scans, views, uniques, datetime.fromisoformat(last), late)
                for slug, scans, views, uniques, last, late in rows}

    async def close(self) -> None:
        self._closed = True
        if self._pending:
            self._commit_pending()
        if self._late_pending:
            self._commit_late_pending()
        if self._checkpointer:
            self._checkpointer.close()
        if self._writer:
            self._writer.close()
        self._file.close()
