"""Engraving files of a site's plate for a laser or CNC shop: `/plaques/{slug}.svg` and `/plaques/{slug}.dxf`.

Anonymous like the posters and bounded as they are: each file is made once per content and parameters, in the print
process, a few at a time (api/caches/print_shop.py); a matching If-None-Match gets a 304. Before a file is given,
its code is decoded (qr/engraving/print_check.py); one that does not decode is never served.
"""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.caches.print_shop import PrintShop, content_key
from api.deps import PrintShopDep, SettingsDep, SiteDep, print_language, reachable_base_url
from api.responses import BUSY, MOVED, NOT_FOUND, NOT_MODIFIED, REFUSED
from qr.engraving.files import MEDIA_TYPES, FileFormat, plaque_file
from qr.engraving.plates import DEFAULT_SIZE, PRESETS, Material, PlateRefused, plate
from qr.engraving.print_check import PrintCheckFailed
from qr.print_texts import plaque_text
from sites.catalog.site import Site
from sites.settings import Settings

router = APIRouter(tags=["plaques"], dependencies=[Depends(reachable_base_url)])

SizeQuery = Annotated[str, Query(description=f"WIDTHxHEIGHT in mm (presets {', '.join(PRESETS)}; width over height "
                                             "is landscape); refused when a QR module would be under the material's "
                                             "minimum (1.5 mm or more) or the code under 25 mm")]
MaterialQuery = Annotated[Material, Query(description="steel (304 stainless), aluminium (anodised), stone (black "
                                                      "granite) or wood: the thinnest line and whether the engraving "
                                                      "is lighter than the plate")]
HolesQuery = Annotated[int, Query(description="mounting holes: 4 (corners), 2 (top and bottom centre) or 0")]
LangQuery = Annotated[str | None, Query(description="BCP 47 tag of the plate's language (default vi)")]
FILES = {200: {"content": {media: {} for media in MEDIA_TYPES.values()},
               "description": "The plate's engraving file, in millimetres"}}
ANSWERS = {**FILES, **NOT_FOUND, **MOVED, **NOT_MODIFIED, **REFUSED, **BUSY,
           422: {"description": "A size, material or number of holes that cannot be made (the message names the "
                                "parameter and the minimum)"}}


@router.get("/plaques/{slug}.svg", response_class=Response, responses=ANSWERS)
async def plaque_svg(request: Request, site: SiteDep, settings: SettingsDep, shop: PrintShopDep,
                     size: SizeQuery = DEFAULT_SIZE, material: MaterialQuery = Material.steel, holes: HolesQuery = 4,
                     lang: LangQuery = None) -> Response:
    """The plate as SVG for a laser shop: layers CUT, HOLES, ENGRAVE and GUIDES, text as outlines."""
    return await _file(request, site, settings, shop, FileFormat.svg, size, material, holes, lang)


@router.get("/plaques/{slug}.dxf", response_class=Response, responses=ANSWERS)
async def plaque_dxf(request: Request, site: SiteDep, settings: SettingsDep, shop: PrintShopDep,
                     size: SizeQuery = DEFAULT_SIZE, material: MaterialQuery = Material.steel, holes: HolesQuery = 4,
                     lang: LangQuery = None) -> Response:
    """The plate as DXF (R2010, mm) for CNC and CAD: layers CUT, HOLES and ENGRAVE, closed polylines and hatches."""
    return await _file(request, site, settings, shop, FileFormat.dxf, size, material, holes, lang)


async def _file(request: Request, site: Site, settings: Settings, shop: PrintShop, fmt: FileFormat, size: str,
                material: Material, holes: int, lang: str | None) -> Response:
    try:
        chosen = plate(size, material, holes)
    except PlateRefused as exc:
        raise HTTPException(422, str(exc)) from None
    text = await run_in_threadpool(plaque_text, site, settings, print_language(lang))
    key = content_key(("plaque", text, chosen, fmt.value))
    name = f"{site.slug}-{chosen.width:g}x{chosen.height:g}-{chosen.material.value}.{fmt.value}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "ETag": f'"{key}"',
               "Cache-Control": "no-cache"}
    if headers["ETag"] in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    try:
        body = await shop.plaque(key, plaque_file, text, chosen, fmt)
    except PlateRefused as exc:
        raise HTTPException(422, str(exc)) from None
    except PrintCheckFailed as exc:
        raise HTTPException(500, str(exc)) from None
    return Response(body, media_type=MEDIA_TYPES[fmt], headers=headers)
