"""Parsing many content files' front matter in worker processes, for a start with an empty site cache (issue 27).

YAML parsing is most of loading a site and holds the GIL, so a start on 40,000 sites used one core. Here the
folders are parsed by chunks in a few processes and their files' front matter handed to the caller's
`ParsedFiles`; the caller then loads each site as it would anyway (`load_site`), which reads a file again only
when it changed meanwhile or could not be parsed: errors are found and worded in one place, in one order.
Validation stays in the calling process: pydantic models cost more to send between processes than to make.
"""

import logging
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from sites.catalog.collector import collector_paused
from sites.catalog.frontmatter import ParsedFiles
from sites.catalog.languages import SOURCE_FILE, file_language
from sites.processes import end_with_parent

CHUNK_FOLDERS = 200  # folders per job: small enough to keep every worker busy to the end, large enough to pay little
CHUNKS_AHEAD = 2  # jobs in flight per worker: at 40,000 sites, all at once held 0.5 GB of parsed files in the caller
log = logging.getLogger(__name__)


def parse_ahead(folders: list[Path], parsed: ParsedFiles, workers: int | None = None) -> Iterator[list[Path]]:
    """Yield `folders` in their order by chunks, each once its content files are parsed into `parsed` by
    `workers` processes (default: one per usable CPU). With fewer than two workers, or when the processes
    cannot be started or one dies, the chunks come unparsed and the caller parses them itself.
    The processes are stopped when the generator ends or is closed."""
    workers = min(workers or usable_cpus(), len(folders))
    if workers < 2:
        yield folders
        return
    size = max(1, min(CHUNK_FOLDERS, len(folders) // (4 * workers)))  # a few chunks each, however few folders
    chunks = [folders[start:start + size] for start in range(0, len(folders), size)]
    # spawn, not fork: a server has threads, and a forked child may inherit a lock held by one of them
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker)
    ahead: deque[Future] = deque()
    try:
        for number, chunk in enumerate(chunks):
            failed = False
            try:  # CHUNKS_AHEAD a worker in flight: parsed files waiting for the caller are held in its memory
                while pool is not None and len(ahead) < min(CHUNKS_AHEAD * workers, len(chunks) - number):
                    ahead.append(pool.submit(parse_folders, [str(folder) for folder in chunks[number + len(ahead)]]))
                if ahead:
                    parsed.adopt(ahead.popleft().result())
            except (BrokenProcessPool, OSError) as exc:  # a worker was killed, or could not start
                log.warning("parsing content in this process only: the worker processes failed (%s)", exc)
                failed = True
            if failed:
                pool.shutdown(wait=True, cancel_futures=True)
                pool, ahead = None, deque()
            yield chunk
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


def parse_folders(folders: list[str]) -> list[tuple[str, tuple[int, int], dict, str]]:
    """In a worker: the parsed front matter of every content file (`index.md`, `index.<tag>.md`) of `folders`."""
    parsed = ParsedFiles()
    with collector_paused():  # what is parsed stays until it is sent: the collector's passes would find nothing
        for folder in folders:
            try:
                names = os.listdir(folder)
            except OSError:  # the caller meets the same problem and reports it
                continue
            for name in names:
                if name == SOURCE_FILE or file_language(name) is not None:
                    try:
                        parsed.read(Path(folder, name))
                    except Exception:  # noqa: BLE001 - the caller reads it again, and reports or raises as without workers
                        continue
        return parsed.export()
