"""Loading many site folders in worker processes, for a start with an empty site cache (issue 27).

Parsing the YAML, validating it with the pydantic models and pickling the site for the site cache is nearly all of
loading a site and holds the GIL, so a start on 40,000 sites used one core. Here the folders go by chunks to a few
processes, each running a job (`sites.catalog.loader.load_folders`) that gives back, for every folder, what the
caller keeps of it; the caller writes and keeps the results in folder order, so errors are found and worded in one
place, in one order. At most CHUNKS_AHEAD chunks a worker are in flight, so the results waiting for the caller stay
few whatever the count of folders.
"""

import logging
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from sites.processes import end_with_parent

CHUNK_FOLDERS = 200  # folders per job: small enough to keep every worker busy to the end, large enough to pay little
CHUNKS_AHEAD = 2  # jobs in flight per worker: at 40,000 sites, all at once held 0.5 GB of parsed files in the caller
log = logging.getLogger(__name__)


def run_ahead(folders: list[Path], job: Callable[[list[str]], list[Any]],
              workers: int | None = None) -> Iterator[tuple[list[Path], list[Any] | None]]:
    """Yield `folders` in their order by chunks, each with what `job` (a module's function, run in a worker
    process on the chunk's folders as text) returned for it, by `workers` processes (default: one per usable
    CPU). With fewer than two workers, or when the processes cannot be started or one dies, the chunks come
    with None and the caller loads them itself. The processes are stopped when the generator ends or is closed."""
    workers = min(workers or usable_cpus(), len(folders))
    if workers < 2:
        yield folders, None
        return
    size = max(1, min(CHUNK_FOLDERS, len(folders) // (4 * workers)))  # a few chunks each, however few folders
    chunks = [folders[start:start + size] for start in range(0, len(folders), size)]
    # spawn, not fork: a server has threads, and a forked child may inherit a lock held by one of them
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker)
    ahead: deque[Future] = deque()
    try:
        for number, chunk in enumerate(chunks):
            result = None
            try:  # CHUNKS_AHEAD a worker in flight: results waiting for the caller are held in its memory
                while pool is not None and len(ahead) < min(CHUNKS_AHEAD * workers, len(chunks) - number):
                    ahead.append(pool.submit(job, [str(folder) for folder in chunks[number + len(ahead)]]))
                if ahead:
                    result = ahead.popleft().result()
            except (BrokenProcessPool, OSError) as exc:  # a worker was killed, or could not start
                log.warning("loading content in this process only: the worker processes failed (%s)", exc)
                pool.shutdown(wait=True, cancel_futures=True)
                pool, ahead = None, deque()
            yield chunk, result
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


def _start_worker() -> None:
    """Leave Ctrl-C to the parent, which stops the workers; and end with the parent if it is killed, since
    a worker waiting for its next job would otherwise wait for ever."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end_with_parent()


def usable_cpus() -> int:
    """The CPUs this process may run on (fewer than the machine's in a container or under taskset)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
