"""HTML pages for visitors: the list of sites with search and filters, and the site page."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.counting import count_visit
from api.deps import LanguageDep, RegistryDep, SettingsDep, SiteDep, visitor_language
from api.i18n import COMPLETE_LANGUAGES, category_label, category_search_words, strings
from api.schemas import SiteOut
from api.settings import Settings
from api.templating import render
from api.views import site_out, site_path, site_summary_out
from sites.photos import parse_variant_name, variant_file
from sites.registry import Registry
from sites.languages import SOURCE_LANGUAGE, source_first
from sites.site import Site
from sites.visits import VisitKind

router = APIRouter(include_in_schema=False)

PHOTO_CACHE_SECONDS = 7 * 24 * 3600


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def home(
    request: Request, registry: RegistryDep, settings: SettingsDep, lang: LanguageDep,
    q: str = "", category: str = "", province: str = "",
) -> HTMLResponse:
    """The list of published sites, searchable (case and diacritics ignored) and filterable."""
    found = registry.search(q, category or None, province or None, category_search_words())
    return render(request, "index.html", lang, {
        "sites": [site_summary_out(site, lang, settings.base_url) for site in found],
        "q": q,
        "category": category,
        "province": province,
        "categories": [(c.value, category_label(c, lang)) for c in registry.categories()],
        "provinces": registry.provinces(),
        "filtered": bool(q or category or province),
    })


@router.api_route("/sites/{slug}", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def site_page(
    request: Request, site: SiteDep, registry: RegistryDep, settings: SettingsDep, lang: LanguageDep
) -> HTMLResponse:
    """The canonical page of a site, in the visitor's language; a GET from a person counts one view."""
    response = cached_site_page(request, site, registry, settings.base_url, lang)
    await count_visit(request, site, VisitKind.VIEW)
    return response


# Upper-case QR payloads (DIACHIDO_QR_UPPERCASE) arrive as /Q/CODE.
@router.api_route("/q/{code}", methods=["GET", "HEAD"], response_class=HTMLResponse)
@router.api_route("/Q/{code}", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def scan(request: Request, code: str) -> HTMLResponse:
    """A plaque's QR code: the site page itself (no redirect: one round trip on 3G), counted as a scan.

    `code` may be the site's code, slug or an alias, in any case. The response is answered only once
    the scan is committed, and is never cached, so every scan reaches the server.
    This is the hottest path, so it reads the app state itself: FastAPI's dependency solving for
    three dependencies cost about a tenth of its time (bench/scan.py).
    """
    state = request.app.state
    registry = state.catalog.registry
    site = registry.resolve(code)
    response = cached_site_page(request, site, registry, state.settings.base_url, visitor_language(request),
                                {"Cache-Control": "no-store"})
    await count_visit(request, site, VisitKind.SCAN)
    return response


def cached_site_page(request: Request, site: Site, registry: Registry, base_url: str, lang: str,
                     extra_headers: dict[str, str] | None = None) -> Response:
    """The site page, from the app's page cache when the request allows it."""
    return request.app.state.page_cache.response(
        request, registry, site.slug, lang, lambda: site_page_response(request, site, registry, base_url, lang),
        extra_headers)


def site_page_response(request: Request, site: Site, registry: Registry, base_url: str, lang: str) -> HTMLResponse:
    """The site page in `lang`; its canonical link and language switch point to /sites/{slug}."""
    return render_site(request, site_out(site, lang, base_url, registry), lang, base_url)


def render_site(request: Request, view: SiteOut, lang: str, base_url: str, preview: bool = False) -> HTMLResponse:
    """The site page of `view`; a staff `preview` is not indexed, not cached, and its language switch
    stays on the preview. Its picker offers the languages of the site's text and of the whole interface."""
    page_url = f"{view.url}?lang={lang}"
    languages = source_first([*view.languages, *COMPLETE_LANGUAGES])
    response = render(request, "site.html", lang, {
        "site": view,
        "preview": preview,
        "canonical": page_url,
        "alternates": [(code, f"{view.url}?lang={code}") for code in languages] + [("x-default", view.url)],
        "og_image": base_url + view.photos[0].url_large if view.photos else None,
        "structured_data": structured_data(view, page_url, base_url),
        "review_notices": [] if view.translation_reviewed else [
            (code, strings(code)["review_notice"]) for code in dict.fromkeys([view.content_lang, SOURCE_LANGUAGE])
        ],
    }, page_path=None if preview else site_path(view.slug), languages=languages)
    if preview:
        response.headers["Cache-Control"] = "no-store"
    return response


def structured_data(view: SiteOut, page_url: str, base_url: str) -> dict:
    """schema.org JSON-LD for search engines and link previews."""
    data = {
        "@context": "https://schema.org",
        "@type": "LandmarksOrHistoricalBuildings",
        "name": view.name,
        "description": view.summary,
        "url": page_url,
        "inLanguage": view.content_lang,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": view.address.text,
            "addressRegion": view.address.province,
            "addressCountry": "VN",
        },
    }
    if view.other_names:
        data["alternateName"] = view.other_names
    if view.location:
        data["geo"] = {"@type": "GeoCoordinates", "latitude": view.location.lat, "longitude": view.location.lon}
    if view.photos:
        data["image"] = [base_url + photo.url_large for photo in view.photos]
    return data


@router.api_route("/photos/{slug}/{name}", methods=["GET", "HEAD"])
def photo_variant(site: SiteDep, name: str, settings: SettingsDep) -> FileResponse:
    """A resized, metadata-free JPEG of a site photo, made on first request and cached under data_dir."""
    return photo_response(site, name, settings)


def photo_response(site: Site, name: str, settings: Settings,
                   cache_control: str = f"public, max-age={PHOTO_CACHE_SECONDS}") -> FileResponse:
    """The variant `name` (e.g. `cong-480.jpg`) of a photo of `site`, or 404."""
    parsed = parse_variant_name(name)
    photo = next((p for p in site.photos if parsed and p.stem == parsed[0]), None)
    if photo is None:
        raise HTTPException(404, f"No photo '{name}' for site '{site.slug}'")
    path = variant_file(photo, parsed[1], settings.data_dir / "photo-cache" / site.slug)
    return FileResponse(path, media_type="image/jpeg",
                        headers={"Cache-Control": cache_control})
