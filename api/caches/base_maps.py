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
from sites.processes import end_with_parent

MAX_KEPT_MAPS = 256  # a few KB each: every province x category x language x page kind of a large install
# The map process (about 80 MB) stops after this long without a map to draw: maps are kept until the content
# changes, so it is needed for a burst of first visits, then rarely; the next map to draw starts it again.
IDLE_SECONDS = 60


class BaseMapCache:
    """Built base maps by (language, province, category, embed), emptied when the catalog reloads.

    Shared by the threads that serve requests: a lock guards the dict, not the building, so two requests
    may build the same map once each (harmless) but never wait on each other's build.
    """

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self._maps: OrderedDict[tuple, BaseMap] = OrderedDict()
        self._registry: Registry | None = None
        self._lock = threading.Lock()
        self._process: ProcessPoolExecutor | None = None  # the map process, made when a map is to be drawn
        self._drawing = 0  # maps being drawn now
        self._idle_seconds = idle_seconds
        self._idle: threading.Timer | None = None  # stops the process once it has been idle for `idle_seconds`

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
        few milliseconds once the process is up (a second or so to start it)."""
        with self._lock:
            if self._idle is not None:
                self._idle.cancel()
                self._idle = None
            if self._process is None:
                # spawn, not fork: the server has threads (see api/caches/print_shop.py)
                self._process = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                                                    initializer=end_with_parent)
            process = self._process
            self._drawing += 1
        try:
            return process.submit(draw, *args, **kwargs).result()
        finally:
            with self._lock:
                self._drawing -= 1
                if self._drawing == 0 and self._process is process:
                    self._idle = threading.Timer(self._idle_seconds, self._stop_idle, (process,))
                    self._idle.daemon = True  # never holds the interpreter's exit; close() cancels it
                    self._idle.start()

    def _stop_idle(self, process: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._drawing or self._process is not process:
                return  # a map is being drawn again, or the process was already stopped
            self._process = self._idle = None
        process.shutdown(wait=True)

    def close(self) -> None:
        """Stop the map process (at the app's shutdown)."""
        with self._lock:
            process, self._process = self._process, None
            if self._idle is not None:
                self._idle.cancel()
                self._idle = None
        if process is not None:
            process.shutdown(wait=True, cancel_futures=True)
