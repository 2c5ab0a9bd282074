"""Recently built JSON feeds, shared for a few seconds: the map's feed costs about 0.8 s of CPU at 40,000 sites,
so the public internet must not be able to ask the server to build it on every request.

A feed is kept for `FRESH_SECONDS` per query, and forgotten when the catalog loads a new registry (a content
change is seen at once); while one request builds a feed, the others asking for it wait for it instead of
building it too.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from time import monotonic

FRESH_SECONDS = 10.0  # how old the counts of a map may be
MAX_FEEDS = 64  # languages x filters asked lately; a few MB at most at national scale


class FeedCache:
    """Feed bodies by key, each fresh for `fresh_seconds`, the least recently used dropped beyond `max_feeds`."""

    def __init__(self, fresh_seconds: float = FRESH_SECONDS, max_feeds: int = MAX_FEEDS):
        self._fresh_seconds = fresh_seconds
        self._max_feeds = max_feeds
        self._feeds: OrderedDict[Hashable, tuple[float, bytes]] = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self._registry: object = None
        self._lock = threading.Lock()

    def body(self, registry: object, key: Hashable, build: Callable[[], bytes]) -> bytes:
        """The body kept under `key` for `registry` if still fresh, else `build()`'s, made once for every request
        waiting for it."""
        with self._lock:
            if registry is not self._registry:
                self._feeds.clear()
                self._registry = registry
            building = self._building.setdefault(key, threading.Lock())
        with building:
            with self._lock:
                kept = self._feeds.get(key)
                if kept and monotonic() - kept[0] < self._fresh_seconds:
                    self._feeds.move_to_end(key)
                    return kept[1]
            body = build()
            with self._lock:
                self._feeds[key] = (monotonic(), body)
                self._feeds.move_to_end(key)
                while len(self._feeds) > self._max_feeds:
                    self._feeds.popitem(last=False)
                self._building = {kept: self._building[kept] for kept in self._feeds if kept in self._building}
            return body
