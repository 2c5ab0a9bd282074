"""Rendered lists kept for the next request (issue 27): the home page, /journeys, /stats, /map, the map's feed
/api/map-points.json and the JSON lists cost a render that grows with the page or the sites, so a flood of them
must not make the server render each one (the map's feed takes about 0.8 s of CPU at 40,000 sites).

A response is kept per key (the page's own parameters: language, filters, search, page, sort) with the `version`
of what it shows (the visit store's and the outing store's counts of commits, api/caches/versions.py):
- while that version stays the same it is served as it is, for at most `MAX_SAME_SECONDS` (another worker's
  visits do not change this process's version: a count is at most that old);
- when the version changed, it is rendered again, unless it is costly (it took `KEEP_AFTER_SECONDS` or more to
  render) or flooded (asked `FLOOD_HITS` times since it was rendered): then it is still served for ten times as
  long as it took to render (at most `MAX_SAME_SECONDS`), so scans and list requests together cost at most a
  tenth of a core in renders. A person reloading a cheap list sees the scan made in between.
While one request renders a key, the others asking for it wait for it; a key's build lock exists only while some
request holds or waits for it, so the locks are bounded whatever keys are asked for (issue 21: a lock kept per key
grew by 63 KB a request).
Each is kept plain and gzipped, as the page cache keeps site pages: compressing a kept GeoJSON for every request
would cost more than the rest of the answer. Everything is forgotten when the catalog loads a new registry. The
kept bytes are bounded by `max_bytes`, the least recently used dropped first; a response larger than a quarter
of it is kept gzipped only (the GeoJSON of 40,000 sites: about 20 MB plain, 600 ms to render, 2 MB gzipped) and
unzipped for the rare client that does not accept gzip; one whose gzip is that large too is served but not kept.
"""

import gzip
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from time import monotonic, thread_time

from starlette.responses import Response

KEEP_AFTER_SECONDS = 0.1  # a list rendered faster is not costly: it costs no more than a page
MAX_SAME_SECONDS = 10.0  # how old a kept list may be at most
FRESH_PER_RENDER_SECOND = 10.0  # a flooded list that took 20 ms to render is kept 0.2 s after its version changed
FLOOD_HITS = 5
LIST_CACHE_BYTES = 16 * 2**20


@dataclass
class _Kept:
    version: Hashable
    built: float
    fresh_until: float  # when flooded, served whatever the version until then
    status: int
    body: bytes | None  # None: kept gzipped only (too large to keep plain)
    gzipped: bytes
    headers: list[tuple[bytes, bytes]]  # without the length; Vary names Accept-Encoding
    hits: int = 0  # times served since it was rendered
    cost: float = 0.0  # CPU seconds it took to render (not wall time: a busy machine does not make it costly)


class ListCache:
    """Rendered responses by key, bounded in bytes, least recently used dropped first."""

    def __init__(self, max_bytes: int = LIST_CACHE_BYTES):
        self.max_bytes = max_bytes
        self._kept: OrderedDict[Hashable, _Kept] = OrderedDict()
        self._bytes = 0
        self._building: dict[Hashable, BuildLock] = {}
        self._registry: object = None
        self._lock = threading.Lock()

    def response(self, registry: object, key: Hashable, version: Hashable, render: Callable[[], Response],
                 gzip_ok: bool = False) -> Response:
        """The response kept under `key` if still good for `version`, else `render()`'s, rendered once for every
        request waiting for it; gzipped if `gzip_ok` (the client accepts it)."""
        with self._lock:
            if registry is not self._registry:
                self._kept.clear()
                self._bytes = 0
                self._registry = registry
            building = self._building.setdefault(key, BuildLock())
            building.users += 1
        try:
            with building.lock:
                return _replay(self._kept_or_rendered(key, version, render), gzip_ok)
        finally:
            with self._lock:
                building.users -= 1
                if not building.users:
                    del self._building[key]

    def _kept_or_rendered(self, key: Hashable, version: Hashable, render: Callable[[], Response]) -> _Kept:
        now = monotonic()
        with self._lock:
            kept = self._kept.get(key)
            busy = kept and (kept.hits >= FLOOD_HITS or kept.cost >= KEEP_AFTER_SECONDS)
            if kept and ((busy and now < kept.fresh_until)
                         or (kept.version == version and now < kept.built + MAX_SAME_SECONDS)):
                kept.hits += 1
                self._kept.move_to_end(key)
                return kept
        cpu = thread_time()
        rendered = render()
        body = bytes(rendered.body)
        fresh = _Kept(version, 0.0, 0.0, rendered.status_code, body, gzip.compress(body, compresslevel=6, mtime=0),
                      _headers(rendered.raw_headers))
        fresh.built = monotonic()
        fresh.cost = thread_time() - cpu
        fresh.fresh_until = fresh.built + min(MAX_SAME_SECONDS, FRESH_PER_RENDER_SECOND * fresh.cost)
        if rendered.status_code != 200 or len(fresh.gzipped) > self.max_bytes // 4:
            return fresh
        if len(body) > self.max_bytes // 4:
            fresh.body = None
        with self._lock:
            old = self._kept.pop(key, None)
            self._bytes += _size(key, fresh) - (_size(key, old) if old else 0)
            self._kept[key] = fresh
            while self._bytes > self.max_bytes:
                dropped = self._kept.popitem(last=False)
                self._bytes -= _size(*dropped)
        return fresh


def _size(key: Hashable, kept: _Kept) -> int:
    """What an entry holds in bytes, about: its bodies, its headers and its key (a search may be long)."""
    return (len(kept.body or b"") + len(kept.gzipped) + sum(len(name) + len(value) for name, value in kept.headers)
            + len(repr(key)))


def _headers(raw: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The rendered headers (cookies included) without the length, with Accept-Encoding in Vary."""
    headers = [(name, value) for name, value in raw if name not in (b"content-length", b"vary")]
    vary = [value for name, value in raw if name == b"vary"]
    return [*headers, (b"vary", b", ".join([*vary, b"Accept-Encoding"]))]


def _replay(kept: _Kept, gzip_ok: bool) -> Response:
    """A new response with the kept status, body (gzipped if `gzip_ok`) and headers."""
    body = kept.gzipped if gzip_ok else kept.body if kept.body is not None else gzip.decompress(kept.gzipped)
    response = Response(status_code=kept.status)
    response.body = body
    response.raw_headers = [*kept.headers, (b"content-length", str(len(body)).encode()),
                            *([(b"content-encoding", b"gzip")] if gzip_ok else [])]
    return response


class BuildLock:
    """The lock under which one key's response is rendered, and how many requests hold or wait for it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
