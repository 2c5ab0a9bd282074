"""The Folium base maps of /map and /map/embed, kept per filter and language until the content changes, and drawn in
a process of their own: Folium (with requests and branca, about 40 MB) never enters the server (issue 27)."""

import multiprocessing
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from map.base_map import BaseMap
from map.jobs import draw
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
        self._process: ProcessPoolExecutor | None = None  # the map process, made on the first map to build

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

    def draw(self, *args, **kwargs) -> BaseMap:
        """`map.build.build_base_map(*args, **kwargs)` in the map process, waited for in the request's thread: a
        few milliseconds once the process is up (a second or so to start it, once)."""
        with self._lock:
            if self._process is None:
                # spawn, not fork: the server has threads (see api/caches/print_shop.py)
                self._process = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            process = self._process
        return process.submit(draw, *args, **kwargs).result()

    def close(self) -> None:
        """Stop the map process (at the app's shutdown)."""
        with self._lock:
            process, self._process = self._process, None
        if process is not None:
            process.shutdown(wait=True, cancel_futures=True)
