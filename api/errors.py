"""Every error goes through here: an HTML page in the visitor's language, or one JSON shape `{"detail": ...}`."""

import logging
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from api.deps import LoginRequired, SiteMoved, visitor_language
from api.templating import render
from sites.catalog.registry import SiteNotFound
from sites.visits.visit import VisitStoreUnavailable

log = logging.getLogger(__name__)

JSON_PREFIXES = ("/api/", "/healthz", "/openapi.json", "/qr/", "/posters")
FILE_SUFFIXES = (".pdf", ".csv", ".xlsx", ".ics")  # downloads: a leaflet, the monthly report, a calendar feed
MAX_ECHOED_CHARS = 80  # of a key asked for, in an error message: a 65 KB slug is not sent back


def invalid_parameter(name: str, message: str) -> RequestValidationError:
    """A 422 for query parameter `name`, in the same documented shape as FastAPI's own validation errors."""
    return RequestValidationError([{"type": "value_error", "loc": ("query", name), "msg": message, "input": None}])


def shorten(text: str, limit: int = MAX_ECHOED_CHARS) -> str:
    """`text`, cut to `limit` characters with an ellipsis, for echoing what a request asked for."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def wants_json(request: Request) -> bool:
    """JSON for the API paths and downloaded files (leaflets, reports); HTML pages elsewhere."""
    path = request.url.path
    return path.startswith(JSON_PREFIXES) or path.endswith(FILE_SUFFIXES)


def error_response(request: Request, status_code: int, detail: str, headers: dict | None = None) -> Response:
    """The error in the shape the caller expects: JSON for the API and the QR and poster files, else a page."""
    if wants_json(request):
        return JSONResponse({"detail": detail}, status_code=status_code, headers=headers)
    lang = visitor_language(request)
    template = "404.html" if status_code == 404 else "error.html"
    response = render(request, template, lang, {"status_code": status_code, "detail": detail}, status_code)
    if headers:
        response.headers.update(headers)
    return response


async def _http_error(request: Request, exc: HTTPException) -> Response:
    return error_response(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))


async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
    if wants_json(request):
        return await request_validation_exception_handler(request, exc)  # FastAPI's documented 422 shape
    problems = "; ".join(f"{e['loc'][-1]}: {e['msg']}" for e in exc.errors())
    return error_response(request, 422, problems)


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
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(SiteNotFound, _site_not_found)
    app.add_exception_handler(SiteMoved, _site_moved)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(VisitStoreUnavailable, _store_unavailable)
    app.add_exception_handler(Exception, _unexpected_error)
