"""The Folium base maps of /map and /map/embed, kept per filter and language until the content changes."""

import threading
from collections import OrderedDict
from collections.abc import Callable

from map.build import BaseMap
from sites.catalog.registry import Registry

MAX_KEPT_MAPS = 256  # a few KB each: every province x category x language x page kind of a large install


class BaseMapCache:
    """Built base maps by (language, province, category, embed), emptied when the catalog reloads.

    Shared by the threads that serve requests: a lock guards the dict, not the building, so two requests
    may build the same map once each (harmless) but never wait on each other's build.
    """

    def __init__(self) -> None:
        self._maps: OrderedDict[tuple, BaseMap] = OrderedDict()
        self._registry: Registry | None = None
        self._lock = threading.Lock()

    def get(self, registry: Registry, key: tuple, build: Callable[[], BaseMap]) -> BaseMap:
        """The map kept for `key`, else `build()` (then kept)."""
        with self._lock:
            if registry is not self._registry:
                self._maps.clear()
                self._registry = registry
            kept = self._maps.get(key)
        if kept is not None:
            return kept
        built = build()
        with self._lock:
            if registry is self._registry:
                self._maps[key] = built
                if len(self._maps) > MAX_KEPT_MAPS:
                    self._maps.popitem(last=False)
        return built
