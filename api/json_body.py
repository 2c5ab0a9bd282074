"""JSON request bodies, read and parsed in one place: the route class of every router whose routes take one.

The body is read up to `MAX_JSON_BYTES` (more is a 413 before the rest arrives), must be sent as
application/json (else 400), and is parsed once here: a body that is not JSON, or is nested too deeply for
the parser (`'[' * 2000 + ']' * 2000` raised RecursionError, a 500 logged twice: issue 21), is a 400 naming
the body. FastAPI then takes the parsed value as it is and checks its shape (a 422 naming the field).
"""

import json

from fastapi import Request, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

MAX_JSON_BYTES = 32 * 1024  # a hundred late scans with room to spare; parsing it takes well under a millisecond


class JsonBody(APIRoute):
    """A route whose JSON body is bounded and parsed before FastAPI sees it (module docstring)."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def parsed(request: Request) -> Response:
            body = await _bounded_body(request)
            if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
                raise HTTPException(400, "Content-Type: send the body as application/json")
            try:
                value = json.loads(body)
            except ValueError as exc:
                raise HTTPException(400, f"body: not JSON ({exc})") from None
            except RecursionError:
                raise HTTPException(400, "body: not JSON this service reads (nested too deeply)") from None
            request._body, request._json = body, value  # what Request.body() and .json() return once read
            return await handler(request)

        return parsed


async def _bounded_body(request: Request) -> bytes:
    """The request's body, or a 413 as soon as it is known to be over MAX_JSON_BYTES."""
    too_large = HTTPException(413, f"body: more than {MAX_JSON_BYTES} bytes; send less at a time")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_JSON_BYTES:
        raise too_large
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_JSON_BYTES:
            raise too_large
    return bytes(body)
