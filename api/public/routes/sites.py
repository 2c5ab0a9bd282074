"""One resource, the published sites, in HTML and JSON from the same view models (api/views/view_models.py):
`/sites/{slug}` (the page), `/api/sites`, `/api/sites/{slug}` and `/api/sites.geojson`."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse

from api.deps import LanguageDep, RegistryDep, SettingsDep, SiteDep, visitor_language
from api.listing import FiltersDep, PagerDep, counts_version, kept_list
from api.public.counting import count_visit
from api.responses import MOVED, NOT_FOUND
from api.state import StateDep
from api.views.schemas import FeatureCollection, SiteListOut, SiteOut
from api.views.site_page import cached_site_page
from api.views.view_models import feature_collection, site_out, site_summary_out
from sites.catalog.i18n import category_search_words
from sites.visits.stats import recent_counts, site_totals
from sites.visits.visit import VisitKind, vietnam_day

router = APIRouter()

Language = Annotated[str | None, Query(
    description="BCP 47 tag (vi, en, km…). An unknown or unavailable language falls back to the remembered "
    "choice, Accept-Language, then Vietnamese; `lang` and `content_lang` in the answer say what was used"
)]


class GeoJSONResponse(JSONResponse):
    media_type = "application/geo+json"


API_PAGE_SIZE = 500  # sites a page of /api/sites: an answer does not grow with the number of sites


@router.get("/api/sites", response_model=SiteListOut, tags=["sites"])
def list_sites(
    request: Request, state: StateDep, registry: RegistryDep, filters: FiltersDep, pager: PagerDep,
    q: str = "", lang: Language = None,
) -> Response:
    """Published sites, filtered like the home page (`q` ignores case and Vietnamese diacritics), 500 a page
    (none past the last page)."""
    language = visitor_language(request)

    def answer() -> JSONResponse:
        shown = filters.page(registry, pager, API_PAGE_SIZE, q, category_search_words(), empty_past_end=True)
        return JSONResponse(SiteListOut(
            count=shown.found, page=shown.number, pages=shown.pages,
            sites=[site_summary_out(site, language, state.settings.base_url) for site in shown.rows],
        ).model_dump(mode="json"))

    return kept_list(request, state, registry, (language, q, filters, pager), 0, answer)


@router.get("/api/sites.geojson", response_model=FeatureCollection, response_class=GeoJSONResponse, tags=["sites"])
def sites_geojson(
    request: Request, state: StateDep, registry: RegistryDep, filters: FiltersDep, lang: Language = None,
) -> Response:
    """Published sites with coordinates and their visit counts as a GeoJSON FeatureCollection ([lon, lat],
    WGS 84), filtered like /api/sites; kept built while the counts stay the same (api/caches/list_cache.py)."""
    language = visitor_language(request)

    def answer() -> GeoJSONResponse:
        recent = recent_counts(state.visits, registry, vietnam_day(datetime.now(UTC)))
        found = feature_collection(filters.search(registry), language, state.settings.base_url,
                                   site_totals(state.visits, registry), recent)
        # counts change with every scan
        return Response(found, media_type=GeoJSONResponse.media_type, headers={"Cache-Control": "no-cache"})

    return kept_list(request, state, registry, (language, filters), counts_version(state), answer)


@router.get("/api/sites/{slug}", response_model=SiteOut, responses={**NOT_FOUND, **MOVED}, tags=["sites"])
def get_site(
    request: Request, site: SiteDep, registry: RegistryDep, settings: SettingsDep, lang: Language = None
) -> SiteOut:
    """One published site, with its story as sanitised HTML: the same object the site page renders."""
    return site_out(site, visitor_language(request), settings.base_url, registry)


@router.api_route("/sites/{slug}", methods=["GET", "HEAD"], response_class=HTMLResponse, include_in_schema=False)
async def site_page(
    request: Request, state: StateDep, site: SiteDep, registry: RegistryDep, lang: LanguageDep
) -> HTMLResponse:
    """The canonical page of a site, in the visitor's language; a GET from a person counts one view."""
    response = cached_site_page(request, state, site, registry, lang)
    await count_visit(request, state, site, VisitKind.VIEW)
    return response
