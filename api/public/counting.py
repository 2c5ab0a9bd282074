"""Which requests count as a visit, and recording them in the app's visit store.

Countable: a GET from a person's browser. Not countable: HEAD, link prefetch and prerender (the visitor
may never see the page), requests without a User-Agent, known bots, crawlers and link previews (the
crawler-user-agents list, matched ignoring case), and HTTP tools and load generators (`TOOLS`).
A countable visit is then counted once per visitor and site in a window, within a ceiling per address
(`sites.visits.visit_gate`). Whatever is counted or not, the page is served.

A User-Agent is cut to `MAX_AGENT_CHARS` before anything looks at it: no browser sends more than a few
hundred characters, and the crawler patterns cost 0.5 ms at 100 characters but 101 ms at 60 KB (issue 21).
The cut also bounds the cache of verdicts in bytes: `AGENT_CACHE_SIZE` agents of at most that length.
"""

import functools
import logging
import re
from datetime import UTC, datetime

from crawleruseragents import CRAWLER_USER_AGENTS_DATA
from fastapi import Request
from fastapi.responses import Response

from api.public.visitor_cookie import give_visitor_cookie, new_visitor_cookie, visitor_cookie
from api.state import AppState
from sites.catalog.journeys import Journey
from sites.catalog.site import Site
from sites.visits.visit import Visit, VisitKind, VisitStoreUnavailable, vietnam_day

log = logging.getLogger(__name__)

# Chromium sends `Sec-Purpose: prefetch` (or `prefetch;prerender`), older browsers `Purpose: prefetch`,
# Firefox `X-Moz: prefetch`, Safari `X-Purpose: preview` for its previews.
_SPECULATIVE_HEADERS = {b"sec-purpose", b"purpose", b"x-purpose", b"x-moz"}
_SPECULATIVE_WORDS = (b"prefetch", b"prerender", b"preview")

MAX_AGENT_CHARS = 512  # real agents are 100-300 characters; a bot's name comes first
AGENT_CACHE_SIZE = 4096  # agents seen lately: at most about 2.3 MB with their verdicts

# HTTP libraries, command-line clients and load generators, by the product name that starts their
# User-Agent (lower case). Some are in crawler-user-agents too; this is the one list of ours.
TOOLS = (
    "k6", "curl", "wget", "httpie", "python-requests", "python-urllib", "python-httpx", "aiohttp", "go-http-client",
    "apache-httpclient", "apache-jmeter", "apachebench", "okhttp", "java", "dart", "node", "node-fetch", "undici",
    "axios", "postmanruntime", "insomnia", "libwww-perl", "scrapy", "wrk", "hey", "vegeta", "gatling", "locust",
    "artillery", "bombardier", "siege", "dalvik",
)
_TOOL = re.compile(rf"\s*(?:{'|'.join(map(re.escape, TOOLS))})(?:[/\s;(]|$)")


def _lower_pattern(pattern: str) -> str:
    """`pattern` matching lower-cased text: its letters lower-cased, its escapes (`\\S`, `\\W`) kept."""
    return re.sub(r"\\.|[^\\]+", lambda part: part[0] if part[0].startswith("\\") else part[0].lower(), pattern)


# crawler-user-agents' patterns are case-sensitive (`Googlebot\/`); its own case-insensitive mode lower-cases
# them whole, which turns `[\s\S]` into `[\s\s]`. Lower-casing the User-Agent and the pattern letters is ten
# times faster than re.IGNORECASE over 1,500 patterns. Chunks of 25, as the package does, keep each fast.
_PATTERNS = [_lower_pattern(crawler["pattern"]) for crawler in CRAWLER_USER_AGENTS_DATA]
_CRAWLERS = [re.compile("|".join(_PATTERNS[start:start + 25])) for start in range(0, len(_PATTERNS), 25)]


def countable_user_agent(request: Request) -> str | None:
    """The request's User-Agent when it is a person opening the page; None for HEAD, prefetches, bots, tools."""
    if request.method != "GET":
        return None
    user_agent = ""
    for name, value in request.scope["headers"]:  # one pass over the raw headers; ASGI names are lower-case
        if name == b"user-agent":
            user_agent = value[:MAX_AGENT_CHARS].decode("latin-1")
        elif name in _SPECULATIVE_HEADERS and any(word in value.lower() for word in _SPECULATIVE_WORDS):
            return None
    return None if _is_machine(user_agent) else user_agent


def automated_client(request: Request) -> bool:
    """Whether the request's User-Agent (whatever its method) is missing, a bot's or an HTTP tool's."""
    return _is_machine(request.headers.get("user-agent", "")[:MAX_AGENT_CHARS])


@functools.lru_cache(maxsize=AGENT_CACHE_SIZE)
def _is_machine(user_agent: str) -> bool:
    """Whether `user_agent`, already cut to MAX_AGENT_CHARS, is missing, a bot's or a tool's."""
    # About 100 µs for a User-Agent not seen before; real traffic repeats a few hundred, hence the cache.
    lowered = user_agent.lower()
    return not lowered.strip() or bool(_TOOL.match(lowered)) or any(chunk.search(lowered) for chunk in _CRAWLERS)


_is_machine("warm-up")  # compiles the patterns (about 50 ms) now, not during a visitor's scan


async def count_visit(request: Request, state: AppState, site: Site | Journey, kind: VisitKind,
                      response: Response | None = None) -> None:
    """Record a visit of `site` (or of a journey, under its slug) if the request counts; returns once the
    visit is committed.

    The visitor is its visitor cookie (api/public/visitor_cookie.py) and User-Agent if it sent one, else its
    address and User-Agent. Given the `response` (a scan's, never cached), a countable browser without the cookie
    gets one, and a counted visit is remembered under it too, so its next request within the window is no new
    visit. A cookieless scan is counted by address and agent, not as the new cookie: a scan that a proxy asks
    again of another server (the first one died) is then one visit, as an identical request must be.

    A failing or damaged store is logged (by the store, once) and reported by /healthz, not shown to the
    visitor: the person at the plaque still gets the page.
    """
    user_agent = countable_user_agent(request)
    if user_agent is None or state.visits.problem:
        return
    now = datetime.now(UTC)
    day = vietnam_day(now)
    address = request.client.host if request.client else ""
    hasher = state.visitor_hasher
    cookie, alias = visitor_cookie(request), b""
    if cookie:
        visitor = hasher.cookie(cookie, user_agent, day)
    else:
        visitor = hasher(address, user_agent, day)
        if response is not None:
            given = new_visitor_cookie()
            give_visitor_cookie(response, given, state.settings)
            alias = hasher.cookie(given, user_agent, day)
    try:  # the store decides whether it counts (sites.visits.visit_gate), and reports its own failures
        if await state.visits.record(Visit(site.slug, kind, visitor, now, hasher.address(address, day), alias)):
            state.metrics.counted(kind.value)
    except VisitStoreUnavailable:
        pass  # the store logged and reports the damage
    except Exception:
        log.exception("could not record a %s of %s; the page is served anyway", kind.value, site.slug)
