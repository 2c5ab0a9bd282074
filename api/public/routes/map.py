"""The map of sites: `/map` (with the list of sites and their counts under it) and `/map/embed` (for iframes).

The Folium base map is built once per filter and language and kept until content changes (api/caches/base_maps.py);
the page with its table of counts and the markers' slim feed /api/map-points.json are kept while the counts stay the
same (api/caches/list_cache.py; the complete GeoJSON for GIS tools stays /api/sites.geojson).
"""

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.csp import map_policy
from api.deps import LanguageDep, RegistryDep
from api.errors import invalid_parameter
from api.listing import FiltersDep, Pager, PagerDep, SiteFilters, counts_version, kept_list
from api.state import AppState, StateDep
from api.templating import render
from api.views.journey_views import journey_language, journey_path
from api.views.view_models import map_points
from map.assets import map_assets
from map.base_map import BaseMap, MapLayer, MarkerTexts
from sites.catalog.i18n import category_label, strings, thousands_separator
from sites.catalog.journeys import Journey, JourneyNotFound
from sites.catalog.languages import valid_language_tag
from sites.catalog.models import Category
from sites.catalog.registry import Registry
from sites.catalog.site import Site
from sites.visits.stats import recent_counts, site_totals
from sites.visits.visit import Counts, vietnam_day

router = APIRouter(include_in_schema=False)

TABLE_PAGE_SIZE = 200
MAX_UNMAPPED = 100  # sites without coordinates named under the table: a page does not grow with the sites
NOTHING = Counts()  # the counts of a site nobody has visited


@dataclass(frozen=True)
class MapRow:
    """A line of the table under the map."""

    site: Site
    name: str
    category_label: str
    counts: Counts
    recent_visits: int


@router.get("/map", response_class=HTMLResponse)
def map_page(
    request: Request, state: StateDep, registry: RegistryDep, lang: LanguageDep, filters: FiltersDep, pager: PagerDep,
    journey: Annotated[str | None, Query(description="Also draw this journey's route and numbered stops")] = None,
) -> Response:
    """Every published site with coordinates on a map, and the same sites with their counts in a table, a page
    at a time; with `journey`, that journey's route on top (drawn by /static/journey_map.js from its GeoJSON).
    Kept rendered while the counts stay the same (api/caches/list_cache.py)."""
    try:
        route = state.catalog.journeys.resolve(journey) if journey else None
    except JourneyNotFound:
        raise invalid_parameter("journey", f"no published journey '{journey}'") from None
    explicit_lang = valid_language_tag(request.query_params.get("lang")) == lang  # as api/templating.py
    query = {**filters.query(), "journey": route.slug if route else "",
             "page": "" if pager.number == 1 else str(pager.number)}
    return kept_list(request, state, registry, (lang, explicit_lang, filters, pager, route and route.slug),
                     counts_version(state), lambda: _map_page(request, state, registry, lang, filters, pager, route,
                                                              query))


def _map_page(request: Request, state: AppState, registry: Registry, lang: str, filters: SiteFilters, pager: Pager,
              route: Journey | None, query: dict[str, str]) -> HTMLResponse:
    sites = filters.search(registry)
    mapped = [site for site in sites if site.card.location is not None]
    totals = site_totals(state.visits, registry)
    shown = pager.page(sorted(mapped, key=lambda site: -totals.get(site.slug, NOTHING).visits), TABLE_PAGE_SIZE)
    base = _base_map(state, registry, lang, filters, embed=False)
    settings = state.settings
    response = render(request, "map.html", lang, {
        "base": base,
        "rows": _rows(state, registry, shown.rows, totals, lang),
        "page": shown.number,
        "pages": shown.pages,
        "unmapped": [(site, site.localized(lang).name) for site in sites if site.card.location is None][:MAX_UNMAPPED],
        **_filter_choices(registry, filters, lang),
        "filter_query": urlencode(filters.query()),
        "journey_route": route and (route.localized(journey_language(lang)).name, journey_path(route.slug),
                                    f"/api{journey_path(route.slug)}.geojson?{urlencode({'lang': lang})}"),
        "embed_url": f"{settings.base_url}/map/embed?{urlencode({**filters.query(), 'lang': lang})}",
    }, query=query)
    response.headers["Content-Security-Policy"] = _policy(state, base, framed_by="'none'")
    return response


@router.get("/api/map-points.json")
def map_points_feed(request: Request, state: StateDep, registry: RegistryDep, lang: LanguageDep,
                    filters: FiltersDep) -> Response:
    """What the map's markers need and nothing more (docs/api.md): a few dozen bytes a site, so a national map
    of tens of thousands of sites loads on a phone. Filtered like /api/sites.geojson; kept built while the counts
    stay the same (api/caches/list_cache.py)."""

    def build() -> Response:
        recent = recent_counts(state.visits, registry, vietnam_day(datetime.now(UTC)))
        feed = map_points(filters.search(registry), lang, state.settings.base_url,
                          site_totals(state.visits, registry), recent)
        body = json.dumps(feed, ensure_ascii=False, separators=(",", ":")).encode()
        return Response(body, media_type="application/json", headers={"Cache-Control": "no-cache"})  # counts change

    return kept_list(request, state, registry, (lang, filters), counts_version(state), build)


@router.get("/map/embed", response_class=HTMLResponse)
def map_embed(
    request: Request, state: StateDep, registry: RegistryDep, lang: LanguageDep, filters: FiltersDep,
) -> HTMLResponse:
    """The same map alone, filling its frame, for an iframe on a Youth Union website."""
    base = _base_map(state, registry, lang, filters, embed=True)
    response = render(request, "map_embed.html", lang, {
        "base": base, "list_url": f"{state.settings.base_url}/map?{urlencode({**filters.query(), 'lang': lang})}",
    })
    # Any website may frame the embed; the popups' links open in a new tab rather than inside the frame.
    response.headers["Content-Security-Policy"] = _policy(state, base, framed_by="*")
    return response


def _policy(state: AppState, base: BaseMap, framed_by: str) -> str:
    return map_policy(state.settings.tile_origin, base.script_hash, base.assets.origins, framed_by)


def _filter_choices(registry: Registry, filters: SiteFilters, lang: str) -> dict:
    """What the filter form shows: the choices and the chosen values ("" for any)."""
    return {
        "province": filters.province or "",
        "category": filters.category.value if filters.category else "",
        "categories": [(c.value, category_label(c, lang)) for c in registry.categories()],
        "provinces": registry.provinces(),
    }


def _rows(state: AppState, registry: Registry, sites: list[Site], totals: dict[str, Counts], lang: str) -> list[MapRow]:
    """The table's lines for `sites` (one page of them, most visited first: the sort is stable, so ties stay
    by name), with their all-time `totals` and recent counts; only these sites' names are looked up."""
    recent = recent_counts(state.visits, registry, vietnam_day(datetime.now(UTC)))
    return [MapRow(site, site.localized(lang).name, category_label(site.card.category, lang),
                   totals.get(site.slug, NOTHING), recent.get(site.slug, NOTHING).visits) for site in sites]


def _base_map(state: AppState, registry: Registry, lang: str, filters: SiteFilters, embed: bool) -> BaseMap:
    """The kept base map for these filters, built on first use."""
    settings = state.settings

    def build() -> BaseMap:
        sites = [site for site in filters.search(registry) if site.card.location]
        texts = strings(lang)
        query = urlencode({"lang": lang, **filters.query()})
        return state.base_maps.draw(
            [(site.card.location.lat, site.card.location.lon) for site in sites],
            [MapLayer(c.value, category_label(c, lang)) for c in Category if any(s.card.category == c for s in sites)],
            data_url=f"/api/map-points.json?{query}",
            tile_url=settings.tile_url,
            tile_attribution=settings.tile_attribution,
            attribution_prefix=settings.map_attribution_prefix,
            assets=map_assets(settings.map_assets_from_cdn),
            texts=MarkerTexts(
                scans=texts["stats_scans"], views=texts["stats_views"], recent=texts["map_recent"],
                open_page=texts["map_open_page"], legend_title=texts["map_legend_title"],
                cluster=texts["map_cluster"], load_failed=texts["map_load_failed"], thousands=thousands_separator(lang),
            ),
            link_target="_blank" if embed else "_self",
        )

    key = (lang, filters.province or "", filters.category.value if filters.category else "", embed)
    return state.base_maps.get(registry, key, build)
