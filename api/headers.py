"""Headers every response gets: `X-Content-Type-Options: nosniff` and a Referrer-Policy, unless the
route set its own (JSON, images, PDFs and /static included, not only pages).

A pure ASGI middleware: Starlette's BaseHTTPMiddleware would cost every scan a task and a queue."""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_HEADERS = {
    "X-Content-Type-Options": "nosniff",  # a browser never runs an upload or a JSON answer as a script
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


class SecurityHeaders:
    """Adds DEFAULT_HEADERS to each HTTP response that lacks them."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in DEFAULT_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
