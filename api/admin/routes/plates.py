"""Staff's print pages for plates (issue 25): the preview of a site's engraved plate on its edit page
(`/admin/sites/{slug}/plaque.png`, drafts too) and sheets of QR stickers (`/admin/stickers.pdf`, every published
site or a province's). Staff only, under /admin where the staff cookie is sent; the work runs in the print process,
cached by content, like the posters."""

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.admin.staff import StaffDep, StaffSiteDep
from api.caches.print_shop import content_key
from api.deps import PrintShopDep, SettingsDep, print_language, reachable_base_url
from api.listing import FiltersDep
from api.state import StateDep
from qr.engraving.plates import DEFAULT_SIZE, Material, PlateRefused, plate
from qr.engraving.preview import preview_png
from qr.print_texts import plaque_text, site_scan_url
from qr.stickers import DEFAULT_STICKER_MM, Sticker, stickers

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/sites/{slug}/plaque.png")
async def plate_preview(site: StaffSiteDep, settings: SettingsDep, shop: PrintShopDep, user: StaffDep,
                        size: str = DEFAULT_SIZE, material: str = Material.steel, holes: int = 4,
                        lang: str | None = None) -> Response:
    """The plate as it will look, from the same drawing as its SVG and DXF files."""
    try:
        chosen = plate(size, material, holes)
    except PlateRefused as exc:
        raise HTTPException(422, str(exc)) from None
    text = await run_in_threadpool(plaque_text, site, settings, print_language(lang))
    try:
        body = await shop.plaque(content_key(("plate preview", text, chosen)), preview_png, text, chosen)
    except PlateRefused as exc:
        raise HTTPException(422, str(exc)) from None
    return Response(body, media_type="image/png", headers={"Cache-Control": "private, no-cache"})


@router.get("/stickers.pdf", dependencies=[Depends(reachable_base_url)])
async def sticker_sheets(state: StateDep, settings: SettingsDep, shop: PrintShopDep, user: StaffDep,
                         filters: FiltersDep, size: int = Query(DEFAULT_STICKER_MM)) -> Response:
    """A4 sheets of square stickers, one QR code and short name each, `size` mm a side, cut marks between them:
    every published site, or those of `province` (and `category`), by name."""
    sites = filters.search(state.catalog.registry)
    if not sites:
        raise HTTPException(404, "Không có di tích đã xuất bản nào / no published site matches")
    items = [Sticker(site.card.name, site_scan_url(site, settings)) for site in sites]
    key = content_key(("stickers", items, size, settings.organisation))
    try:
        body = await shop.pdf(key, stickers, items, size, settings.organisation)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    name = f"stickers-{size}mm.pdf"
    return Response(body, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "private, no-cache"})
