"""QR code downloads for staff: `/qr/{slug}.png` and `/qr/{slug}.svg`, encoding the site's scan URL."""

import functools
import hashlib
from importlib.metadata import version
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import SettingsDep, SiteDep
from api.errors import invalid_parameter
from api.json_api import MOVED, NOT_FOUND
from api.settings import Settings
from qr.codes import ErrorCorrection, png, print_pixels, scan_url, svg
from sites.site import Site

router = APIRouter(tags=["qr"])

DEFAULT_SIZE = 600
DEFAULT_DPI = 300
MAX_PIXELS = 8000
CACHE_SECONDS = 24 * 3600
# Part of every ETag, so a new qrcode release or drawing change is never served from a stale cache.
_DRAWING = f"qrcode {version('qrcode')}, drawing 1"

CACHED = {304: {"description": "Not modified: the ETag in If-None-Match is still current"}}
ErrorCorrectionQuery = Annotated[
    ErrorCorrection, Query(description="Error correction: L 7%, M 15% (default), Q 25%, H 30% of the code may be lost")
]


def site_scan_url(site: Site, settings: Settings) -> str:
    """What the site's QR code encodes."""
    return scan_url(settings.base_url, site.code, settings.qr_uppercase)


def site_svg(site: Site, settings: Settings, ec: ErrorCorrection, cm: float | None) -> bytes:
    """The site's QR code as SVG, titled with the site's name and the URL it opens."""
    payload = site_scan_url(site, settings)
    return svg(payload, ec, cm, title=f"{site.meta.name}: {payload}")


@router.get(
    "/qr/{slug}.png",
    response_class=Response,
    responses={200: {"content": {"image/png": {}}, "description": "The QR code as a 1-bit PNG"}, **CACHED,
               **NOT_FOUND, **MOVED},
)
def qr_png(
    request: Request, site: SiteDep, settings: SettingsDep,
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
            raise invalid_parameter("cm", f"{cm} cm at {dpi} dpi is {size} px; the most is {MAX_PIXELS} px")
    payload = site_scan_url(site, settings)
    try:
        body = _cached_png(payload, size or DEFAULT_SIZE, ec, dpi)
    except ValueError as exc:
        raise invalid_parameter("size", str(exc)) from None
    return _image_response(request, body, "image/png", f"{site.slug}-qr.png", (payload, size, ec, dpi))


@router.get(
    "/qr/{slug}.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}, "description": "The QR code as SVG, for print shops"},
               **CACHED, **NOT_FOUND, **MOVED},
)
def qr_svg(
    request: Request, site: SiteDep, settings: SettingsDep,
    cm: Annotated[float | None, Query(ge=1, le=200, description="Printed width in centimetres")] = None,
    ec: ErrorCorrectionQuery = ErrorCorrection.M,
) -> Response:
    """The site's QR code as SVG, `cm` wide when printed (default 1 mm per module)."""
    body = site_svg(site, settings, ec, cm)
    return _image_response(request, body, "image/svg+xml", f"{site.slug}-qr.svg", (body,))


@functools.lru_cache(maxsize=256)
def _cached_png(payload: str, size: int, ec: ErrorCorrection, dpi: int | None) -> bytes:
    return png(payload, size, ec, dpi)  # about 8 ms each: worth keeping the ones asked for


def _image_response(request: Request, body: bytes, media_type: str, filename: str, inputs: tuple) -> Response:
    """`body` with a validator and a day of caching; a matching If-None-Match gets 304 without the body."""
    etag = '"' + hashlib.blake2b(repr((_DRAWING, media_type, inputs)).encode(), digest_size=12).hexdigest() + '"'
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={CACHE_SECONDS}",
        "Content-Disposition": f'inline; filename="{filename}"',
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)
