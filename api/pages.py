"""HTML pages for visitors: the list of sites with search and filters, and the site page."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse

from api.deps import LanguageDep, RegistryDep, SettingsDep, SiteDep
from api.schemas import SiteOut
from api.settings import Settings
from api.templating import render
from api.views import site_out, site_summary_out
from sites.models import CATEGORY_LABELS
from sites.photos import parse_variant_name, variant_file
from sites.site import LANGUAGES, Site

router = APIRouter(include_in_schema=False)

PHOTO_CACHE_SECONDS = 7 * 24 * 3600


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def home(
    request: Request, registry: RegistryDep, settings: SettingsDep, lang: LanguageDep,
    q: str = "", category: str = "", province: str = "",
) -> HTMLResponse:
    """The list of published sites, searchable (case and diacritics ignored) and filterable."""
    found = registry.search(q, category or None, province or None)
    return render(request, "index.html", lang, {
        "sites": [site_summary_out(site, lang, settings.base_url) for site in found],
        "q": q,
        "category": category,
        "province": province,
        "categories": [(c.value, CATEGORY_LABELS[c][lang]) for c in registry.categories()],
        "provinces": registry.provinces(),
        "filtered": bool(q or category or province),
    })


@router.api_route("/sites/{slug}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def site_page(
    request: Request, site: SiteDep, registry: RegistryDep, settings: SettingsDep, lang: LanguageDep
) -> HTMLResponse:
    """The canonical page of a site, in the visitor's language."""
    return render_site(request, site_out(site, lang, settings.base_url, registry), lang, settings.base_url)


def render_site(request: Request, view: SiteOut, lang: str, base_url: str, preview: bool = False) -> HTMLResponse:
    """The site page of `view`; `preview` marks a staff preview (not indexed, not cached)."""
    page_url = f"{view.url}?lang={lang}"
    response = render(request, "site.html", lang, {
        "site": view,
        "preview": preview,
        "canonical": page_url,
        "alternates": [(code, f"{view.url}?lang={code}") for code in LANGUAGES] + [("x-default", view.url)],
        "og_image": base_url + view.photos[0].url_large if view.photos else None,
        "structured_data": structured_data(view, page_url, base_url),
    })
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


def photo_response(site: Site, name: str, settings: Settings) -> FileResponse:
    """The variant `name` (e.g. `cong-480.jpg`) of a photo of `site`, or 404."""
    parsed = parse_variant_name(name)
    photo = next((p for p in site.photos if parsed and p.stem == parsed[0]), None)
    if photo is None:
        raise HTTPException(404, f"No photo '{name}' for site '{site.slug}'")
    path = variant_file(photo, parsed[1], settings.data_dir / "photo-cache" / site.slug)
    return FileResponse(path, media_type="image/jpeg",
                        headers={"Cache-Control": f"public, max-age={PHOTO_CACHE_SECONDS}"})
