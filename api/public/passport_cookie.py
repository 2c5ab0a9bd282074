"""A student's passport across the pages of a class outing (issue 14): the cookie that holds it, the signed
tokens of its forms, the limits on joining, and the HTTP status of each refusal.

The cookie holds the passport's secret token (HttpOnly, SameSite=Lax: another site cannot read it, nor post a
form with it); the store keeps only the token's hash. Forms carry a token signed with the app's secret:
the join and recover forms a token naming the class and when the form was served, the quiz forms one bound
to the passport cookie (as the staff forms are bound to the session).
"""

import asyncio
import hashlib
import hmac
import time
from datetime import datetime

from fastapi import Request
from fastapi.responses import Response

from api.state import AppState
from sites.catalog.i18n import format_moment
from sites.catalog.journeys import Journey, JourneyNotFound
from sites.form_guard import TOKEN_LIFETIME
from sites.outings.outing import Outing, Passport, Progress, Refusal
from sites.settings import Settings
from sites.visits.visit import VIETNAM_TIME

PASSPORT_COOKIE = "passport"
COOKIE_SECONDS = 365 * 24 * 3600  # the store deletes the passport long before (DIACHIDO_OUTING_RETENTION_DAYS)
# What each refusal answers: the page with the translated `outing_refused_<reason>` message.
REFUSAL_STATUS = {
    Refusal.UNKNOWN_CODE: 404, Refusal.NOT_ACTIVE: 403, Refusal.NICKNAME_EMPTY: 422, Refusal.NICKNAME_TOO_LONG: 422,
    Refusal.NICKNAME_TAKEN: 409, Refusal.NICKNAME_LOOKALIKE: 409,
    Refusal.NO_PASSPORT: 403, Refusal.WRONG_RECOVERY: 422, Refusal.NOT_A_STOP: 404,
    Refusal.NOT_STAMPED: 403, Refusal.NO_QUESTION: 422, Refusal.ANSWERED: 409, Refusal.OUTSIDE_WINDOW: 403,
    Refusal.LOCATION_UNKNOWN: 403, Refusal.TOO_FAR: 403,
}


def holds_passport(request: Request) -> bool:
    """Whether the browser holds a passport cookie (unchecked: enough to offer the link to /passport, which checks)."""
    return PASSPORT_COOKIE in request.cookies


async def current_passport(request: Request, state: AppState) -> Passport | None:
    """The passport whose token the request's cookie holds, if any (a store read in a thread)."""
    token = request.cookies.get(PASSPORT_COOKIE)
    return await asyncio.to_thread(state.outings.passport, token) if token else None


async def passport_progress(request: Request, state: AppState
                            ) -> tuple[Passport, Outing, Journey, Progress] | Refusal:
    """The request's passport, its outing, the outing's journey and the passport's progress; NO_PASSPORT when
    any is missing (no cookie, an outing deleted, a journey removed from content)."""
    passport = await current_passport(request, state)
    if passport is None:
        return Refusal.NO_PASSPORT
    outing, progress = await asyncio.to_thread(
        lambda: (state.outings.get(passport.outing), state.outings.progress(passport.id)))
    try:
        journey = state.catalog.journeys.get(outing.journey, include_drafts=True) if outing else None
    except JourneyNotFound:
        journey = None
    if outing is None or journey is None or progress is None:
        return Refusal.NO_PASSPORT
    return passport, outing, journey, progress


def give_passport(response: Response, token: str, settings: Settings) -> None:
    """Let the browser keep the passport `token`."""
    response.set_cookie(PASSPORT_COOKIE, token, max_age=COOKIE_SECONDS, path="/", httponly=True, samesite="lax",
                        secure=settings.secure_cookies)


def class_form_token(secret: str, purpose: str, code: str, issued: int | None = None) -> str:
    """The token of a `purpose` form ("join", "recover") of class `code`, served at `issued` (now)."""
    issued = int(time.time()) if issued is None else issued
    return f"{issued}.{_sign(secret, purpose, code, str(issued))}"


def class_form_token_ok(secret: str, purpose: str, code: str, token: str, now: float) -> bool:
    """Whether `token` is a `class_form_token` of this form and class, at most TOKEN_LIFETIME seconds old."""
    issued, _, signature = token.partition(".")
    if not issued.isdigit() or not hmac.compare_digest(signature, _sign(secret, purpose, code, issued)):
        return False
    return 0 <= now - int(issued) <= TOKEN_LIFETIME


def answer_form_token(secret: str, request: Request) -> str:
    """The token of the quiz forms of the passport in the request's cookie."""
    return _sign(secret, "answer", request.cookies.get(PASSPORT_COOKIE, ""))


def answer_form_token_ok(secret: str, request: Request, token: str) -> bool:
    return hmac.compare_digest(token, answer_form_token(secret, request))


def _sign(secret: str, *parts: str) -> str:
    return hmac.new(secret.encode(), "\0".join(("outing", *parts)).encode(), hashlib.sha256).hexdigest()


def client_address(request: Request) -> str:
    """For the rate limits only (kept as a keyed hash in memory, never stored)."""
    return request.client.host if request.client else ""


def vietnam_moment(moment: datetime, lang: str) -> str:
    """`moment` as a date and time in Vietnam, written as people of `lang` write them."""
    return format_moment(moment.astimezone(VIETNAM_TIME), lang)
