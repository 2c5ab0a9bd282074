"""A limit on request bodies, enforced while they arrive: a 50 MB upload is refused, not stored first. A route
that takes only a small form lowers the limit for its own request (`read_form`), so a form of a nickname or a
password is never a 20 MB body parsed on the event loop (issue 21)."""

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response
from sites.catalog.photos import MAX_UPLOAD_BYTES
from speech.audio import MAX_RECORDING_BYTES

# The largest single upload (a recording; a photo or spreadsheet is smaller), plus the form's text fields.
MAX_BODY_BYTES = max(MAX_UPLOAD_BYTES, MAX_RECORDING_BYTES) + 256 * 1024
TOO_LARGE = (f"Tệp quá lớn (ảnh tối đa {MAX_UPLOAD_BYTES // 1048576} MB, "
             f"ghi âm tối đa {MAX_RECORDING_BYTES // 1048576} MB)"
             " / the upload is too large")
SMALL_FORM_BYTES = 16 * 1024  # a form of a few short fields (a nickname, a password, an answer), with room to spare
FORM_TOO_LARGE = "Biểu mẫu quá lớn / the form is too large"
_ROUTE_LIMIT = "diachido.body_limit"  # a route's own, lower limit, in the request's scope before it reads the body


async def read_form(request: Request, limit: int, max_fields: int, max_files: int = 0) -> FormData:
    """The posted form, of at most `limit` bytes: 413 when the declared length or the streamed body passes it."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, FORM_TOO_LARGE)
    request.scope[_ROUTE_LIMIT] = limit
    return await request.form(max_files=max_files, max_fields=max_fields)


class BodySizeLimit:
    """Answer 413 to a request whose body exceeds `limit` bytes: at once when Content-Length says so,
    else as soon as the streamed body passes the limit (the form parser then stops reading)."""


    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES):
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if declared.isdigit() and int(declared) > self.limit:
            response = error_response(Request(scope), 413, TOO_LARGE)  # without reading a byte of the body
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            limit = scope.get(_ROUTE_LIMIT, self.limit)
            if received > limit:
                raise HTTPException(413, TOO_LARGE if limit == self.limit else FORM_TOO_LARGE)
            return message

        await self.app(scope, limited_receive, send)
