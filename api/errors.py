"""Every error goes through here: an HTML page in the visitor's language, or one JSON shape `{"detail": ...}`.

A file route (QR code, poster, leaflet, report) answers a program in JSON, but a browser that opened it
(`Accept: text/html`) gets a page saying, in its language, what to change, with a link back (issue 28).
"""

import logging
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from api.deps import BaseUrlUnreachable, LoginRequired, SiteMoved, visitor_language
from api.templating import render
from sites.catalog.i18n import strings
from sites.catalog.registry import SiteNotFound
from sites.visits.visit import VisitStoreUnavailable, vietnam_day

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/api/", "/healthz", "/openapi.json")
FILE_PREFIXES = ("/qr/", "/posters", "/plaques/")
FILE_SUFFIXES = (".pdf", ".csv", ".xlsx", ".png", ".ics")  # downloads: a leaflet, the monthly report, a share card,
# a calendar feed
# The page a refused file was linked from, when the browser sent no Referer: (path prefix, page's prefix).
PARENT_PAGES = (("/stats/", "/stats"), ("/posters/", "/sites/"), ("/plaques/", "/sites/"), ("/qr/j/", "/journeys/"),
                ("/qr/", "/sites/"), ("/journeys/", "/journeys/"))
# What to change for a query parameter, beyond the problem's own words: msgid by parameter name.
PARAMETER_HINTS = {"month": "error_fix_month"}
MAX_ECHOED_CHARS = 80  # of a key asked for, in an error message: a 65 KB slug is not sent back


def invalid_parameter(name: str, message: str) -> RequestValidationError:
    """A 422 for query parameter `name`, in the same documented shape as FastAPI's own validation errors."""
    return RequestValidationError([{"type": "value_error", "loc": ("query", name), "msg": message, "input": None}])


def shorten(text: str, limit: int = MAX_ECHOED_CHARS) -> str:
    """`text`, cut to `limit` characters with an ellipsis, for echoing what a request asked for."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def wants_json(request: Request) -> bool:
    """JSON for the API paths, and for downloaded files (QR codes, posters, leaflets, reports) unless a browser
    opened them (it asks for text/html first); HTML pages elsewhere."""
    path = request.url.path
    if path.startswith(JSON_PREFIXES):
        return True
    is_file = path.startswith(FILE_PREFIXES) or path.endswith(FILE_SUFFIXES)
    return is_file and "text/html" not in request.headers.get("accept", "")


def back_link(request: Request) -> str:
    """Where the visitor came from (a page of this site), else the page that links the file asked for, else /."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path.startswith("/"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    path, lang = request.url.path, request.query_params.get("lang")
    query = f"?{urlencode({'lang': lang})}" if lang else ""
    for prefix, page in PARENT_PAGES:
        if path.startswith(prefix):
            key = path.removeprefix(prefix).split(".")[0]  # the slug of /posters/SLUG.pdf
            return (page + key if page.endswith("/") else page) + query
    return "/" + query


def error_response(request: Request, status_code: int, detail: str, headers: dict | None = None,
                   fix: list[str] | None = None) -> Response:
    """The error in the shape the caller expects: JSON for the API and for programs fetching files, else a page
    in the visitor's language; `fix` says there what to change."""
    if wants_json(request):
        return JSONResponse({"detail": detail}, status_code=status_code, headers=headers)
    lang = visitor_language(request)
    template = "404.html" if status_code == 404 else "error.html"
    response = render(request, template, lang, {"status_code": status_code, "detail": detail, "fix": fix or [],
                                                 "back": back_link(request)}, status_code)
    if headers:
        response.headers.update(headers)
    return response


async def _http_error(request: Request, exc: HTTPException) -> Response:
    return error_response(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))


async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
    if wants_json(request):
        return await request_validation_exception_handler(request, exc)  # FastAPI's documented 422 shape
    problems = "; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in exc.errors())
    texts = strings(visitor_language(request))
    this_month = f"{vietnam_day(datetime.now(UTC)):%Y-%m}"
    fix = []
    for error in exc.errors():
        if error["loc"][0] != "query":  # a form's fields are named on the form itself
            continue
        name = str(error["loc"][-1])
        fix.append(texts["error_fix_parameter"].format(name=name, value=shorten(request.query_params.get(name, ""))))
        if name in PARAMETER_HINTS:
            fix.append(texts[PARAMETER_HINTS[name]].format(example=this_month))
    return error_response(request, 422, problems, fix=fix)


async def _base_url_unreachable(request: Request, exc: BaseUrlUnreachable) -> Response:
    fix = [strings(visitor_language(request))["error_fix_base_url"].format(base_url=exc.base_url)]
    return error_response(request, 409, str(exc.detail), fix=fix)


async def _site_not_found(request: Request, exc: SiteNotFound) -> Response:
    return error_response(request, 404, f"No site '{shorten(exc.key)}'")


async def _site_moved(request: Request, exc: SiteMoved) -> Response:
    segments = request.url.path.split("/")
    # Keys are ASCII, so the path holds them unencoded; in /qr/KEY.png the key is followed by a suffix.
    index = next(i for i, segment in enumerate(segments) if segment == exc.key or segment.startswith(exc.key + "."))
    segments[index] = exc.site.slug + segments[index][len(exc.key):]
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse("/".join(segments) + query, status_code=301)


async def _login_required(request: Request, exc: LoginRequired) -> Response:
    return RedirectResponse(f"/admin/login?{urlencode({'next': exc.path})}", status_code=303)


async def _store_unavailable(request: Request, exc: VisitStoreUnavailable) -> Response:
    """503 for anything that reads counts from a damaged store: the reason is in /healthz and the log."""
    return error_response(request, 503, "Số liệu lượt truy cập tạm thời không có vì dữ liệu bị hỏng; cán bộ cần "
                          f"khôi phục. / Visit counts are unavailable: the visit store is damaged ({exc}); staff "
                          "must restore it.", {"Retry-After": "3600"})


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return error_response(request, 500, "Internal server error")


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(BaseUrlUnreachable, _base_url_unreachable)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(SiteNotFound, _site_not_found)
    app.add_exception_handler(SiteMoved, _site_moved)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(VisitStoreUnavailable, _store_unavailable)
    app.add_exception_handler(Exception, _unexpected_error)
