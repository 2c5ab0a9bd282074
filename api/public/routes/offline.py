"""Saving for offline use (issue 16): what a phone saves of a journey or a site
(`/api/offline/journeys/{slug}.json`, `/api/offline/sites/{slug}.json`), the service worker that keeps it
(`/sw.js`) and the page it shows offline for a page that was not saved (`/offline`).

A list names every file to save with its size and a content `version`: the service worker saves the files
again when the version changes (the next time the phone is online). Plaque addresses (`/q/CODE`) are never
fetched while saving (that would count scans): the list gives every form a plaque may carry, and the
worker answers them offline with the saved site page.
"""

import gzip
import hashlib

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import BaseModel, Field

from api.deps import visitor_language
from api.responses import NOT_FOUND
from api.state import AppState, StateDep
from api.templating import STATIC_DIR, render
from api.views.narration_view import narration_view
from api.views.schemas import ErrorOut
from api.views.site_page import cached_site_page
from api.views.view_models import LIST_PHOTO_WIDTH, photo_root, photo_variant_path, site_path
from sites.catalog.i18n import strings
from sites.catalog.journeys import JourneyNotFound
from sites.catalog.photos import variant_file
from sites.catalog.registry import SiteNotFound
from sites.catalog.site import Site

router = APIRouter()

SERVICE_WORKER = STATIC_DIR / "sw.js"


class OfflineFile(BaseModel):
    url: str = Field(description="Path to fetch and keep")
    bytes: int | None = Field(description="Size in bytes (null: the page being read, which the phone already has)")
    kind: str = Field(description="page, photo (480 px) or audio (narration MP3, saved if asked)")


class OfflineStop(BaseModel):
    slug: str
    name: str
    url: str = Field(description="The site page shown offline for any of `scan_paths`")
    scan_paths: list[str] = Field(description="Every plaque address of the site: /q/ and /Q/ with its code, "
                                              "slug and aliases (matched in any case)")


class OfflineList(BaseModel):
    kind: str = Field(description="journey or site")
    slug: str
    name: str
    url: str = Field(description="The page saved")
    lang: str = Field(description="Language of the saved pages")
    version: str = Field(description="Changes whenever a saved file would change: save again then")
    scan_paths: list[str] = Field(description="A journey's QR addresses (/j/ and /J/ with its code, slug and "
                                              "aliases), answered offline with its saved page; none for a site")
    stops: list[OfflineStop]
    files: list[OfflineFile]


OFFLINE_NOT_FOUND = {404: {"model": ErrorOut, "description": "No published journey or site has this slug"}}


@router.get("/api/offline/journeys/{slug}.json", response_model=OfflineList, responses=OFFLINE_NOT_FOUND,
            tags=["offline"])
def journey_list(request: Request, state: StateDep, slug: str) -> OfflineList:
    """What to save to use a journey offline: its page, its stops' pages and 480 px photos, optionally the
    narration, and the plaque addresses of its stops."""
    try:
        journey = state.catalog.journeys.get(slug)
    except JourneyNotFound:
        raise HTTPException(404, f"Không có hành trình '{slug}' / no journey '{slug}'") from None
    lang = visitor_language(request)
    sites = [stop.site for stop in journey.stops if stop.site.published]
    own = [OfflineFile(url=f"/journeys/{journey.slug}", bytes=None, kind="page")]
    source = repr((journey.meta, journey.bodies, journey.translations)).encode()
    offline = _offline_list(request, state, "journey", journey.slug, journey.localized(lang).name,
                            f"/journeys/{journey.slug}", lang, sites, own, source)
    offline.scan_paths = _scan_paths("j", journey.keys())
    return offline


@router.get("/api/offline/sites/{slug}.json", response_model=OfflineList, responses={**NOT_FOUND},
            tags=["offline"])
def site_list(request: Request, state: StateDep, slug: str) -> OfflineList:
    """What to save to use one site offline: its page, 480 px photos, optionally narration, plaque addresses."""
    try:
        site = state.catalog.registry.get(slug)
    except SiteNotFound:
        raise HTTPException(404, f"Không có địa điểm '{slug}' / no site '{slug}'") from None
    lang = visitor_language(request)
    return _offline_list(request, state, "site", site.slug, site.localized(lang).name, site_path(site.slug),
                         lang, [site], [], b"")


def _offline_list(request: Request, state: AppState, kind: str, slug: str, name: str, url: str, lang: str,
                  sites: list[Site], own: list[OfflineFile], source: bytes) -> OfflineList:
    """The list of `sites`' files after `own`, versioned by the pages' text and every file's address and size."""
    files = list(own)
    digest = hashlib.sha256(source)
    for site in sites:
        page = _page_bytes(request, state, site, lang)
        digest.update(page)
        files.append(OfflineFile(url=site_path(site.slug), bytes=len(page), kind="page"))
        files.extend(_site_files(state, site, lang))
    for file in files:
        digest.update(f"{file.url} {file.bytes}\n".encode())
    stops = [OfflineStop(slug=site.slug, name=site.localized(lang).name, url=site_path(site.slug),
                         scan_paths=_scan_paths("q", site.keys())) for site in sites]
    return OfflineList(kind=kind, slug=slug, name=name, url=url, lang=lang, version=digest.hexdigest()[:16],
                       scan_paths=[], stops=stops, files=files)


def _scan_paths(letter: str, keys: list[str]) -> list[str]:
    """Every address a QR code of these `keys` may carry: /q/key and /Q/KEY (or /j/, /J/ for a journey)."""
    return [path for key in keys for path in (f"/{letter}/{key}", f"/{letter.upper()}/{key.upper()}")]


def _page_bytes(request: Request, state: AppState, site: Site, lang: str) -> bytes:
    """The site page as the phone will keep it (from the app's page cache, unzipped)."""
    response = cached_site_page(request, state, site, state.catalog.registry, lang)
    body = bytes(response.body)
    return gzip.decompress(body) if response.headers.get("content-encoding") == "gzip" else body


def _site_files(state: AppState, site: Site, lang: str) -> list[OfflineFile]:
    """The 480 px photos of `site` (made now if needed) and its narration in `lang` if it is ready."""
    cache_dir = state.settings.data_dir / "photo-cache" / site.slug
    files = [OfflineFile(url=photo_variant_path(photo_root(site.slug), photo, LIST_PHOTO_WIDTH),
                         bytes=variant_file(photo, LIST_PHOTO_WIDTH, cache_dir).stat().st_size, kind="photo")
             for photo in site.photos]
    narration = narration_view(state.narrations, site, lang)
    audio = narration and narration.url and state.narrations.status(site, narration.lang).audio
    if audio:
        files.append(OfflineFile(url=narration.url, bytes=audio.size, kind="audio"))
    return files


@router.get("/sw.js", include_in_schema=False)
def service_worker() -> FileResponse:
    """The service worker, at the root so that it may answer for every page; checked again on every visit."""
    return FileResponse(SERVICE_WORKER, media_type="text/javascript", headers={"Cache-Control": "no-cache"})


@router.get("/offline", response_class=HTMLResponse, include_in_schema=False)
def offline_page(request: Request) -> HTMLResponse:
    """The page the service worker shows offline for a page that was not saved, in Vietnamese and English;
    the worker writes the list of saved journeys and sites into it."""
    return render(request, "offline.html", "vi", {"en": strings("en")}, page_path="/offline")
