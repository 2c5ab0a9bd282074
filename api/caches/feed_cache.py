"""Recently built JSON feeds, shared for a moment: the map's feed costs about 0.8 s of CPU at 40,000 sites,
so the public internet must not be able to make the server build it for every request.

A feed that took at least `KEEP_AFTER_SECONDS` to build is kept for ten times as long as it took, at most
`MAX_FRESH_SECONDS`: building it then takes at most a tenth of a core whatever the number of requests. A
cheaper feed (a small deployment's is built in about a millisecond) is built for every request, so a scan
shows on the next reload. Feeds are kept per query and forgotten when the catalog loads a new registry (a
content change is seen at once); while one request builds a feed, the others asking for it wait for it
instead of building it too. A build lock exists only while some request holds or waits for it, so the cache's
memory is bounded whatever keys are asked for (issue 21: a lock kept per key grew by 63 KB a request).
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from time import monotonic

KEEP_AFTER_SECONDS = 0.1  # a feed built faster is not kept: it costs no more than a page
FRESH_PER_BUILD_SECOND = 10.0  # a feed that took 0.2 s to build is kept for 2 s
MAX_FRESH_SECONDS = 10.0  # how old the counts of a map may be at most
MAX_FEEDS = 64  # languages x filters asked lately; a few MB at most at national scale


class FeedCache:
    """Feed bodies by key, each kept in proportion to its cost, the least recently used dropped beyond
    `max_feeds`."""

    def __init__(self, max_feeds: int = MAX_FEEDS):
        self._max_feeds = max_feeds
        self._feeds: OrderedDict[Hashable, tuple[float, bytes]] = OrderedDict()  # key: (fresh until, body)
        self._building: dict[Hashable, BuildLock] = {}  # only keys some request is building or waiting for
        self._registry: object = None
        self._lock = threading.Lock()

    def body(self, registry: object, key: Hashable, build: Callable[[], bytes]) -> bytes:
        """The body kept under `key` for `registry` if still fresh, else `build()`'s, made once for every request
        waiting for it."""
        with self._lock:
            if registry is not self._registry:
                self._feeds.clear()
                self._registry = registry
            building = self._building.setdefault(key, BuildLock())
            building.users += 1
        try:
            with building.lock:
                return self._kept_or_built(key, build)
        finally:
            with self._lock:
                building.users -= 1
                if not building.users:
                    del self._building[key]

    def _kept_or_built(self, key: Hashable, build: Callable[[], bytes]) -> bytes:
        """The fresh body kept under `key`, else `build()`'s (kept if it was costly); under `key`'s build lock."""
        with self._lock:
            kept = self._feeds.get(key)
            if kept and monotonic() < kept[0]:
                self._feeds.move_to_end(key)
                return kept[1]
        started = monotonic()
        body = build()
        built = monotonic()
        cost = built - started
        if cost < KEEP_AFTER_SECONDS:
            return body
        fresh_until = built + min(MAX_FRESH_SECONDS, FRESH_PER_BUILD_SECOND * cost)
        with self._lock:
            self._feeds[key] = (fresh_until, body)
            self._feeds.move_to_end(key)
            while len(self._feeds) > self._max_feeds:
                self._feeds.popitem(last=False)
        return body


class BuildLock:
    """The lock under which one key's feed is built, and how many requests hold or wait for it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
