"""The processes of one server take turns to commit visits to PostgreSQL (issue 27).

While one process's batch is being committed, another holds its next batch back until that commit is expected to
end, at most `MAX_WAIT`, and the visits it receives meanwhile join the batch. Two workers then commit larger
batches (12 visits against 8 under bench/scale.py's load; one worker alone: 16): each commit costs about 0.8 ms of
CPU of its own, whatever its size (a round trip, a transaction, the function call, both processes woken up), so
two workers counted a scan for 18-25 % more CPU than one, and 10-15 % more with turns (docs/benchmarks.md).
Nothing waits while no other process is committing: one worker alone, or a quiet server, commits at once as before.

The processes share a small file in the data folder, mapped in memory: a slot per process, holding its pid and,
while it commits, when it expects that commit to end (CLOCK_MONOTONIC nanoseconds, one clock for the whole
machine). A process that dies leaves an end in the past, which nobody waits for, and its slot is taken by the next
process that starts. Without the file, or without a free slot, a process commits without waiting.
"""

import fcntl
import logging
import mmap
import os
import struct
import time
from pathlib import Path

log = logging.getLogger(__name__)

TURNS_FILE = "commit-turns"  # in the data folder; derived, never backed up (sites/backup.py)
SLOTS = 64  # processes of one server that can take turns (`serve --workers` allows 64)
MAX_WAIT = 0.002  # seconds: the longest a batch is held back for another process's commit
_SLOT = struct.Struct("=qq")  # pid, expected end of its commit in flight (monotonic ns) or 0
_ALL = struct.Struct("=" + "qq" * SLOTS)
_SMOOTHING = 8  # the expected duration moves an eighth of the way to each new commit's


class CommitTurns:
    """This process's slot in the turns file at `path` (None: commit without waiting)."""

    def __init__(self, path: Path | None):
        self._map: mmap.mmap | None = None
        self._offset = 0
        self._started = 0
        self._expected = 1_000_000  # ns a commit takes, until measured
        if path is None:
            return
        try:
            with open(os.open(path, os.O_RDWR | os.O_CREAT, 0o600), "r+b") as file:
                fcntl.flock(file, fcntl.LOCK_EX)  # processes starting together claim different slots
                try:  # unlocked by hand: the map keeps a copy of the descriptor, which would keep the lock
                    self._claim(file, path)
                finally:
                    fcntl.flock(file, fcntl.LOCK_UN)
        except (OSError, ValueError) as exc:
            log.warning("%s: %s; this process commits visits without taking turns", path, exc)

    def _claim(self, file, path: Path) -> None:
        if os.fstat(file.fileno()).st_size < _ALL.size:
            os.ftruncate(file.fileno(), _ALL.size)
        shared = mmap.mmap(file.fileno(), _ALL.size)
        slot = _free_slot(shared)
        if slot is None:
            shared.close()
            log.warning("%s: no free slot among %d; this process commits visits without taking turns", path, SLOTS)
            return
        self._map, self._offset = shared, slot * _SLOT.size
        _SLOT.pack_into(shared, self._offset, os.getpid(), 0)

    def wait(self) -> float:
        """Seconds until the commit in flight of another process is expected to end, at most MAX_WAIT; 0 if none
        is (this process's own slot is empty between its commits)."""
        if self._map is None:
            return 0.0
        left = max(_ALL.unpack(self._map)[1::2]) - time.monotonic_ns()
        return min(left / 1e9, MAX_WAIT) if left > 0 else 0.0

    def commit_starts(self) -> None:
        if self._map is not None:
            self._started = time.monotonic_ns()
            struct.pack_into("=q", self._map, self._offset + 8, self._started + self._expected)

    def commit_ends(self) -> None:
        if self._map is not None:
            struct.pack_into("=q", self._map, self._offset + 8, 0)
            self._expected += (time.monotonic_ns() - self._started - self._expected) // _SMOOTHING

    def close(self) -> None:
        """Give the slot back."""
        if self._map is not None:
            _SLOT.pack_into(self._map, self._offset, 0, 0)
            self._map.close()
            self._map = None


def _free_slot(shared: mmap.mmap) -> int | None:
    """The first slot of no running process, or None."""
    for slot in range(SLOTS):
        pid, _ = _SLOT.unpack_from(shared, slot * _SLOT.size)
        if pid == 0 or not _running(pid):
            return slot
    return None


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True
