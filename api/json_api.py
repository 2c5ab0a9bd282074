"""The JSON API under /api, and /healthz. Response models keep /openapi.json accurate."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from api.deps import RegistryDep, SettingsDep, SiteDep, visitor_language
from api.i18n import category_search_words
from api.schemas import ErrorOut, FeatureCollection, HealthOut, SiteListOut, SiteOut
from api.views import feature_collection, site_out, site_summary_out
from sites.models import Category
from sites.stats import RECENT_DAYS, recent_counts, site_totals
from sites.visits import vietnam_day

router = APIRouter()

Language = Annotated[str | None, Query(
    description="BCP 47 tag (vi, en, km…). An unknown or unavailable language falls back to the remembered "
    "choice, Accept-Language, then Vietnamese; `lang` and `content_lang` in the answer say what was used"
)]
NOT_FOUND = {404: {"model": ErrorOut, "description": "No published site has this slug"}}
MOVED = {301: {"description": "The slug is an alias or differently cased: redirects to the canonical slug"}}


class GeoJSONResponse(JSONResponse):
    media_type = "application/geo+json"


@router.get("/api/sites", response_model=SiteListOut, tags=["sites"])
def list_sites(
    request: Request, registry: RegistryDep, settings: SettingsDep,
    q: str = "", category: Category | None = None, province: str | None = None, lang: Language = None,
) -> SiteListOut:
    """Published sites, filtered like the home page: `q` ignores case and Vietnamese diacritics."""
    language = visitor_language(request)
    found = registry.search(q, category.value if category else None, province, category_search_words())
    return SiteListOut(count=len(found), sites=[site_summary_out(site, language, settings.base_url) for site in found])


@router.get("/api/sites.geojson", response_model=FeatureCollection, response_class=GeoJSONResponse, tags=["sites"])
def sites_geojson(
    request: Request, response: Response, registry: RegistryDep, settings: SettingsDep,
    category: Category | None = None, province: str | None = None, lang: Language = None,
) -> FeatureCollection:
    """Published sites with coordinates and their visit counts as a GeoJSON FeatureCollection ([lon, lat],
    WGS 84), filtered like /api/sites. The map draws its markers from it."""
    found = registry.search("", category.value if category else None, province)
    store = request.app.state.visits
    recent = recent_counts(store, registry, RECENT_DAYS, vietnam_day(datetime.now(UTC)))
    response.headers["Cache-Control"] = "no-cache"  # counts change with every scan
    return feature_collection(found, visitor_language(request), settings.base_url, site_totals(store, registry), recent)


@router.get("/api/sites/{slug}", response_model=SiteOut, responses={**NOT_FOUND, **MOVED}, tags=["sites"])
def get_site(
    request: Request, site: SiteDep, registry: RegistryDep, settings: SettingsDep, lang: Language = None
) -> SiteOut:
    """One published site, with its story as sanitised HTML: the same object the site page renders."""
    return site_out(site, visitor_language(request), settings.base_url, registry)


@router.get("/healthz", response_model=HealthOut, response_model_exclude_none=True, tags=["health"])
async def health(request: Request, registry: RegistryDep) -> HealthOut:
    """Liveness, with the number of sites served and of problems found in content/; `degraded`, with the
    reason, while pages are served but visits cannot be counted (a damaged visit store)."""
    problem = request.app.state.visits.problem
    return HealthOut(status="degraded" if problem else "ok", reason=problem, sites=len(registry.all()),
                     content_errors=len(request.app.state.catalog.errors))
