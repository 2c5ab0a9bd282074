"""Every request measured and logged once: its route template, status and time go to the metrics
(sites/operations/metrics.py) and to the request log (sites/operations/request_log.py).

A pure ASGI middleware, as api/headers.py: it runs for every scan, so it does a clock read, a dictionary lookup
and two increments, nothing more (bench/scan.py --against measures it).
"""

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sites.operations.metrics import UNMATCHED, Metrics
from sites.operations.request_log import log_request


class RequestMetrics:
    """Counts, times and logs each HTTP request into `metrics`."""

    def __init__(self, app: ASGIApp, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, retry_after = 500, None  # an exception that escapes every handler is answered 500 by the server

        async def send_and_note(message: Message) -> None:
            nonlocal status, retry_after
            if message["type"] == "http.response.start":
                status = message["status"]
                if status == 503:
                    retry_after = _retry_after(message)
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", UNMATCHED)  # set by the router that matched
            self.metrics.observe_request(route, scope["method"], status, seconds, retry_after)
            log_request(scope["method"], scope.get("raw_path") or scope["path"].encode(), route, status, seconds)


def _retry_after(message: Message) -> int | None:
    for name, value in message.get("headers", ()):
        if name.lower() == b"retry-after":
            return int(value) if value.isdigit() else None
    return None
