"""The processes of one server take turns to commit visits (sites/visits/commit_turns.py, issue 27): a batch waits
while another process's commit is in flight, at most MAX_WAIT, and never while none is."""

import asyncio
import logging
import subprocess
import sys
import time
from datetime import UTC, datetime

from sites.storage.postgres import PostgresDatabase
from sites.visits.commit_turns import MAX_WAIT, SLOTS, TURNS_FILE, CommitTurns
from sites.visits.store_pg import PostgresVisitStore
from sites.visits.visit import Visit, VisitKind


def _slow(turns: CommitTurns) -> CommitTurns:
    """`turns` after one commit of 0.1 s: it now expects its commits to take about 13 ms, so a test checking
    that another process waits meanwhile has milliseconds to spare on a busy machine."""
    turns.commit_starts()
    time.sleep(0.1)
    turns.commit_ends()
    return turns


def test_a_batch_waits_only_while_another_process_commits_and_never_longer_than_the_bound(tmp_path):
    mine, other = _slow(CommitTurns(tmp_path / TURNS_FILE)), _slow(CommitTurns(tmp_path / TURNS_FILE))
    assert mine.wait() == 0  # nobody commits: at once, as one worker alone always does
    other.commit_starts()
    assert 0 < mine.wait() <= MAX_WAIT
    other.commit_ends()
    assert mine.wait() == 0
    mine.commit_starts()  # and the other way round
    assert 0 < other.wait() <= MAX_WAIT
    mine.commit_ends()
    assert other.wait() == 0


def test_the_wait_follows_how_long_the_other_process_commits_and_stops_at_the_bound(tmp_path):
    mine, other = CommitTurns(tmp_path / TURNS_FILE), CommitTurns(tmp_path / TURNS_FILE)
    for _ in range(40):  # commits of 10 ms: the expected end moves to about 10 ms after the start
        other.commit_starts()
        time.sleep(0.01)
        other.commit_ends()
    other.commit_starts()
    assert mine.wait() == MAX_WAIT
    other.commit_ends()


def test_slots_of_ended_processes_are_taken_again_and_a_full_file_means_no_waiting(tmp_path, caplog):
    path = tmp_path / TURNS_FILE
    claim = f"from sites.visits.commit_turns import CommitTurns; CommitTurns(__import__('pathlib').Path({str(path)!r}))"
    for _ in range(3):  # each process ends without giving its slot back
        subprocess.run([sys.executable, "-c", claim], check=True)
    turns = [CommitTurns(path) for _ in range(SLOTS)]  # every slot, the dead processes' included
    with caplog.at_level(logging.WARNING):
        extra = CommitTurns(path)
    assert "no free slot among 64" in caplog.text
    turns[0].commit_starts()
    assert extra.wait() == 0 and turns[1].wait() > 0
    extra.commit_starts()  # does nothing without a slot
    turns[0].commit_ends()
    assert turns[1].wait() == 0
    turns[0].close()
    assert CommitTurns(path).wait() == 0  # the slot given back is taken


def test_without_a_file_to_share_visits_are_committed_without_waiting(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        turns = CommitTurns(tmp_path / "missing-folder" / TURNS_FILE)
    assert "commits visits without taking turns" in caplog.text and "missing-folder" in caplog.text
    turns.commit_starts()
    assert turns.wait() == 0 and CommitTurns(None).wait() == 0


def test_visits_arriving_while_another_process_commits_join_one_batch_and_all_are_counted(postgres, tmp_path):
    database = PostgresDatabase(postgres.database())
    other = _slow(CommitTurns(tmp_path / TURNS_FILE))
    store = PostgresVisitStore(database, 1000, CommitTurns(tmp_path / TURNS_FILE))
    batches = []
    store.observe_commit = lambda seconds, items: batches.append(items)
    now = datetime.now(UTC)

    def visit(number: int) -> Visit:
        return Visit("dinh", VisitKind.SCAN, f"phone-{number}".encode(), now, f"address-{number}".encode())

    async def later(number: int) -> bool:
        await asyncio.sleep(0)  # after the writer has started on the first visit
        return await store.record(visit(number))

    async def two_visits(first: int) -> list[bool]:
        return await asyncio.gather(store.record(visit(first)), later(first + 1))

    async def run() -> None:
        assert await two_visits(0) == [True, True]  # no other commit: the first visit goes alone
        other.commit_starts()
        assert await two_visits(2) == [True, True]  # another process commits: the first waits for the second
        other.commit_ends()
        assert await store.record(visit(2)) is False  # the same phone again: the counting rule is unchanged
        await store.close()

    asyncio.run(run())
    assert batches == [1, 1, 2, 1]
    assert store.totals()["dinh"].scans == 4
    database.close()
