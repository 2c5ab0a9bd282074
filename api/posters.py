"""Printable PDFs for staff and print shops: `/posters/{slug}.pdf` (one site) and `/posters.pdf` (every site)."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.deps import RegistryDep, SettingsDep, SiteDep
from api.json_api import MOVED, NOT_FOUND
from api.qr_codes import site_scan_url
from api.settings import Settings
from qr.posters import Branding, PosterFormat, PosterText, poster, posters
from sites.models import CATEGORY_LABELS, Category
from sites.site import DEFAULT_LANGUAGE, Site

router = APIRouter(tags=["posters"])

PDF = {200: {"content": {"application/pdf": {}}, "description": "A print-ready PDF, one page per site"}}
FormatQuery = Annotated[
    PosterFormat, Query(description="a4: A4 poster; a5: A5 flyer; plaque: 20 x 15 cm plaque card (default a4)")
]


def poster_text(site: Site, settings: Settings) -> PosterText:
    """What the site's poster says, in Vietnamese; the URL is the one its QR code encodes."""
    return PosterText(
        name=site.meta.name,
        category=CATEGORY_LABELS[site.meta.category][DEFAULT_LANGUAGE],
        recognition=site.recognition_label(DEFAULT_LANGUAGE),
        summary=site.meta.summary,
        url=site_scan_url(site, settings),
    )


def branding(settings: Settings) -> Branding:
    """The organising unit and its logo, from the settings."""
    return Branding(settings.organisation, settings.organisation_logo)


@router.get("/posters/{slug}.pdf", response_class=Response, responses={**PDF, **NOT_FOUND, **MOVED})
async def site_poster(site: SiteDep, settings: SettingsDep, format: FormatQuery = PosterFormat.a4) -> Response:
    """The published site's poster, flyer or plaque card as a one-page PDF."""
    # About 30 ms of CPU: in the thread pool, so scans keep being answered meanwhile.
    body = await run_in_threadpool(poster, poster_text(site, settings), format, branding(settings))
    return _pdf(body, f"{site.slug}-{format.value}.pdf")


@router.get("/posters.pdf", response_class=Response, responses={
    **PDF, 404: {"description": "No published site matches the filters"},
})
async def all_posters(
    registry: RegistryDep, settings: SettingsDep, format: FormatQuery = PosterFormat.a4,
    province: Annotated[str | None, Query(description="Only this province (today's or the former one)")] = None,
    category: Annotated[Category | None, Query(description="Only this kind of site")] = None,
) -> Response:
    """Every published site (sorted by name, optionally filtered) in one PDF, one page per site, for a print shop."""
    sites = registry.search(category=category.value if category else None, province=province)
    if not sites:
        raise HTTPException(404, "No published site matches these filters")
    texts = [poster_text(site, settings) for site in sites]
    body = await run_in_threadpool(posters, texts, format, branding(settings))
    return _pdf(body, f"posters-{format.value}.pdf")


def _pdf(body: bytes, filename: str) -> Response:
    """`body` as a PDF that browsers show and save under `filename`."""
    headers = {"Content-Disposition": f'inline; filename="{filename}"'}
    return Response(body, media_type="application/pdf", headers=headers)
