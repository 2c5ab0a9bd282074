"""Bounded CPU work for anonymous requests: a pool with a fixed number of workers and a short queue, and a
cache bounded by bytes that makes each result once, however many requests ask for it at the same time.

Issue 11: forty requests for QR codes of distinct sizes took 4.7 GB, and every poster batch was made
again for each request, on the event loop's own CPU. Work runs in an executor (threads, or processes for
pure-Python work that would otherwise hold the GIL against the event loop), never more than `workers`
jobs at once; beyond `workers + max_waiting` jobs a request is answered 503 at once instead of queueing.
"""

import asyncio
import functools
import os
import sys
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from fastapi import HTTPException

# Workers yield the CPU to the event loop that answers scans. Measured with bench/abuse.py, the server pinned
# to one core as on a 1-vCPU VPS: at niceness 5, 40 parallel logins took scan p99 to 44 ms and 24 poster
# batches to 5.5 ms; at 19, to 3.7 ms and 4.5 ms against an idle p99 of 0.4-1.7 ms.
WORKER_NICENESS = 19
ENTRY_OVERHEAD = 256  # bytes counted for each cached entry besides its body: key, node, bytes object header
RETRY_AFTER_SECONDS = 5


class Busy(HTTPException):
    """Every worker is busy and the queue is full: a 503 asking the client to come back shortly."""

    def __init__(self, what: str):
        super().__init__(503, f"Máy chủ đang bận, hãy thử lại sau ít giây / the server is busy making {what}; "
                              f"try again in a few seconds", headers={"Retry-After": str(RETRY_AFTER_SECONDS)})


def low_priority_threads(workers: int, name: str) -> ThreadPoolExecutor:
    """A thread pool whose threads (and the threads they start, such as Argon2's lanes) run at WORKER_NICENESS."""
    return ThreadPoolExecutor(workers, name, initializer=lower_thread_priority)


def lower_thread_priority() -> None:
    """Give the calling thread WORKER_NICENESS; Linux keeps a niceness per thread, set through its thread id."""
    if sys.platform == "linux":
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)


class WorkPool:
    """Runs functions in an executor made on first use, `workers` at a time, with at most `max_waiting` queued."""

    def __init__(self, name: str, make_executor: Callable[[int], Executor], workers: int, max_waiting: int):
        self.name = name
        self._make_executor, self._workers, self._max_waiting = make_executor, workers, max_waiting
        self._executor: Executor | None = None
        self._slots = asyncio.Semaphore(workers)
        self._pending = 0  # running and waiting

    @property
    def pending(self) -> int:
        """Jobs running and waiting now."""
        return self._pending

    @property
    def capacity(self) -> int:
        """Jobs taken before the next is refused: the workers and the longest queue."""
        return self._workers + self._max_waiting

    async def run(self, function: Callable[..., Any], *args: Any, max_waiting: int | None = None) -> Any:
        """`function(*args)` in a worker; raises Busy when the queue is full. A smaller `max_waiting` lets one
        kind of caller be refused while others may still queue (visitors and staff in api/image_worker.py)."""
        waiting = self._max_waiting if max_waiting is None else min(max_waiting, self._max_waiting)
        if self._pending >= self._workers + waiting:
            raise Busy(self.name)
        self._pending += 1
        try:
            async with self._slots:
                if self._executor is None:
                    self._executor = self._make_executor(self._workers)
                return await asyncio.get_running_loop().run_in_executor(self._executor, function, *args)
        finally:
            self._pending -= 1

    def close(self) -> None:
        """Stop the workers (at shutdown); running jobs are abandoned. A worker process in the middle of a job is
        terminated: otherwise the interpreter's exit waits for the job, and a restart hangs while a poster batch
        is being made at low priority."""
        if self._executor is not None:
            # ProcessPoolExecutor keeps its processes here; Python 3.14 adds terminate_workers() for this.
            running = list((getattr(self._executor, "_processes", None) or {}).values())
            self._executor.shutdown(wait=False, cancel_futures=True)
            for process in running:
                process.terminate()
            self._executor = None


class ByteCache:
    """Results by key, least recently used dropped first once their bytes pass `max_bytes`.

    Concurrent requests for a key being made wait for the same job (single flight), so a burst of identical
    requests costs one job. A failed job is not kept: each waiter gets its exception.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.made = 0  # jobs run so far: tests and the bench read it
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._making: dict[Hashable, asyncio.Future[bytes]] = {}

    @property
    def size(self) -> int:
        """Bytes held, entry overhead included."""
        return self._bytes

    async def get(self, key: Hashable, make: Callable[[], Awaitable[bytes]]) -> bytes:
        """The bytes kept for `key`, else those of `make()` (run once however many ask meanwhile)."""
        body = self._items.get(key)
        if body is not None:
            self._items.move_to_end(key)
            return body
        job = self._making.get(key)
        if job is None:
            job = asyncio.ensure_future(make())
            self._making[key] = job
            self.made += 1
            job.add_done_callback(functools.partial(self._done, key))
        # A waiter that goes away (client disconnected) must not cancel the job the others wait for.
        return await asyncio.shield(job)

    def _done(self, key: Hashable, job: asyncio.Future[bytes]) -> None:
        del self._making[key]
        if job.cancelled() or job.exception() is not None:
            return
        self._keep(key, job.result())

    def _keep(self, key: Hashable, body: bytes) -> None:
        cost = len(body) + ENTRY_OVERHEAD
        if cost > self.max_bytes:
            return
        self._items[key] = body
        self._bytes += cost
        while self._bytes > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self._bytes -= len(dropped) + ENTRY_OVERHEAD
