"""The SQLite visit store on its own: group commit, days in Vietnam time, unique visitors, privacy."""

import asyncio
import shutil
import sqlite3
from datetime import UTC, date, datetime

import pytest

from sites.visits.store_sqlite import SQLiteVisitStore
from sites.visits.visit import Visit, VisitKind, vietnam_day
from sites.visits.visit_gate import ADDRESS_PERIOD_SECONDS, WINDOW_SECONDS, VisitGate
from sites.visits.visitor_hasher import VisitorHasher

NOON = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)  # 12:00 in Vietnam


def scan(slug: str = "dinh-thoi-an", visitor: bytes = b"v1", at: datetime = NOON) -> Visit:
    return Visit(slug, VisitKind.SCAN, visitor, at)


def run(store: SQLiteVisitStore, *visits: Visit) -> None:
    """Record `visits` concurrently, as simultaneous requests would, then close the store."""
    async def main() -> None:
        await asyncio.gather(*(store.record(visit) for visit in visits))
        await store.close()
    asyncio.run(main())


def test_concurrent_visits_are_committed_together(tmp_path, monkeypatch):
    store = SQLiteVisitStore(tmp_path / "visits.sqlite3")
    commits = []
    commit = store._commit
    monkeypatch.setattr(store, "_commit", lambda visits: (commits.append(len(visits)), commit(visits))[1])
    run(store, *(scan(visitor=bytes([n % 256, n // 256])) for n in range(1000)))
    assert sum(commits) == 1000
    assert len(commits) <= 3, f"1000 simultaneous visits took {len(commits)} commits"
    reopened = SQLiteVisitStore(tmp_path / "visits.sqlite3")
    assert reopened.totals()["dinh-thoi-an"].scans == 1000
    assert reopened.totals()["dinh-thoi-an"].unique_visitors == 1000


def test_record_returns_only_after_the_commit(tmp_path):
    path = tmp_path / "visits.sqlite3"

    async def main() -> int:
        store = SQLiteVisitStore(path)
        await store.record(scan())
        seen_by_another_connection = sqlite3.connect(path).execute("SELECT scans FROM site_totals").fetchone()[0]
        await store.close()
        return seen_by_another_connection

    assert asyncio.run(main()) == 1



def test_a_thread_copies_the_log_into_the_file_and_stops_with_the_store(tmp_path):
    """The event loop only commits; the checkpointer's thread copies the committed pages into the file soon after."""
    path = tmp_path / "visits.sqlite3"

    async def main() -> tuple[int, bool]:
        store = SQLiteVisitStore(path)
        await asyncio.gather(*(store.record(scan(visitor=bytes([number]))) for number in range(50)))
        thread = store._checkpointer._thread
        for _ in range(100):
            if store._checkpointer.passes:
                break
            await asyncio.sleep(0.05)
        alone = shutil.copy(path, tmp_path / "file-alone.sqlite3")  # the file without its log
        await store.close()
        return sqlite3.connect(alone).execute("SELECT scans FROM site_totals").fetchone()[0], thread.is_alive()

    in_the_file, alive = asyncio.run(main())
    assert in_the_file == 50
    assert not alive

def test_days_are_vietnamese_days(tmp_path):
    late_evening_utc = datetime(2026, 11, 24, 17, 30, tzinfo=UTC)  # 00:30 on the 25th in Vietnam
    assert vietnam_day(late_evening_utc) == date(2026, 11, 25)
    store = SQLiteVisitStore(tmp_path / "visits.sqlite3")
    run(store, scan(at=late_evening_utc), scan(at=datetime(2026, 11, 24, 16, 59, tzinfo=UTC)))
    days = SQLiteVisitStore(tmp_path / "visits.sqlite3").daily(date(2026, 11, 1), date(2026, 11, 30))
    assert {day: counts.scans for day, counts in days["dinh-thoi-an"].items()} == {
        date(2026, 11, 24): 1, date(2026, 11, 25): 1}


def test_a_visitor_counts_once_per_site_and_day(tmp_path):
    store = SQLiteVisitStore(tmp_path / "visits.sqlite3")
    run(store,
        scan(visitor=b"a"), scan(visitor=b"a"), Visit("dinh-thoi-an", VisitKind.VIEW, b"a", NOON),
        scan(visitor=b"b"), scan("chua-pothi-somron", visitor=b"a"),
        scan(visitor=b"a", at=datetime(2026, 11, 26, 5, tzinfo=UTC)))
    totals = SQLiteVisitStore(tmp_path / "visits.sqlite3").totals()
    assert (totals["dinh-thoi-an"].scans, totals["dinh-thoi-an"].views) == (4, 1)
    assert totals["dinh-thoi-an"].unique_visitors == 3  # a and b on the 25th, a again on the 26th
    assert totals["chua-pothi-somron"].unique_visitors == 1
    assert totals["dinh-thoi-an"].last_visit == datetime(2026, 11, 26, 5, tzinfo=UTC)


def test_period_totals_sum_the_days_of_the_period_only(tmp_path):
    store = SQLiteVisitStore(tmp_path / "visits.sqlite3")
    run(store, scan(at=datetime(2026, 10, 26, 5, tzinfo=UTC)), scan(at=datetime(2026, 10, 27, 5, tzinfo=UTC)),
        scan(visitor=b"b"), Visit("dinh-thoi-an", VisitKind.VIEW, b"b", NOON), scan("chua-pothi-somron"))
    period = SQLiteVisitStore(tmp_path / "visits.sqlite3").period_totals(date(2026, 10, 27), date(2026, 11, 25))
    assert (period["dinh-thoi-an"].scans, period["dinh-thoi-an"].views) == (2, 1)
    assert period["dinh-thoi-an"].unique_visitors == 2  # one on the 27th, one on the 25th: days are summed
    assert period["dinh-thoi-an"].last_visit == NOON
    assert period["chua-pothi-somron"].scans == 1


def test_visitor_ids_of_past_days_are_deleted(tmp_path):
    path = tmp_path / "visits.sqlite3"
    run(SQLiteVisitStore(path), scan(visitor=b"old", at=datetime(2025, 1, 1, tzinfo=UTC)))
    run(SQLiteVisitStore(path), scan(visitor=b"new", at=datetime.now(UTC)))
    rows = sqlite3.connect(path).execute("SELECT visitor FROM visitors_today").fetchall()
    assert rows == [(b"new",)]
    assert SQLiteVisitStore(path).totals()["dinh-thoi-an"].unique_visitors == 2  # the count stays


def test_visitor_ids_change_every_day_and_hide_the_address():
    hasher = VisitorHasher()
    today = hasher("203.0.113.7", "Mozilla/5.0", date(2026, 11, 25))
    assert hasher("203.0.113.7", "Mozilla/5.0", date(2026, 11, 25)) == today
    assert hasher("203.0.113.8", "Mozilla/5.0", date(2026, 11, 25)) != today
    assert hasher("203.0.113.7", "Mozilla/5.0", date(2026, 11, 26)) != today
    assert len(today) == 8 and b"203.0.113.7" not in today
    assert VisitorHasher()("203.0.113.7", "Mozilla/5.0", date(2026, 11, 25)) != today  # the key is random


def test_a_failed_commit_fails_the_waiting_visits_and_the_store_goes_on(tmp_path):
    store = SQLiteVisitStore(tmp_path / "visits.sqlite3")

    async def main() -> None:
        store._writer.execute("DROP TABLE site_totals")
        with pytest.raises(sqlite3.OperationalError, match="site_totals"):
            await store.record(scan())
        store._writer.executescript("CREATE TABLE site_totals (slug TEXT PRIMARY KEY, scans INTEGER NOT NULL "
                                    "DEFAULT 0, views INTEGER NOT NULL DEFAULT 0, unique_visitors INTEGER NOT NULL "
                                    "DEFAULT 0, last_visit TEXT NOT NULL, late_scans INTEGER NOT NULL DEFAULT 0)"
                                    " WITHOUT ROWID")
        await store.record(scan(visitor=b"later"))
        await store.close()

    asyncio.run(main())
    totals = SQLiteVisitStore(tmp_path / "visits.sqlite3").totals()
    assert totals["dinh-thoi-an"].scans == 1  # the failed batch was rolled back as a whole
    daily = SQLiteVisitStore(tmp_path / "visits.sqlite3").daily(date(2026, 11, 25), date(2026, 11, 25))
    assert daily["dinh-thoi-an"][date(2026, 11, 25)].scans == 1


@pytest.mark.slow
def test_a_failed_commit_that_is_not_damage_leaves_the_store_working(tmp_path):
    path = tmp_path / "visits.sqlite3"
    store = SQLiteVisitStore(path)

    async def main() -> None:
        shell = sqlite3.connect(path, isolation_level=None)
        shell.execute("BEGIN IMMEDIATE")  # someone's sqlite3 shell holds the write lock past busy_timeout
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await store.record(scan())
        shell.execute("ROLLBACK")
        await store.record(scan(visitor=b"later"))
        await store.close()

    asyncio.run(main())
    assert store.problem is None and SQLiteVisitStore(path).totals()["dinh-thoi-an"].scans == 1


def test_a_visitor_counts_one_scan_per_site_in_30_minutes(tmp_path):
    gate = VisitGate(per_address=600)
    assert gate.admit(b"phone", b"addr", "a", VisitKind.SCAN, now=0)
    assert not gate.admit(b"phone", b"addr", "a", VisitKind.SCAN, now=WINDOW_SECONDS - 1)
    assert not gate.admit(b"phone", b"addr", "a", VisitKind.VIEW, now=60)  # reading on after the scan
    assert gate.admit(b"phone", b"addr", "b", VisitKind.SCAN, now=60)  # another site
    assert gate.admit(b"other", b"addr", "a", VisitKind.SCAN, now=60)  # another phone
    assert gate.admit(b"phone", b"addr", "a", VisitKind.SCAN, now=WINDOW_SECONDS)  # the window is over


def test_a_scan_after_a_view_counts_but_a_view_after_a_view_does_not():
    gate = VisitGate(per_address=600)
    assert gate.admit(b"phone", b"addr", "a", VisitKind.VIEW, now=0)
    assert not gate.admit(b"phone", b"addr", "a", VisitKind.VIEW, now=10)
    assert gate.admit(b"phone", b"addr", "a", VisitKind.SCAN, now=20)
    assert not gate.admit(b"phone", b"addr", "a", VisitKind.SCAN, now=30)


def test_the_ceiling_is_per_address_and_per_hour():
    gate = VisitGate(per_address=3)
    assert [gate.admit(bytes([n]), b"school", "a", VisitKind.SCAN, now=n) for n in range(5)] == [
        True, True, True, False, False]
    assert gate.admit(b"x", b"home", "a", VisitKind.SCAN, now=10)  # another address has its own
    assert gate.admit(b"y", b"school", "a", VisitKind.SCAN, now=ADDRESS_PERIOD_SECONDS)  # a new hour


def test_the_gate_stays_bounded_under_a_flood_of_distinct_visitors():
    gate = VisitGate(per_address=10**9, max_entries=1000)
    for n in range(50_000):
        gate.admit(n.to_bytes(8), (n % 5000).to_bytes(4), "a", VisitKind.SCAN, now=n / 1000)
    assert len(gate) <= 2000
    assert not gate.admit((49_999).to_bytes(8), b"x", "a", VisitKind.SCAN, now=50)  # the latest are remembered


def test_ipv6_addresses_of_one_subscriber_share_a_ceiling():
    hasher, day = VisitorHasher(), date(2026, 11, 25)
    assert hasher.address("2001:db8:1:2::1", day) == hasher.address("2001:db8:1:2:aaaa::7", day)
    assert hasher.address("2001:db8:1:3::1", day) != hasher.address("2001:db8:1:2::1", day)
    assert hasher.address("::ffff:203.0.113.7", day) == hasher.address("203.0.113.7", day)
    assert hasher.address("203.0.113.7", day) != hasher.address("203.0.113.8", day)
    assert hasher.address("testclient", day)  # not an address: kept as it is
