"""The visitor cookie: a random id a phone keeps, so that phones sharing an address and a User-Agent are
counted apart (issue 21, item 8).

Chrome on Android now sends one reduced User-Agent for every phone (`Android 10; K`), so 40 phones of a class
behind one school router had one address+agent id and counted as one. Scan pages give each browser a random
first-party cookie instead: 128 random bits, nothing about the person, HttpOnly, SameSite=Lax, kept a year.
The server never stores it: the visit store sees only its hash with the day's key (sites/visits.VisitorHasher),
as it sees the address+agent id of a browser that refuses cookies.
"""

import re
import secrets

from fastapi import Request
from fastapi.responses import Response

from sites.settings import Settings

VISITOR_COOKIE = "visitor"
COOKIE_SECONDS = 365 * 24 * 3600
_WELL_FORMED = re.compile(r"[A-Za-z0-9_-]{22}")  # what new_visitor_cookie makes; anything else is ignored


def visitor_cookie(request: Request) -> str | None:
    """The request's visitor cookie, if it is one this server could have given."""
    value = request.cookies.get(VISITOR_COOKIE)
    return value if value and _WELL_FORMED.fullmatch(value) else None


def new_visitor_cookie() -> str:
    """A fresh random visitor id (16 bytes, URL-safe base64: 22 characters)."""
    return secrets.token_urlsafe(16)


def give_visitor_cookie(response: Response, value: str, settings: Settings) -> None:
    """Let the browser keep `value` as its visitor cookie. Only on answers that are never cached (`no-store`):
    a cached page would hand one id to everyone. The header is written as Starlette's `set_cookie` writes it,
    without its SimpleCookie round (a twentieth of a counted scan's time, bench/scan.py): `value` needs no quoting."""
    secure = "; Secure" if settings.secure_cookies else ""
    response.raw_headers.append((b"set-cookie", f"{VISITOR_COOKIE}={value}; HttpOnly; Max-Age={COOKIE_SECONDS}; "
                                                f"Path=/; SameSite=lax{secure}".encode("latin-1")))
