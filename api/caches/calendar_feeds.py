"""The calendar's iCalendar feeds (/calendar.ics, ?province=, /sites/{slug}.ics): written once per content version,
month and filter, in bounded work, and answered from memory (issue 24: under 50 ms at 10,000 sites,
bench/calendar_feeds.py).

`icalendar` is pure Python and slow (about 0.35 ms an event), so each site's events are written in a worker
process of their own, at low priority, and kept by site and month: the site object stays the same while its
folder is unchanged (sites/catalog/site_cache.py), so after an edit only the edited site is written again, and
a province's feed is put together from the sites already written. Whole feeds are kept plain and gzipped
(calendar apps ask for gzip; compressing 30 MB on the event loop would stall every scan).

Memory stays within fixed caps whatever the number of sites (issue 27): the written events are kept compressed
(by the worker process), least recently used dropped first past WRITTEN_BYTES; a site dropped is written again
when a feed asks for it, WRITE_BATCH sites at a time. A feed holds at most FEED_EVENTS occurrences (its first days'
past that: sites/calendar/calendar_index.py), about 5 MB plain: three years of every site would be 200 MB at
40,000 sites, written for minutes, kept by no cache, and read by no phone. A gzipped feed is compressed as it is
put together (never held plain).
"""

import asyncio
import datetime as dt
import gzip
import io
import multiprocessing
import zlib
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import ProcessPoolExecutor

from api.workpool import ENTRY_OVERHEAD, WORKER_NICENESS, ByteCache, WorkPool
from sites.calendar.calendar_index import CalendarIndex, FeedSelection
from sites.calendar.ics import END, FeedEvent, cut_note, feed, feed_events, feed_header, vevents
from sites.calendar.occurrences import NATIONAL, Occurrence
from sites.catalog.registry import Registry
from sites.catalog.site import Site
from sites.processes import start_low_priority_worker

FEED_WORKERS, FEED_QUEUE = 1, 8
FEED_CACHE_BYTES = 96 * 2**20  # the whole feed of 10,000 sites is about 30 MB plain, 3 MB gzipped
GZIP_LEVEL = 6
WRITE_BATCH = 500  # sites whose events go to the worker process at once: rows of 500 sites, not of 40,000
# each site's events written, compressed: under 1 KB a site kept (real text: 0.5 to 0.7 KB), so 40,000 sites' fit; the
# whole feed's must, or each whole feed would drop the first sites while writing the last and write them all again
WRITTEN_BYTES = 48 * 2**20
WHOLE, WHOLE_NAME = "province:", "Địa chỉ đỏ"  # the scope and name of the whole feed, /calendar.ics
AHEAD_INTERVAL = 30  # seconds between checks for a new content version or month to write the feed ahead for


class CalendarFeeds:
    """Feed bodies by filter for the current registry and month, made in one worker process."""

    def __init__(self) -> None:
        self._pool = WorkPool("calendar feeds", _feed_process, FEED_WORKERS, FEED_QUEUE)
        # a site's (or the national days') events, written and compressed; least recently used first
        self._written: OrderedDict[Hashable, tuple[Site | None, bytes]] = OrderedDict()
        self._written_bytes = 0
        self._version: tuple | None = None  # (registry, first day of the month, base URL) the feeds are of
        self.bodies, self.gzipped = ByteCache(FEED_CACHE_BYTES // 8 * 7), ByteCache(FEED_CACHE_BYTES // 8)

    async def body(self, registry: Registry, index: CalendarIndex, scope: str, name: str,
                   select: Callable[[], FeedSelection], base_url: str, gzipped: bool) -> bytes:
        """The feed `scope` ("province:" for every site's, "province:<name>", "site:<slug>") named `name`, of the
        occurrences `select()` gives (called, in a thread, only when the feed is not kept); gzipped if asked."""
        self._forget_other_versions(registry, index, base_url)

        kept = self.gzipped if gzipped else self.bodies
        return await kept.get(scope, lambda: self._make(index, name, select, base_url, gzipped))

    def _forget_other_versions(self, registry: Registry, index: CalendarIndex, base_url: str) -> None:
        version = (registry, index.first, base_url)
        if self._version is None or any(a is not b and a != b for a, b in zip(version, self._version, strict=True)):
            self._version = version
            self.bodies, self.gzipped = ByteCache(FEED_CACHE_BYTES // 8 * 7), ByteCache(FEED_CACHE_BYTES // 8)
            current = {id(site) for site in registry.all()}
            self._written = OrderedDict((key, kept) for key, kept in self._written.items()
                                        if key[1] == index.first and (kept[0] is None or id(kept[0]) in current))
            self._written_bytes = sum(len(chunk) + ENTRY_OVERHEAD for _, chunk in self._written.values())

    async def _make(self, index: CalendarIndex, name: str, select: Callable[[], FeedSelection], base_url: str,
                    gzipped: bool) -> bytes:
        selection = await asyncio.to_thread(select)
        # an owner's first occurrences are the same whichever feed holds them: the key says how many
        owners = [((id(site) if site else NATIONAL, index.first, base_url, len(items)), site, items)
                  for site, items in selection.parts]
        chunks = {key: self._chunk(key) for key, _, _ in owners}  # taken now: writing the others may drop them
        missing = [(key, site, items) for key, site, items in owners if chunks[key] is None]
        stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
        for start in range(0, len(missing), WRITE_BATCH):  # a batch's rows at a time, not every site's at once
            batch = missing[start:start + WRITE_BATCH]
            rows = await asyncio.to_thread(_rows, [items for _, _, items in batch], base_url)
            written = await self._pool.run(_compressed_vevents, rows, stamp)
            for (key, site, _), chunk in zip(batch, written, strict=True):
                chunks[key] = chunk
                self._keep(key, site, chunk)
        header = await self._pool.run(feed_header, name, cut_note(selection.until))
        return await asyncio.to_thread(_feed_gzipped if gzipped else _feed, header, list(chunks.values()))

    def _chunk(self, key: Hashable) -> bytes | None:
        kept = self._written.get(key)
        if kept is None:
            return None
        self._written.move_to_end(key)
        return kept[1]

    def _keep(self, key: Hashable, site: Site | None, chunk: bytes) -> None:
        if (old := self._written.pop(key, None)) is not None:
            self._written_bytes -= len(old[1]) + ENTRY_OVERHEAD
        self._written[key] = (site, chunk)
        self._written_bytes += len(chunk) + ENTRY_OVERHEAD
        while self._written_bytes > WRITTEN_BYTES:
            _, (_, dropped) = self._written.popitem(last=False)
            self._written_bytes -= len(dropped) + ENTRY_OVERHEAD

    async def write_ahead(self, registry: Registry, index: CalendarIndex, base_url: str) -> None:
        """Write the whole feed now (only the sites not written yet), so no subscriber waits for it."""
        await self.body(registry, index, WHOLE, WHOLE_NAME, lambda: index.feed(None), base_url, gzipped=True)

    def close(self) -> None:
        """Stop the worker process (at the app's shutdown)."""
        self._pool.close()


def _feed_gzipped(header: bytes, chunks: list[bytes]) -> bytes:
    """The feed gzipped as it is put together: the plain whole feed (about 5 KB a site) is never held at once."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=GZIP_LEVEL, mtime=0) as stream:
        stream.write(header)
        for chunk in chunks:
            stream.write(zlib.decompress(chunk))
        stream.write(END)
    return out.getvalue()


def _compressed_vevents(groups: list[list[FeedEvent]], stamp: dt.datetime) -> list[bytes]:
    """`vevents`, each group's compressed (in the worker process, so the server spends nothing on it)."""
    return [zlib.compress(chunk, GZIP_LEVEL) for chunk in vevents(groups, stamp)]


def _feed(header: bytes, chunks: list[bytes]) -> bytes:
    return feed(header, map(zlib.decompress, chunks))


def _rows(groups: list[list[Occurrence]], base_url: str) -> list[list[FeedEvent]]:
    return [feed_events(items, base_url, f"{base_url}/calendar") for items in groups]


def _feed_process(workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: the server has threads (see api/caches/print_shop.py)
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=start_low_priority_worker, initargs=(WORKER_NICENESS,))
