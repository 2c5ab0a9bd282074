"""The documented extra responses of the API's routes (for /openapi.json), in one place for every router."""

from fastapi import FastAPI
from fastapi.routing import APIRoute

from api.views.schemas import ErrorOut


def file_answer(media_type: str, description: str) -> dict:
    """A 200 whose body is a file of `media_type`, typed as binary so that a client generated from /openapi.json
    (openapi-python-client, issue 28) gets its bytes instead of leaving the route out."""
    schema = {"type": "string", "format": "binary", "contentMediaType": media_type}
    return {200: {"content": {media_type: {"schema": schema}}, "description": description}}


NOT_FOUND = {404: {"model": ErrorOut, "description": "No published site has this slug"}}
MOVED = {301: {"description": "The slug is an alias or differently cased: redirects to the canonical slug"}}
NOT_MODIFIED = {304: {"description": "Not modified: the ETag in If-None-Match is still current"}}
REFUSED = {409: {"description": "DIACHIDO_BASE_URL is a loopback address that phones cannot open (see the README)"}}
BUSY = {503: {"description": "Too many files are being made; try again after Retry-After seconds"}}
PDF = file_answer("application/pdf", "A print-ready PDF, one page per site")
STORE_DAMAGED = {503: {"model": ErrorOut, "description": "Visit counts are unavailable: the visit store is damaged "
                                                          "(the reason is in /healthz)"}}
TOO_LARGE = {413: {"model": ErrorOut, "description": "The body is over the size limit; nothing was read or stored"}}


def document_app_wide_answers(app: FastAPI) -> None:
    """Add to each documented route the statuses answered before it runs, by the app's own layers: 413 from
    BodySizeLimit (api/uploads.py) to every route that takes a body. A route's own description of a status (a
    smaller limit) is kept. Call once every router is included, before /openapi.json is first made."""
    for route in app.routes:
        if isinstance(route, APIRoute) and route.include_in_schema and route.body_field is not None:
            for status, answer in TOO_LARGE.items():
                route.responses.setdefault(status, answer)
