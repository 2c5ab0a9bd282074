"""The map of sites: `/map` (with the list of sites and their counts under it) and `/map/embed` (for iframes).

The Folium base map is built once per filter and language and kept until content changes; the counts are
never kept: the page's table reads them on every request, and the markers fetch /api/sites.geojson.
"""

import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import LanguageDep, RegistryDep, SettingsDep
from api.errors import invalid_parameter
from api.i18n import category_label, strings, thousands_separator
from api.settings import Settings
from api.templating import render
from map.assets import map_assets
from map.build import BaseMap, MapLayer, MarkerTexts, build_base_map
from sites.models import Category
from sites.registry import Registry
from sites.site import Site
from sites.stats import RECENT_DAYS, recent_counts, site_totals
from sites.visits import Counts, vietnam_day

router = APIRouter(include_in_schema=False)

TABLE_PAGE_SIZE = 200
MAX_KEPT_MAPS = 256  # a few KB each: every province x category x language x page kind of a large install


@dataclass(frozen=True)
class MapRow:
    """A line of the table under the map."""

    site: Site
    name: str
    category_label: str
    counts: Counts
    recent_visits: int


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


@router.get("/map", response_class=HTMLResponse)
def map_page(
    request: Request, registry: RegistryDep, settings: SettingsDep, lang: LanguageDep,
    province: str = "", category: str = "", page: int = Query(1, ge=1),
) -> HTMLResponse:
    """Every published site with coordinates on a map, and the same sites with their counts in a table."""
    sites = _filtered(registry, category, province)
    mapped = [site for site in sites if site.meta.location is not None]
    rows = _rows(request, registry, mapped, lang)
    pages = max(1, math.ceil(len(rows) / TABLE_PAGE_SIZE))
    if page > pages:
        raise invalid_parameter("page", f"there are {pages} pages")
    base = _base_map(request, registry, settings, lang, province, category, embed=False)
    filters = _filters(province, category)
    response = render(request, "map.html", lang, {
        "base": base,
        "rows": rows[(page - 1) * TABLE_PAGE_SIZE:page * TABLE_PAGE_SIZE],
        "page": page,
        "pages": pages,
        "unmapped": [(site, site.localized(lang).name) for site in sites if site.meta.location is None],
        "province": province,
        "category": category,
        "categories": [(c.value, category_label(c, lang)) for c in registry.categories()],
        "provinces": registry.provinces(),
        "filter_query": urlencode(filters),
        "embed_url": f"{settings.base_url}/map/embed?{urlencode({**filters, 'lang': lang})}",
    })
    response.headers["Content-Security-Policy"] = map_policy(settings, base, framed_by="'none'")
    return response


@router.get("/map/embed", response_class=HTMLResponse)
def map_embed(
    request: Request, registry: RegistryDep, settings: SettingsDep, lang: LanguageDep,
    province: str = "", category: str = "",
) -> HTMLResponse:
    """The same map alone, filling its frame, for an iframe on a Youth Union website."""
    _filtered(registry, category, province)  # checks the category
    base = _base_map(request, registry, settings, lang, province, category, embed=True)
    filters = _filters(province, category)
    response = render(request, "map_embed.html", lang, {
        "base": base, "list_url": f"{settings.base_url}/map?{urlencode({**filters, 'lang': lang})}",
    })
    # Any website may frame the embed; the popups' links open in a new tab rather than inside the frame.
    response.headers["Content-Security-Policy"] = map_policy(settings, base, framed_by="*")
    return response


def map_policy(settings: Settings, base: BaseMap, framed_by: str) -> str:
    """Content-Security-Policy of a map page: its own scripts, the inline map script by hash, the tiles."""
    cdn = base.assets.origins
    directives = {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:", settings.tile_origin],
        "style-src": ["'self'", "'unsafe-inline'", *cdn],
        "script-src": ["'self'", base.script_hash, *cdn],
        "connect-src": ["'self'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": [framed_by],
    }
    return "; ".join(" ".join([name, *filter(None, sources)]) for name, sources in directives.items())


def _filtered(registry: Registry, category: str, province: str) -> list[Site]:
    """Published sites of `category` and `province` (either may be empty: all); an unknown category is a 422."""
    if category and category not in Category.__members__.values():
        known = ", ".join(c.value for c in Category)
        raise invalid_parameter("category", f"unknown category {category!r}; one of: {known}")
    return registry.search("", category or None, province or None)


def _filters(province: str, category: str) -> dict[str, str]:
    """The filters in use, as query parameters."""
    return {key: value for key, value in (("province", province), ("category", category)) if value}


def _rows(request: Request, registry: Registry, sites: list[Site], lang: str) -> list[MapRow]:
    """`sites` with their all-time and last-30-days counts, most visited first (then by name)."""
    store = request.app.state.visits
    totals = site_totals(store, registry)
    recent = recent_counts(store, registry, RECENT_DAYS, vietnam_day(datetime.now(UTC)))
    nothing = Counts()
    rows = []
    for site in sites:
        text = site.localized(lang)
        latest = recent.get(site.slug, nothing)
        rows.append(MapRow(site, text.name, category_label(site.meta.category, lang), totals.get(site.slug, nothing),
                           latest.scans + latest.views))
    return sorted(rows, key=lambda row: -(row.counts.scans + row.counts.views))  # stable: ties stay by name


def _base_map(request: Request, registry: Registry, settings: Settings, lang: str, province: str, category: str,
              embed: bool) -> BaseMap:
    """The kept base map for these filters, built on first use."""
    def build() -> BaseMap:
        sites = [site for site in registry.search("", category or None, province or None) if site.meta.location]
        texts = strings(lang)
        query = urlencode({"lang": lang, **_filters(province, category)})
        return build_base_map(
            [(site.meta.location.lat, site.meta.location.lon) for site in sites],
            [MapLayer(c.value, category_label(c, lang)) for c in Category if any(s.meta.category == c for s in sites)],
            data_url=f"/api/sites.geojson?{query}",
            tile_url=settings.tile_url,
            tile_attribution=settings.tile_attribution,
            assets=map_assets(settings.map_assets_from_cdn),
            texts=MarkerTexts(
                scans=texts["stats_scans"], views=texts["stats_views"], recent=texts["map_recent"],
                open_page=texts["map_open_page"], legend_title=texts["map_legend_title"],
                cluster=texts["map_cluster"], load_failed=texts["map_load_failed"], thousands=thousands_separator(lang),
            ),
            link_target="_blank" if embed else "_self",
        )

    return request.app.state.base_maps.get(registry, (lang, province, category, embed), build)
