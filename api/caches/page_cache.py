"""Rendered site pages kept in memory, plain and gzipped, for the requests a plaque scan makes.

A site page depends only on the site, the registry it was loaded with (nearby sites), the language
and whether the language was asked for in the URL. Rendering and compressing it costs more than
everything else a scan does, so the common requests (no query but `lang`) are answered from here.
The cache empties itself when the catalog loads a new registry, and each day (a page shows the site's next
event). A provisional page (sent with
`Cache-Control: no-cache`, such as one whose narration is still being made) is kept only while the
`stamp` it was rendered with stays the same: then it is rendered again, once, unless `still_current()` says the
kept page is still right (it is then kept under the new stamp: a render and its gzip cost about 2.5 ms).
"""

import gzip
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from sites.calendar import clock
from sites.catalog.registry import Registry

MAX_PAGES = 1024  # about 14 MB: two languages of 500 sites; others are rendered on demand


@dataclass(frozen=True)
class _Page:
    body: bytes
    gzipped: bytes
    headers: dict[str, str]
    stamp: object = None  # a provisional page's stamp when rendered; None: final


class PageCache:
    """The most recently asked pages, least recently used dropped first."""

    def __init__(self, max_pages: int = MAX_PAGES):
        self._max_pages = max_pages
        self._pages: OrderedDict[tuple, _Page] = OrderedDict()
        self._registry: Registry | None = None
        self._day: date | None = None

    def response(self, request: Request, registry: Registry, slug: str, lang: str,
                 render: Callable[[], HTMLResponse], extra_headers: dict[str, str] | None = None,
                 stamp: object = 0, still_current: Callable[[], bool] | None = None) -> Response:
        """The page from the cache if the request allows it, else from `render()` (then kept).

        `extra_headers` are added to the response either way; `stamp` changes when a provisional page
        may have become final (a cheap value, read on every request); `still_current`, asked only then, may
        answer that it has not, and the kept page is served without rendering it again.
        """
        explicit_lang = bool(request.scope["query_string"])  # a plaque's URL has no query: skip parsing it
        if explicit_lang and (set(request.query_params) != {"lang"} or request.query_params["lang"] != lang):
            response = render()  # other query parameters show up in the page's links
            response.headers.update(extra_headers or {})
            return response
        today = clock.today()  # a page shows the site's next event: kept for a day at most
        if registry is not self._registry or today != self._day:
            self._pages.clear()
            self._registry, self._day = registry, today
        key = (slug, lang, explicit_lang)
        page = self._pages.get(key)
        if page is not None and page.stamp is not None and page.stamp != stamp:
            if still_current is not None and still_current():
                page = self._pages[key] = replace(page, stamp=stamp)
            else:
                page = None
        if page is None:
            page = self._keep(key, render(), stamp)
        else:
            self._pages.move_to_end(key)
        headers = {**page.headers, **{name.lower(): value for name, value in (extra_headers or {}).items()}}
        if "gzip" in request.headers.get("accept-encoding", ""):
            return Response(page.gzipped, headers={**headers, "content-encoding": "gzip"})
        return Response(page.body, headers=headers)

    def _keep(self, key: tuple, rendered: HTMLResponse, stamp: object) -> _Page:
        headers = {name: value for name, value in rendered.headers.items() if name != "content-length"}
        headers["Vary"] = "Accept-Language, Accept-Encoding"
        provisional = "no-cache" in headers.get("cache-control", "")
        page = _Page(rendered.body, gzip.compress(rendered.body, compresslevel=9, mtime=0), headers,
                     stamp if provisional else None)
        self._pages[key] = page
        if len(self._pages) > self._max_pages:
            self._pages.popitem(last=False)
        return page

