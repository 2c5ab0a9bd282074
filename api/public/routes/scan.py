"""A plaque's QR code: `/q/{code}` (and `/Q/{code}` for upper-case QR payloads)."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.routing import Route

from api.deps import visitor_language
from api.public.counting import count_visit
from api.public.passport_cookie import PASSPORT_COOKIE
from api.public.stamping import stamp_scan
from api.state import app_state
from api.templating import render
from api.views.site_page import cached_site_page, stamped_site_page
from sites.catalog.registry import SiteNotFound
from sites.catalog.site import Site
from sites.visits.visit import VisitKind

router = APIRouter(include_in_schema=False)
UNAVAILABLE_RETRY_SECONDS = 86_400  # an unpublished site comes back after staff review it: ask again in a day


async def scan(request: Request) -> HTMLResponse:
    """A plaque's QR code: the site page itself (no redirect: one round trip on 3G), counted as a scan.

    `code` may be the site's code, slug or an alias, in any case. The response is answered only once
    the scan is committed, and is never cached, so every scan reaches the server.
    This is the hottest path, so it is a plain Starlette route that takes the typed state itself: FastAPI's
    parameter and dependency solving cost about a tenth of its time (bench/scan.py), and the route is not in
    the API's schema anyway.
    A student's scan stamps their passport (api/public/stamping.py) and gets the page with a note, kept apart from
    the page cache of everyone else and never stored by a browser.
    """
    code = request.path_params["code"]
    # Named in the scope for the request log and metrics, which FastAPI does for its own routes only.
    request.scope["route"] = SCAN_ROUTES[request.scope["path"][1] == "Q"]
    state = app_state(request.app)
    registry = state.catalog.registry
    try:
        site = registry.resolve(code)
    except SiteNotFound:
        return unavailable(request, registry.resolve(code, include_drafts=True))
    # A student's passport; for anyone else, one lookup in the cookies (parsed for the language anyway).
    note = await stamp_scan(request, state, site) if PASSPORT_COOKIE in request.cookies else None
    if note:
        response = stamped_site_page(request, state, site, registry, visitor_language(request), note)
    else:
        response = cached_site_page(request, state, site, registry, visitor_language(request),
                                    {"Cache-Control": "no-store"})
    await count_visit(request, state, site, VisitKind.SCAN, response)
    return response


# Upper-case QR payloads (DIACHIDO_QR_UPPERCASE) arrive as /Q/CODE.
SCAN_ROUTES = [Route(path, scan, methods=["GET", "HEAD"], include_in_schema=False)
               for path in ("/q/{code}", "/Q/{code}")]
router.routes += SCAN_ROUTES


def unavailable(request: Request, site: Site) -> HTMLResponse:
    """The plaque of a site taken back to a draft: "temporarily unavailable", never a 404, so the printed
    code keeps working. A 503 with Retry-After says "come back" to crawlers and link checkers (a visitor's
    browser shows the page all the same); the site's name and text stay private, and the scan is not
    counted (the statistics count published sites only)."""
    lang = visitor_language(request)
    response = render(request, "unavailable.html", lang, {}, 503)
    response.headers.update({"Retry-After": str(UNAVAILABLE_RETRY_SECONDS), "Cache-Control": "no-store"})
    return response
