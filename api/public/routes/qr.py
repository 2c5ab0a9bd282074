"""QR code downloads for staff: `/qr/{slug}.png` and `/qr/{slug}.svg`, encoding the site's scan URL, and
`/qr/j/{slug}.svg`, a journey's (`/j/CODE`)."""

import hashlib
from importlib.metadata import version
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from api.deps import PrintShopDep, SettingsDep, SiteDep, reachable_base_url
from api.errors import invalid_parameter
from api.responses import BUSY, MOVED, NOT_FOUND, NOT_MODIFIED, REFUSED, file_answer
from api.state import StateDep
from api.views.schemas import ErrorOut
from qr.codes import ErrorCorrection, print_pixels
from qr.formats import DEFAULT_DPI, DEFAULT_SIZE
from qr.print_texts import journey_svg, site_scan_url, site_svg
from sites.catalog.journeys import JourneyNotFound

router = APIRouter(tags=["qr"], dependencies=[Depends(reachable_base_url)])

# Made on request, so bounded (issue 11): 4000 px prints 34 cm wide at 300 dpi. Larger: the SVG (any
# size), or `diachido qr` (up to 8000 px).
MAX_PIXELS = 4000
CACHE_SECONDS = 24 * 3600
# Part of every ETag, so a new qrcode release or drawing change is never served from a stale cache.
_DRAWING = f"qrcode {version('qrcode')}, drawing 2"

ErrorCorrectionQuery = Annotated[
    ErrorCorrection, Query(description="Error correction: L 7%, M 15% (default), Q 25%, H 30% of the code may be lost")
]


@router.get(
    "/qr/{slug}.png",
    response_class=Response,
    responses={**file_answer("image/png", "The QR code as a 1-bit PNG"), **NOT_MODIFIED,
               **NOT_FOUND, **MOVED, **REFUSED, **BUSY},
)
async def qr_png(
    request: Request, site: SiteDep, settings: SettingsDep, shop: PrintShopDep,
    size: Annotated[int | None, Query(ge=64, le=MAX_PIXELS, description="Width in pixels (default 600)")] = None,
    cm: Annotated[float | None, Query(ge=1, le=200, description="Printed width in centimetres")] = None,
    dpi: Annotated[int | None, Query(ge=72, le=2400, description="Print resolution with `cm` (default 300)")] = None,
    ec: ErrorCorrectionQuery = ErrorCorrection.M,
) -> Response:
    """The site's QR code as PNG: `size` pixels wide, or `cm` centimetres at `dpi` for print."""
    if size is not None and (cm is not None or dpi is not None):
        raise invalid_parameter("size", "give either size (pixels) or cm with dpi (print), not both")
    if dpi is not None and cm is None:
        raise invalid_parameter("dpi", "also give cm, the printed width")
    if cm is not None:
        dpi = dpi or DEFAULT_DPI
        size = print_pixels(cm, dpi)
        if size > MAX_PIXELS:
            raise invalid_parameter("cm", f"{cm} cm at {dpi} dpi is {size} px; the most is {MAX_PIXELS} px; "
                                    "the SVG prints at any size")
    payload = site_scan_url(site, settings)
    size = size or DEFAULT_SIZE
    etag = _etag("image/png", (payload, size, ec, dpi))
    if _not_modified(request, etag):
        return _image_response(None, etag, "image/png", f"{site.slug}-qr.png")
    try:
        body = await shop.png(payload, size, ec, dpi)
    except ValueError as exc:
        raise invalid_parameter("size", str(exc)) from None
    return _image_response(body, etag, "image/png", f"{site.slug}-qr.png")


@router.get(
    "/qr/{slug}.svg",
    response_class=Response,
    responses={**file_answer("image/svg+xml", "The QR code as SVG, for print shops"),
               **NOT_MODIFIED, **NOT_FOUND, **MOVED, **REFUSED},
)
def qr_svg(
    request: Request, site: SiteDep, settings: SettingsDep,
    cm: Annotated[float | None, Query(ge=1, le=200, description="Printed width in centimetres")] = None,
    ec: ErrorCorrectionQuery = ErrorCorrection.M,
) -> Response:
    """The site's QR code as SVG, `cm` wide when printed (default 1 mm per module)."""
    body = site_svg(site, settings, ec, cm)  # a few milliseconds and a few kilobytes, any size
    etag = _etag("image/svg+xml", (body,))
    return _image_response(None if _not_modified(request, etag) else body, etag, "image/svg+xml",
                           f"{site.slug}-qr.svg")


@router.get(
    "/qr/j/{slug}.svg",
    response_class=Response,
    responses={**file_answer("image/svg+xml", "The journey's QR code as SVG"),
               **NOT_MODIFIED, 404: {"model": ErrorOut, "description": "No published journey has this slug"},
               **REFUSED},
)
def journey_qr_svg(
    request: Request, state: StateDep, slug: str,
    cm: Annotated[float | None, Query(ge=1, le=200, description="Printed width in centimetres")] = None,
    ec: ErrorCorrectionQuery = ErrorCorrection.M,
) -> Response:
    """A journey's QR code (it encodes `BASE_URL/j/CODE`) as SVG, `cm` wide when printed."""
    try:
        journey = state.catalog.journeys.get(slug)
    except JourneyNotFound:
        raise HTTPException(404, f"No journey '{slug}'") from None
    body = journey_svg(journey, state.settings, ec, cm)
    etag = _etag("image/svg+xml", (body,))
    return _image_response(None if _not_modified(request, etag) else body, etag, "image/svg+xml",
                           f"{journey.slug}-qr.svg")


def _etag(media_type: str, inputs: tuple) -> str:
    return '"' + hashlib.blake2b(repr((_DRAWING, media_type, inputs)).encode(), digest_size=12).hexdigest() + '"'


def _not_modified(request: Request, etag: str) -> bool:
    return etag in request.headers.get("if-none-match", "")


def _image_response(body: bytes | None, etag: str, media_type: str, filename: str) -> Response:
    """`body` with its validator and a day of caching; None: a 304 without a body."""
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={CACHE_SECONDS}",
        "Content-Disposition": f'inline; filename="{filename}"',
    }
    if body is None:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)
