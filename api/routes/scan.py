"""A plaque's QR code: `/q/{code}` (and `/Q/{code}` for upper-case QR payloads)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.counting import count_visit
from api.deps import visitor_language
from api.site_page import cached_site_page
from api.state import app_state
from sites.visits import VisitKind

router = APIRouter(include_in_schema=False)


# Upper-case QR payloads (DIACHIDO_QR_UPPERCASE) arrive as /Q/CODE.
@router.api_route("/q/{code}", methods=["GET", "HEAD"], response_class=HTMLResponse)
@router.api_route("/Q/{code}", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def scan(request: Request, code: str) -> HTMLResponse:
    """A plaque's QR code: the site page itself (no redirect: one round trip on 3G), counted as a scan.

    `code` may be the site's code, slug or an alias, in any case. The response is answered only once
    the scan is committed, and is never cached, so every scan reaches the server.
    This is the hottest path, so it takes the typed state itself: FastAPI's dependency solving for
    three dependencies cost about a tenth of its time (bench/scan.py).
    """
    state = app_state(request.app)
    registry = state.catalog.registry
    site = registry.resolve(code)
    response = cached_site_page(request, state, site, registry, visitor_language(request),
                                {"Cache-Control": "no-store"})
    await count_visit(request, state, site, VisitKind.SCAN)
    return response
