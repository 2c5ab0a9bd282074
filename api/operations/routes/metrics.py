"""`/metrics`: the Prometheus text format (sites/operations/metrics.py), for the operators' own machines only.

Who may read it: with `DIACHIDO_METRICS_TOKEN` set, whoever sends it as a bearer token; otherwise a client on this
machine (loopback) or one of `DIACHIDO_TRUSTED_PROXIES` asking for itself, never a request a proxy forwards on
someone's behalf. Anyone else gets the 404 of an unknown path: the route's existence is not shown.
"""

import asyncio
import hmac
import ipaddress

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from api.state import StateDep
from sites.settings import Settings

router = APIRouter(include_in_schema=False)
FORWARDING_HEADERS = (b"x-forwarded-for", b"forwarded", b"x-real-ip")


@router.api_route("/metrics", methods=["GET", "HEAD"])  # HEAD too: a 405 would tell the route exists
async def metrics(request: Request, state: StateDep) -> Response:
    """This process's metrics (every process's under `serve --workers N`), or a 404 for a stranger."""
    if not may_read_metrics(request, state.settings):
        raise HTTPException(404)
    body, content_type = await asyncio.to_thread(state.metrics.exposition)  # multiprocess mode reads files
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})


def may_read_metrics(request: Request, settings: Settings) -> bool:
    """The token when one is set; else the machine itself or a trusted proxy's own address, not forwarded."""
    if settings.metrics_token is not None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        expected = settings.metrics_token.get_secret_value().encode()
        return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), expected)
    if any(name in FORWARDING_HEADERS for name, _ in request.scope["headers"]):
        return False  # a proxy asking on behalf of a visitor, whatever address the visitor claims
    try:
        address = ipaddress.ip_address(request.client.host if request.client else "")
    except ValueError:
        return False
    address = getattr(address, "ipv4_mapped", None) or address  # ::ffff:127.0.0.1 from a dual-stack socket
    return address.is_loopback or any(address in ipaddress.ip_network(net) for net in settings.trusted_proxies)
