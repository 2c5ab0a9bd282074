"""Printable PDFs for staff and print shops: `/posters/{slug}.pdf` (one site) and `/posters.pdf` (every site).

Anonymous and costly (about 5 s of CPU for 1,000 sites), so each PDF is made once per content version,
in a separate process, a few at a time (api/caches/print_shop.py); a matching If-None-Match gets a 304.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.caches.print_shop import PrintShop, poster_key
from api.deps import PrintShopDep, RegistryDep, SettingsDep, SiteDep, print_language, reachable_base_url
from api.listing import FiltersDep
from api.responses import BUSY, MOVED, NOT_FOUND, NOT_MODIFIED, PDF, REFUSED
from qr.posters import PosterFormat, PosterText
from qr.print_texts import branding, poster_text
from sites.settings import Settings

router = APIRouter(tags=["posters"], dependencies=[Depends(reachable_base_url)])

LangQuery = Annotated[str | None, Query(
    description="BCP 47 tag of the poster's language (default vi); a site without text in it prints in Vietnamese"
)]
FormatQuery = Annotated[
    PosterFormat, Query(description="a4: A4 poster; a5: A5 flyer; plaque: 20 x 15 cm plaque card (default a4)")
]
BleedQuery = Annotated[bool, Query(
    description="1: a 3 mm bleed and crop marks around each page, for a print shop that trims (default 0)"
)]


@router.get("/posters/{slug}.pdf", response_class=Response,
            responses={**PDF, **NOT_FOUND, **MOVED, **NOT_MODIFIED, **REFUSED, **BUSY})
async def site_poster(request: Request, site: SiteDep, settings: SettingsDep, shop: PrintShopDep,
                      format: FormatQuery = PosterFormat.a4, lang: LangQuery = None,
                      bleed: BleedQuery = False) -> Response:
    """The published site's poster, flyer or plaque card as a one-page PDF."""
    texts = [await run_in_threadpool(poster_text, site, settings, print_language(lang))]
    return await _pdf(request, shop, texts, format, settings, f"{site.slug}-{format.value}.pdf", bleed)


@router.get("/posters.pdf", response_class=Response, responses={
    **PDF, 404: {"description": "No published site matches the filters"}, **NOT_MODIFIED, **REFUSED, **BUSY,
})
async def all_posters(
    request: Request, registry: RegistryDep, settings: SettingsDep, shop: PrintShopDep,
    filters: FiltersDep, format: FormatQuery = PosterFormat.a4, bleed: BleedQuery = False,
) -> Response:
    """Every published site (sorted by name, optionally filtered) in one PDF, one page per site, for a print shop."""
    sites = filters.search(registry)
    if not sites:
        raise HTTPException(404, "No published site matches these filters")
    texts = await run_in_threadpool(lambda: [poster_text(site, settings) for site in sites])
    return await _pdf(request, shop, texts, format, settings, f"posters-{format.value}.pdf", bleed)


async def _pdf(request: Request, shop: PrintShop, texts: list[PosterText], fmt: PosterFormat, settings: Settings,
               filename: str, bleed: bool) -> Response:
    """The PDF of `texts` that browsers show and save under `filename`, validated by its content version."""
    brand = branding(settings)
    key = poster_key(texts, fmt, brand, bleed)
    headers = {"Content-Disposition": f'inline; filename="{filename}"', "ETag": f'"{key}"', "Cache-Control": "no-cache"}
    if headers["ETag"] in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    try:
        body = await shop.posters(key, texts, fmt, brand, bleed)
    except ValueError as exc:  # a text too long to fit even at the smallest size
        raise HTTPException(422, f"Không in được / cannot print: {exc}") from None
    return Response(body, media_type="application/pdf", headers=headers)
