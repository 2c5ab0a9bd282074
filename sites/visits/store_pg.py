"""Counting visits in PostgreSQL (`DIACHIDO_DATABASE_URL`): the same counts as SQLiteVisitStore, shared by every
process and server.

Group commit as with SQLite: `record` returns once its visit is committed, and one writer per process sends
every visit queued meanwhile in one transaction, as one call of the `record_visits` function
(sites/storage/migrations): the visit gate (window per visitor and site, ceiling per address) is decided there, in
the same transaction as the counts, so several processes count a visitor once. The processes of one server take
turns (sites/visits/commit_turns.py): a batch waits, at most 2 ms, while another process's commit is in flight.

An unreachable database is not damage: `problem` says why, visits are served and not counted (logged),
statistics answer 503, and a probe tries the database every `RETRY_AFTER` seconds until it answers again.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

import psycopg

from sites.storage.postgres import CONNECTION_OPTIONS, DatabaseUnavailable, PostgresDatabase, describe
from sites.visits.commit_turns import CommitTurns
from sites.visits.late_scans import KEEP_IDS, LateBatch, Outcome, admit, counted_times, quota_keys, sender_use, tallies
from sites.visits.visit import Counts, Visit, VisitKind, VisitStoreUnavailable, vietnam_day
from sites.visits.visit_gate import ADDRESS_PERIOD_SECONDS, WINDOW_SECONDS

log = logging.getLogger(__name__)

RETRY_AFTER = 5.0  # seconds between attempts while the database is unreachable
PRUNE_EVERY = 300.0  # seconds between deletions of expired gate rows and past days' visitor ids
# Arguments and answer in binary (%b, binary=True): psycopg dumps a list as a text array in Python, escaping each
# element, and PostgreSQL parses it back; binary arrays cost a batch of one visit about half as much (issue 27).
_RECORD = ("SELECT record_visits(%b::bytea[], %b::bytea[], %b::bytea[], %b::text[], %b::date[], %b::boolean[],"
           " %b::timestamptz[], %b::interval, %b::interval, %b::integer)")
# Late scans add to the counts in the order record_visits takes its row locks (daily_counts by slug and day,
# then site_totals by slug), so the two writers never deadlock each other.
_ADD_LATE = """
WITH late AS (
    SELECT * FROM unnest(%s::text[], %s::date[], %s::bigint[], %s::timestamptz[]) AS l(slug, day, scans, last_visit)
), by_day AS (
    INSERT INTO daily_counts (slug, day, scans, last_visit, late_scans)
        SELECT slug, day, scans, last_visit, scans FROM late ORDER BY slug, day
    ON CONFLICT (slug, day) DO UPDATE SET scans = daily_counts.scans + excluded.scans,
        late_scans = daily_counts.late_scans + excluded.late_scans,
        last_visit = greatest(daily_counts.last_visit, excluded.last_visit)
)
INSERT INTO site_totals (slug, scans, last_visit, late_scans)
    SELECT slug, sum(scans), max(last_visit), sum(scans) FROM late GROUP BY slug ORDER BY slug
ON CONFLICT (slug) DO UPDATE SET scans = site_totals.scans + excluded.scans,
    late_scans = site_totals.late_scans + excluded.late_scans,
    last_visit = greatest(site_totals.last_visit, excluded.last_visit)
"""


class PostgresVisitStore:
    """Visit counts in PostgreSQL; `per_address` is the ceiling of counted visits per address per hour; `turns` is
    this process's place among the server's processes that take turns to commit (None: it never waits)."""

    def __init__(self, db: PostgresDatabase, per_address: int, turns: CommitTurns | None = None):
        self.db, self.per_address = db, per_address
        self.turns = turns or CommitTurns(None)
        self.changes = 0  # batches committed by this process (sites/visits/store.py)
        self._pending: list[tuple[Visit, asyncio.Future]] = []
        self._writer: asyncio.Task | None = None
        self._connection: psycopg.AsyncConnection | None = None
        # Late scans have their own queue, writer and connection: a connection runs one transaction at a time.
        self._late_pending: list[tuple[LateBatch, asyncio.Future]] = []
        self._late_writer: asyncio.Task | None = None
        self._late_connection: psycopg.AsyncConnection | None = None
        self._late_pruned_on: date | None = None
        self.observe_commit: Callable[[float, int], None] | None = None
        self._failed: str | None = None  # why the database cannot be used, until the probe reaches it again
        self._probe: asyncio.Task | None = None
        self._pruned_at = 0.0
        self._closed = False
        try:
            db.ensure_schema()
        except DatabaseUnavailable as exc:
            self._unavailable(str(exc))

    @property
    def problem(self) -> str | None:
        """Why visits cannot be counted now, or None. Read on the event loop (by counting and /healthz) while
        failing, it makes sure the probe runs (a failure at start happens before the loop exists)."""
        if self._failed and not self._closed and (self._probe is None or self._probe.done()):
            with contextlib.suppress(RuntimeError):  # no running loop: the next reader on the loop starts it
                self._probe = asyncio.get_running_loop().create_task(self._probe_until_back())
        return self._failed

    def _unavailable(self, reason: str) -> None:
        if self._failed is None:
            log.error("Không ghi được lượt truy cập / Visits cannot be counted: %s. Pages are still served; "
                      "visits are not counted and statistics answer 503 until the database answers again.", reason)
        self._failed = reason

    async def _probe_until_back(self) -> None:
        while self._failed and not self._closed:
            await asyncio.sleep(RETRY_AFTER)
            try:
                await self._disconnect()
                await (await self._connect()).execute("SELECT 1")
            except (psycopg.Error, DatabaseUnavailable) as exc:
                self._failed = describe(exc) if isinstance(exc, psycopg.Error) else str(exc)
                continue
            self._failed = None
            log.warning("PostgreSQL trả lời trở lại / PostgreSQL answers again: visits are counted again")

    async def record(self, visit: Visit) -> bool:
        if self._closed:
            raise RuntimeError("the visit store is closed")
        if self._failed:
            raise VisitStoreUnavailable(self._failed)
        committed = asyncio.get_running_loop().create_future()
        self._pending.append((visit, committed))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_pending())
        return await committed

    async def _write_pending(self) -> None:
        """Commit the queued visits, batch after batch: visits queued while one batch commits form the next, and
        while another process of the server commits, the batch waits for its end (at most 2 ms) to grow."""
        while self._pending:
            if wait := self.turns.wait():
                await asyncio.sleep(wait)
            batch, self._pending = self._pending, []
            self.turns.commit_starts()
            try:
                committed = await self._settle(batch, self._commit, self._disconnect)
            finally:
                self.turns.commit_ends()
            if committed and time.monotonic() - self._pruned_at > PRUNE_EVERY:
                await self._prune()

    async def _settle(self, pending: list[tuple[object, asyncio.Future]],
                      commit: Callable[[list], Awaitable[list]], disconnect: Callable[[], Awaitable[None]]) -> bool:
        """Commit the items of `pending` in one `commit` and answer each waiting request with its own result, or
        with the failure (a lost database: `disconnect`, then VisitStoreUnavailable); False if it failed."""
        try:
            started = time.perf_counter()
            results = await commit([item for item, _ in pending])
            self.changes += 1
            if self.observe_commit:
                self.observe_commit(time.perf_counter() - started, len(pending))
        except Exception as exc:
            results, failure = None, exc
            if isinstance(exc, (psycopg.OperationalError, DatabaseUnavailable)):
                await disconnect()
                self._unavailable(describe(exc) if isinstance(exc, psycopg.Error) else str(exc))
                failure = VisitStoreUnavailable(self._failed)
        for index, (_, future) in enumerate(pending):
            if future.done():  # the request was cancelled; its item was in the batch all the same
                continue
            if results is None:
                future.set_exception(failure)
            else:
                future.set_result(results[index])
        return results is not None

    async def _commit(self, visits: list[Visit]) -> list[bool]:
        """Record `visits` in one transaction; returns whether each was counted (in the order given)."""
        connection = await self._connect()
        # One lock order for every batch of every process: address, then visitor and site (see record_visits).
        order = sorted(range(len(visits)), key=lambda i: (visits[i].address, visits[i].visitor, visits[i].slug,
                                                           visits[i].at))
        ordered = [visits[i] for i in order]
        arguments = ([v.address for v in ordered], [v.visitor for v in ordered], [v.alias for v in ordered],
                     [v.slug for v in ordered],
                     [v.day for v in ordered], [v.kind is VisitKind.SCAN for v in ordered], [v.at for v in ordered],
                     timedelta(seconds=WINDOW_SECONDS), timedelta(seconds=ADDRESS_PERIOD_SECONDS), self.per_address)
        for attempt in range(3):
            try:
                # One statement on an autocommit connection is one transaction, committed before its answer
                # arrives: one round trip, and no row lock is held while this process's event loop is busy
                # elsewhere (BEGIN ... COMMIT kept the counts' rows locked between three round trips, so the
                # other processes' batches waited on this one's event loop).
                (admitted,) = await (await connection.execute(_RECORD, arguments, binary=True)).fetchone()
                break
            except psycopg.errors.DeadlockDetected:  # should not happen with the lock order; retried if it does
                if attempt == 2:
                    raise
        counted = [False] * len(visits)
        for position, index in enumerate(order):
            counted[index] = admitted[position]
        return counted

    async def record_late(self, batch: LateBatch) -> list[Outcome]:
        if self._closed:
            raise RuntimeError("the visit store is closed")
        if self._failed:
            raise VisitStoreUnavailable(self._failed)
        committed = asyncio.get_running_loop().create_future()
        self._late_pending.append((batch, committed))
        if self._late_writer is None or self._late_writer.done():
            self._late_writer = asyncio.create_task(self._write_late_pending())
        return await committed

    async def _write_late_pending(self) -> None:
        """Commit the queued late batches, as `_write_pending` does for visits."""
        while self._late_pending:
            pending, self._late_pending = self._late_pending, []
            await self._settle(pending, self._commit_late, self._disconnect_late)

    async def _commit_late(self, batches: list[LateBatch]) -> list[list[Outcome]]:
        """Decide and count `batches` in one transaction; returns the outcomes of each batch's scans.

        The senders' quota rows are locked first (in one order), so two processes deciding for the same phone or
        address take turns (and read the phone's window rows in turn); the id's primary key has the last word on a
        scan counted by another phone meanwhile."""
        if self._late_connection is None or self._late_connection.closed:
            self._late_connection = await self._open_connection()
        connection = self._late_connection
        senders = sorted(quota_keys(batches))  # phones, addresses, addresses per site
        ids = list({scan.id for batch in batches for scan in batch.scans})
        for attempt in range(3):
            try:
                async with connection.transaction():
                    outcomes = await self._decide_late(connection, batches, senders, ids)
                break
            except psycopg.errors.DeadlockDetected:  # should not happen with the lock order; retried if it does
                if attempt == 2:
                    raise
        return outcomes

    async def _decide_late(self, connection: psycopg.AsyncConnection, batches: list[LateBatch],
                           senders: list[tuple[date, bytes]], ids: list[bytes]) -> list[list[Outcome]]:
        days, keys = [day for day, _ in senders], [sender for _, sender in senders]
        await connection.execute("INSERT INTO late_senders SELECT d, s, 0 FROM unnest(%s::date[], %s::bytea[]) AS"
                                 " x(d, s) ORDER BY 1, 2 ON CONFLICT DO NOTHING", (days, keys))
        rows = await (await connection.execute(
            "SELECT day, sender, scans FROM late_senders WHERE (day, sender) IN (SELECT * FROM unnest(%s::date[],"
            " %s::bytea[])) ORDER BY day, sender FOR UPDATE", (days, keys))).fetchall()
        used = {(day, sender): scans for day, sender, scans in rows}
        known = {row[0] for row in await (await connection.execute(
            "SELECT id FROM late_scan_ids WHERE id = ANY(%s::bytea[])", (ids,))).fetchall()}
        phones = sorted({(batch.received, batch.phone) for batch in batches})
        counted_at: dict = {}
        for day, phone, slug, at in await (await connection.execute(
                "SELECT day, phone, slug, at FROM late_windows WHERE (day, phone) IN"
                " (SELECT * FROM unnest(%s::date[], %s::bytea[]))",
                ([day for day, _ in phones], [phone for _, phone in phones]))).fetchall():
            counted_at.setdefault((day, phone, slug), []).append(at)
        outcomes = admit(batches, known, used, counted_at)
        counted = [(scan.id, scan.day) for batch, decided in zip(batches, outcomes, strict=True)
                   for scan, outcome in zip(batch.scans, decided, strict=True) if outcome is Outcome.COUNTED]
        stored = {row[0] for row in await (await connection.execute(
            "INSERT INTO late_scan_ids SELECT * FROM unnest(%s::bytea[], %s::date[]) ON CONFLICT DO NOTHING"
            " RETURNING id", ([i for i, _ in counted], [day for _, day in counted]))).fetchall()}
        for decided, batch in zip(outcomes, batches, strict=True):  # counted by another process since the SELECT
            for index, scan in enumerate(batch.scans):
                if decided[index] is Outcome.COUNTED and scan.id not in stored:
                    decided[index] = Outcome.DUPLICATE
        windows = counted_times(batches, outcomes)  # (day, phone, slug, at) rows, as columns below
        columns = [list(column) for column in zip(*windows, strict=True)] or [[], [], [], []]
        await connection.execute("INSERT INTO late_windows SELECT * FROM unnest(%s::date[], %s::bytea[], %s::text[],"
                                 " %s::timestamptz[]) ON CONFLICT DO NOTHING", columns)
        added = tallies(batches, outcomes)
        await connection.execute(_ADD_LATE, ([slug for slug, _ in added], [day for _, day in added],
                                             [number for number, _ in added.values()],
                                             [last for _, last in added.values()]))
        use = sender_use(batches, outcomes)
        await connection.execute(
            "UPDATE late_senders SET scans = late_senders.scans + u.n FROM unnest(%s::date[], %s::bytea[],"
            " %s::integer[]) AS u(d, s, n) WHERE late_senders.day = u.d AND late_senders.sender = u.s",
            ([day for day, _ in use], [sender for _, sender in use], list(use.values())))
        today = vietnam_day(datetime.now(UTC))
        if self._late_pruned_on != today:
            await connection.execute("DELETE FROM late_scan_ids WHERE day < %s", (today - KEEP_IDS,))
            await connection.execute("DELETE FROM late_senders WHERE day < %s", (today,))
            await connection.execute("DELETE FROM late_windows WHERE day < %s", (today,))
            self._late_pruned_on = today
        return outcomes

    async def _open_connection(self) -> psycopg.AsyncConnection:
        if not self.db.schema_ready:
            await asyncio.to_thread(self.db.ensure_schema)
        return await psycopg.AsyncConnection.connect(self.db.url, **CONNECTION_OPTIONS)

    async def _connect(self) -> psycopg.AsyncConnection:
        if self._connection is None or self._connection.closed:
            self._connection = await self._open_connection()
        return self._connection

    async def _disconnect(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def _disconnect_late(self) -> None:
        if self._late_connection is not None:
            await self._late_connection.close()
            self._late_connection = None

    async def _prune(self) -> None:
        """Forget gate rows whose window or period is over, and visitor ids of past days (counts stay)."""
        self._pruned_at = time.monotonic()
        try:
            connection = await self._connect()
            async with connection.transaction():
                await connection.execute("DELETE FROM visit_windows WHERE coalesce(last_visit, '-infinity') < %s",
                                         (datetime.now(UTC) - timedelta(seconds=WINDOW_SECONDS),))
                await connection.execute("DELETE FROM address_periods WHERE started < %s",
                                         (datetime.now(UTC) - timedelta(seconds=ADDRESS_PERIOD_SECONDS),))
                await connection.execute("DELETE FROM visitors_today WHERE day < %s", (vietnam_day(datetime.now(UTC)),))
        except psycopg.Error:
            log.exception("pruning the visit gate's rows failed; tried again later")

    def _read(self, sql: str, parameters: tuple | list = ()) -> list[tuple]:
        if self._failed:
            raise VisitStoreUnavailable(self._failed)
        try:
            with self.db.transaction() as db:
                return db.execute(sql, parameters).fetchall()
        except DatabaseUnavailable as exc:
            self._unavailable(str(exc))
            raise VisitStoreUnavailable(self._failed) from exc

    def totals(self) -> dict[str, Counts]:
        rows = self._read("SELECT slug, scans, views, unique_visitors, last_visit, late_scans FROM site_totals")
        return {slug: Counts(scans, views, uniques, last, late) for slug, scans, views, uniques, last, late in rows}

    def daily(self, start: date, end: date, slugs: list[str] | None = None) -> dict[str, dict[date, Counts]]:
        query = ("SELECT slug, day, scans, views, unique_visitors, last_visit, late_scans FROM daily_counts"
                 " WHERE day BETWEEN ? AND ?")
        parameters: list = [start, end]
        if slugs is not None:
            query += " AND slug = ANY(?)"
            parameters.append(slugs)
        series: dict[str, dict[date, Counts]] = {}
        for slug, day, scans, views, uniques, last, late in self._read(query, parameters):
            series.setdefault(slug, {})[day] = Counts(scans, views, uniques, last, late)
        return series

    def period_totals(self, start: date, end: date) -> dict[str, Counts]:
        rows = self._read("SELECT slug, sum(scans), sum(views), sum(unique_visitors), max(last_visit), sum(late_scans)"
                          " FROM daily_counts WHERE day BETWEEN ? AND ? GROUP BY slug", (start, end))
        return {slug: Counts(int(scans), int(views), int(uniques), last, int(late))
                for slug, scans, views, uniques, last, late in rows}

    async def close(self) -> None:
        self._closed = True
        if self._probe is not None:
            self._probe.cancel()
        for writer in (self._writer, self._late_writer):
            if writer is not None:
                await writer
        await self._disconnect()
        await self._disconnect_late()
        self.turns.close()
