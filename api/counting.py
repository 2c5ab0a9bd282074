"""Which requests count as a visit, and recording them in the app's visit store.

Counted: a GET from a browser. Not counted: HEAD, link prefetch and prerender (the visitor may never see
the page), link previews, and known bots and crawlers by their User-Agent (the crawler-user-agents list).
A request without a User-Agent is a script, not a phone, and is not counted either.
"""

import functools
import logging
from datetime import UTC, datetime

from crawleruseragents import is_crawler
from fastapi import Request

from sites.site import Site
from sites.visits import Visit, VisitKind, vietnam_day

log = logging.getLogger(__name__)

# Chromium sends `Sec-Purpose: prefetch` (or `prefetch;prerender`), older browsers `Purpose: prefetch`,
# Firefox `X-Moz: prefetch`, Safari `X-Purpose: preview` for its previews.
_SPECULATIVE_HEADERS = {b"sec-purpose", b"purpose", b"x-purpose", b"x-moz"}
_SPECULATIVE_WORDS = (b"prefetch", b"prerender", b"preview")


def is_countable(request: Request) -> bool:
    """True when `request` is a person opening the page, not a HEAD, a prefetch or a bot."""
    if request.method != "GET":
        return False
    user_agent = ""
    for name, value in request.scope["headers"]:  # one pass over the raw headers; ASGI names are lower-case
        if name == b"user-agent":
            user_agent = value.decode("latin-1")
        elif name in _SPECULATIVE_HEADERS and any(word in value.lower() for word in _SPECULATIVE_WORDS):
            return False
    return not _is_bot(user_agent)


is_crawler("warm-up")  # compiles its ~1,500 patterns (about 50 ms) now, not during a visitor's scan


@functools.lru_cache(maxsize=4096)
def _is_bot(user_agent: str) -> bool:
    # The list is about 1,500 patterns; real traffic repeats a few hundred User-Agents, hence the cache.
    return not user_agent.strip() or is_crawler(user_agent)


async def count_visit(request: Request, site: Site, kind: VisitKind) -> None:
    """Record a visit of `site` if the request counts; returns once the visit is committed.

    A failing store is logged, not shown: the visitor at the plaque still gets the page.
    """
    if not is_countable(request):
        return
    app_state = request.app.state
    now = datetime.now(UTC)
    address = request.client.host if request.client else ""
    user_agent = request.headers.get("user-agent", "")
    visit = Visit(site.slug, kind, app_state.visitor_hasher(address, user_agent, vietnam_day(now)), now)
    try:
        await app_state.visits.record(visit)
    except Exception:
        log.exception("could not record a %s of %s; the page is served anyway", kind.value, site.slug)
