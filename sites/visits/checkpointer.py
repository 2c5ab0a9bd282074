"""Copying the SQLite visit store's write-ahead log into its file from a thread of its own, off the event loop.

SQLite does it (a checkpoint) inside the commit that brings the log past 1,000 pages: on the event loop, with two
fsyncs, 10-20 ms in which no request is answered. Under counted scans that was every 60 commits, and the COMMIT
statement took an eighth of a counted scan's time on the event loop (py-spy, bench/scan.py). Here a thread checkpoints
shortly after commits, in PASSIVE mode (it never waits for, nor holds up, the writer or the readers), and the
writer's own checkpoint is kept for a log that reaches `BACKSTOP_PAGES` anyway: under constant load, when no pass
ends between two commits, or if this thread stopped. Its pass then has only the pages since this thread's last pass
to copy and sync. Committed visits are as durable either way: they are in the log (synchronous=NORMAL).
"""

import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

PAUSE_SECONDS = 0.1  # between two passes: at most ten pairs of fsyncs a second, a tenth of a second of log to copy
BACKSTOP_PAGES = 4000  # the writer's own checkpoint (SQLite's default: 1,000): the log stays under 16 MB


class Checkpointer:
    """A thread that checkpoints the SQLite file at `path` (in WAL mode) after the writer says it committed.

    `changed` (sites/storage/store_file.py) says why the file is no longer the one the store opened: then the thread
    stops before writing into it, and the store reports the damage at its next commit, as it did before."""

    def __init__(self, path: Path, changed: Callable[[], str | None], pause: float = PAUSE_SECONDS):
        self.path, self.changed, self.pause = path, changed, pause
        self.passes = 0  # checkpoints made, for tests
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._committed = threading.Event()
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="visit-store-checkpoint", daemon=True)
        self._thread.start()

    def committed(self) -> None:
        """Called by the writer after each commit (on the event loop: it only sets an event)."""
        self._committed.set()

    def close(self) -> None:
        """Stop the thread (after the pass under way) and close its connection."""
        self._closing.set()
        self._committed.set()
        self._thread.join()
        self._connection.close()

    def _run(self) -> None:
        while True:
            self._committed.wait()
            if self._closing.is_set():
                return
            self._committed.clear()
            if self.changed():
                return
            try:
                self._connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error as exc:  # the writer's own checkpoint takes over; the writer reports damage
                log.warning("Chép nhật ký ghi trước vào %s để lại cho lần ghi / checkpoints of %s are left to the "
                            "writer from now on: %s", self.path.name, self.path.name, exc)
                return
            self.passes += 1
            if self._closing.wait(self.pause):
                return
