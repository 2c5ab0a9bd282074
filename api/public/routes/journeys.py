"""Journeys (hành trình, issue 13): `/journeys` (list), `/journeys/{slug}` (page, counted as a view),
`/j/{code}` (the journey's QR code: the page, counted as a scan), `/journeys/{slug}.pdf` (the leaflet),
and `/api/journeys`, `/api/journeys/{slug}`, `/api/journeys/{slug}.geojson`.

A journey's visits are stored in the sites' visit store under the journey's slug: slugs and codes of sites
and journeys share one namespace (the loader refuses a clash), so the counts never mix and the site
statistics are unchanged.
"""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from api.caches.print_shop import leaflet_key
from api.csp import map_policy
from api.deps import LanguageDep, PrintShopDep, RegistryDep, reachable_base_url, visitor_language
from api.listing import FiltersDep, PagerDep, kept_list, page_link
from api.public.counting import count_visit
from api.responses import BUSY, NOT_MODIFIED, PDF, REFUSED
from api.state import AppState, StateDep
from api.templating import render
from api.views.journey_views import (
    JourneyListOut,
    JourneyOut,
    filter_journeys,
    journey_language,
    journey_out,
    journey_path,
    journey_summary_out,
)
from api.views.narration_view import narration_view
from api.views.schemas import ErrorOut
from api.views.structured_data import journey_data, share_image
from map.assets import map_assets
from qr.card_texts import journey_card
from qr.formats import LeafletFormat
from qr.print_texts import journey_scan_url, journey_svg, leaflet_text
from sites.catalog.i18n import category_label
from sites.catalog.journey_geojson import journey_geojson
from sites.catalog.journeys import Journey, JourneyNotFound
from sites.catalog.languages import SOURCE_LANGUAGE, valid_language_tag
from sites.catalog.models import Category
from sites.catalog.text import fold
from sites.visits.visit import VisitKind

router = APIRouter()

JOURNEY_NOT_FOUND = {404: {"model": ErrorOut, "description": "No published journey has this slug"}}


class GeoJSONResponse(JSONResponse):
    media_type = "application/geo+json"


def _journey(state: AppState, slug: str) -> Journey:
    """The published journey `slug` (exactly); a 404 naming it otherwise."""
    try:
        return state.catalog.journeys.get(slug)
    except JourneyNotFound:
        raise HTTPException(404, f"Không có hành trình '{slug}' / no journey '{slug}'") from None


def _moved(state: AppState, key: str, suffix: str = "") -> RedirectResponse | None:
    """A redirect to the canonical address when `key` is a journey's code, alias or another case of its slug."""
    try:
        journey = state.catalog.journeys.resolve(key)
    except JourneyNotFound:
        return None
    return RedirectResponse(journey_path(journey.slug) + suffix, status_code=301)


def _found(state: AppState, slug: str, suffix: str = "") -> Journey | RedirectResponse:
    try:
        return state.catalog.journeys.get(slug)
    except JourneyNotFound:
        return _moved(state, slug, suffix) or _journey(state, slug)


@router.get("/api/journeys", response_model=JourneyListOut, tags=["journeys"])
def list_journeys(request: Request, state: StateDep, filters: FiltersDep) -> JourneyListOut:
    """Published journeys, sorted by name: `province` (case and diacritics ignored) and `category` (through at
    least one site of it) filter as for /api/sites."""
    lang = visitor_language(request)
    found = filter_journeys(state.catalog.journeys, filters)
    return JourneyListOut(count=len(found),
                          journeys=[journey_summary_out(j, lang, state.settings.base_url) for j in found])


@router.get("/api/journeys/{slug}.geojson", tags=["journeys"], responses={
    200: {"content": {"application/geo+json": {}}, "description": "A GeoJSON FeatureCollection (RFC 7946)"},
    **JOURNEY_NOT_FOUND,
})
def get_journey_geojson(request: Request, state: StateDep, slug: str) -> GeoJSONResponse:
    """The route as a LineString of the placed stops in order ([lon, lat]) and each stop as a numbered Point
    (null geometry when its place is unknown)."""
    journey = _journey(state, slug)
    base_url = state.settings.base_url
    return GeoJSONResponse(journey_geojson(journey, journey_language(visitor_language(request)),
                                           lambda site_slug: f"{base_url}/sites/{site_slug}"))


@router.get("/api/journeys/{slug}", response_model=JourneyOut, responses=JOURNEY_NOT_FOUND, tags=["journeys"])
def get_journey(request: Request, state: StateDep, slug: str) -> JourneyOut:
    """One published journey with its stops in order, distances (estimates) and introduction."""
    journey = _journey(state, slug)
    return journey_out(journey, visitor_language(request), state.settings.base_url,
                       journey_scan_url(journey, state.settings))


JOURNEYS_PAGE_SIZE = 50


@router.get("/journeys", response_class=HTMLResponse, include_in_schema=False)
def journeys_page(request: Request, state: StateDep, registry: RegistryDep, lang: LanguageDep, filters: FiltersDep,
                  pager: PagerDep) -> Response:
    """The published journeys, filtered by province and category like the home page's list of sites,
    JOURNEYS_PAGE_SIZE a page; kept rendered while the content stays the same."""
    explicit_lang = valid_language_tag(request.query_params.get("lang")) == lang  # as api/templating.py
    query = {**filters.query(), "lang": lang if explicit_lang else ""}

    def page() -> HTMLResponse:
        journeys = state.catalog.journeys
        stops = {stop.site.card.category for journey in journeys.all() for stop in journey.stops}
        shown = pager.page(filter_journeys(journeys, filters), JOURNEYS_PAGE_SIZE)
        return render(request, "journeys.html", lang, {
            "journeys": [journey_summary_out(j, lang, state.settings.base_url) for j in shown.rows],
            "page": shown.number,
            "pages": shown.pages,
            "page_link": page_link("/journeys", query),
            "provinces": sorted({j.meta.province for j in journeys.all()}, key=fold),
            "province": filters.province or "",
            "categories": [(c.value, category_label(c, lang)) for c in Category if c in stops],
            "category": filters.category.value if filters.category else "",
        }, query=query)

    return kept_list(request, state, registry, (lang, explicit_lang, filters, pager), 0, page)


@router.get("/journeys/{slug}.pdf", response_class=Response, dependencies=[Depends(reachable_base_url)],
            responses={**PDF, **JOURNEY_NOT_FOUND, **NOT_MODIFIED, **REFUSED, **BUSY}, tags=["journeys"])
async def journey_pdf(
    request: Request, state: StateDep, shop: PrintShopDep, slug: str,
    format: Annotated[LeafletFormat, Query(description="a4: one A4 page (default); a5: A5 flyer")] = LeafletFormat.a4,
    lang: Annotated[str | None, Query(description="BCP 47 tag of the leaflet's language (default vi)")] = None,
) -> Response:
    """The journey's printable leaflet: route sketch, every stop with its QR code, the journey's QR code."""
    found = _found(state, slug, ".pdf")
    if isinstance(found, RedirectResponse):
        return found
    language = SOURCE_LANGUAGE if lang is None else valid_language_tag(lang)
    if language is None:
        raise HTTPException(422, f"lang: '{lang}' is not a BCP 47 language tag (for example vi, en, km)")
    settings = state.settings
    text = leaflet_text(found, settings, journey_language(language))
    key = leaflet_key(text, format)
    headers = {"Content-Disposition": f'inline; filename="{found.slug}-{format.value}.pdf"', "ETag": f'"{key}"',
               "Cache-Control": "no-cache"}
    if headers["ETag"] in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    try:
        body = await shop.leaflet(key, text, format)
    except ValueError as exc:  # a text too long to fit even at the smallest size
        raise HTTPException(422, f"Không in được / cannot print: {exc}") from None
    return Response(body, media_type="application/pdf", headers=headers)


@router.api_route("/journeys/{slug}", methods=["GET", "HEAD"], response_class=HTMLResponse, include_in_schema=False)
async def journey_page(request: Request, state: StateDep, slug: str, lang: LanguageDep) -> Response:
    """The journey's page in the visitor's language; a GET from a person counts one view of the journey."""
    found = _found(state, slug)
    if isinstance(found, RedirectResponse):
        return found
    response = _page(request, state, found, lang)
    await count_visit(request, state, found, VisitKind.VIEW)
    return response


# A journey's QR code encodes /j/CODE (upper-cased with DIACHIDO_QR_UPPERCASE: /J/CODE).
@router.api_route("/j/{code}", methods=["GET", "HEAD"], response_class=HTMLResponse, include_in_schema=False)
@router.api_route("/J/{code}", methods=["GET", "HEAD"], response_class=HTMLResponse, include_in_schema=False)
async def journey_scan(request: Request, state: StateDep, code: str, lang: LanguageDep) -> Response:
    """The journey's QR code: its page itself (no redirect), counted as a scan; `code` is its code, slug or an
    alias in any case. Never cached, so every scan reaches the server."""
    try:
        journey = state.catalog.journeys.resolve(code)
    except JourneyNotFound:
        raise HTTPException(404, f"Không có hành trình '{code}' / no journey '{code}'") from None
    response = _page(request, state, journey, lang)
    response.headers["Cache-Control"] = "no-store"
    await count_visit(request, state, journey, VisitKind.SCAN, response)
    return response


def _page(request: Request, state: AppState, journey: Journey, lang: str) -> HTMLResponse:
    """The journey page: the numbered list is the content; the map (Leaflet, from this app) draws the same stops."""
    settings = state.settings
    payload = journey_scan_url(journey, settings)
    view = journey_out(journey, lang, settings.base_url, payload)
    assets = map_assets(settings.map_assets_from_cdn)
    path = journey_path(journey.slug)
    canonical = f"{settings.base_url}{path}?lang={lang}"
    image = share_image(journey_card(journey, settings, lang), f"{path}/card.png", settings.base_url,
                        view.content_lang)
    response = render(request, "journey.html", lang, {
        "journey": view,
        "canonical": canonical,
        "og_image": image,
        "structured_data": journey_data(view, canonical, image),
        "qr_svg": journey_svg(journey, settings).decode().split("\n", 1)[1],  # inline: no XML declaration
        "map_script": assets.scripts[0],
        "map_style": assets.styles[0],
        "geojson_url": f"/api{path}.geojson?{urlencode({'lang': lang})}",
        "tile_url": settings.tile_url,
        "tile_attribution": settings.tile_attribution,
        "leaflet_a5": f"{path}.pdf?{urlencode({'format': 'a5', 'lang': lang})}",
        "leaflet_a4": f"{path}.pdf?{urlencode({'lang': lang})}",
        # each stop's narration, in order, with the whole journey as one playlist (api/public/routes/audio.py)
        "narrations": {stop.number: narration_view(state.narrations, stop.site, lang) for stop in journey.stops},
        "playlist": f"{path}.m3u?{urlencode({'lang': lang})}",
    }, page_path=path)
    # Leaflet's scripts and the page's own (/static/journey_map.js), tiles and the GeoJSON; no inline script.
    response.headers["Content-Security-Policy"] = map_policy(settings.tile_origin, "", assets.origins, "'none'")
    return response
