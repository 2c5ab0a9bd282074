"""A class outing for students (issue 14): `/class` (type a class code), `/class/{CODE}` (the outing and the
nickname form), joining, and `/class/{CODE}/recover` (continue on another phone with the recovery code).
Pages work without JavaScript; nothing about a student is kept beyond the nickname (sites/outings/outing.py)."""

import asyncio
import time
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import LanguageDep
from api.public.passport_cookie import (
    REFUSAL_STATUS,
    class_form_token,
    class_form_token_ok,
    client_address,
    current_passport,
    give_passport,
)
from api.state import AppState, StateDep
from api.templating import render
from api.uploads import SMALL_FORM_BYTES, read_form
from sites.catalog.i18n import strings
from sites.catalog.journeys import JourneyNotFound
from sites.outings.outing import MAX_NICKNAME, Outing, OutingRefused, Refusal, normalize_code
from sites.outings.outing_period import period_label
from sites.outings.pass_mark import pass_mark_text

router = APIRouter(include_in_schema=False)
MAX_FORM_FIELDS = 5


@router.get("/class", response_class=HTMLResponse)
def class_code_form(request: Request, lang: LanguageDep, code: str = "") -> Response:
    """The form where a student types a class code; sent, it leads to /class/{CODE}."""
    if normalize_code(code):
        return RedirectResponse(f"/class/{normalize_code(code)}", status_code=303)
    return render(request, "outing_join.html", lang, {"outing": None, "mode": "code"})


@router.get("/class/{code}", response_class=HTMLResponse)
async def outing_page(request: Request, state: StateDep, lang: LanguageDep, code: str) -> Response:
    """The outing (journey, period) and the nickname form; the passport's link for a student who joined."""
    outing = await _outing(request, state, lang, code, "join")
    if not isinstance(outing, Outing):
        return outing
    if outing.code != code:  # /class/abc12 -> /class/ABC12: one address per outing
        return RedirectResponse(f"/class/{outing.code}", status_code=308)
    passport = await current_passport(request, state)
    joined = passport is not None and passport.outing == outing.code
    if not joined and not outing.active(datetime.now(UTC)):
        return _refused(request, state, lang, outing, "join", Refusal.NOT_ACTIVE)
    return _page(request, state, lang, outing, "join", joined=joined)


@router.post("/class/{code}/join", response_class=HTMLResponse)
async def join(request: Request, state: StateDep, lang: LanguageDep, code: str) -> Response:
    """Make a passport for the nickname sent, keep its token in the browser, and show the recovery code."""
    form = await read_form(request, SMALL_FORM_BYTES, MAX_FORM_FIELDS)
    outing = await _outing(request, state, lang, code, "join")
    if not isinstance(outing, Outing):
        return outing
    nickname = str(form.get("nickname", ""))
    if not class_form_token_ok(state.staff_auth.secret, "join", outing.code, str(form.get("token", "")), time.time()):
        return _page(request, state, lang, outing, "join", strings(lang)["outing_form_expired"], 400, nickname)
    if not state.outing_guard.joins.allow(client_address(request), outing.code, time.time()):
        return _too_many(request, state, lang, outing, "join", nickname)
    try:
        joined = await asyncio.to_thread(state.outings.join, outing.code, nickname, datetime.now(UTC))
    except OutingRefused as refused:
        return _refused(request, state, lang, outing, "join", refused.reason, nickname)
    response = RedirectResponse("/passport?joined=1", status_code=303)
    give_passport(response, joined.token, state.settings)
    return response


@router.get("/class/{code}/recover", response_class=HTMLResponse)
async def recover_form(request: Request, state: StateDep, lang: LanguageDep, code: str) -> Response:
    """The form for the recovery code, to continue a passport on another phone or browser."""
    outing = await _outing(request, state, lang, code, "recover")
    if not isinstance(outing, Outing):
        return outing
    return _page(request, state, lang, outing, "recover")


@router.post("/class/{code}/recover", response_class=HTMLResponse)
async def recover(request: Request, state: StateDep, lang: LanguageDep, code: str) -> Response:
    """Give this browser the passport of the recovery code sent (the other browser keeps it too)."""
    form = await read_form(request, SMALL_FORM_BYTES, MAX_FORM_FIELDS)
    outing = await _outing(request, state, lang, code, "recover")
    if not isinstance(outing, Outing):
        return outing
    if not class_form_token_ok(state.staff_auth.secret, "recover", outing.code, str(form.get("token", "")),
                               time.time()):
        return _page(request, state, lang, outing, "recover", strings(lang)["outing_form_expired"], 400)
    if not state.outing_guard.recoveries.allow(client_address(request), outing.code, time.time()):
        return _too_many(request, state, lang, outing, "recover")
    try:
        recovered = await asyncio.to_thread(state.outings.recover, outing.code, str(form.get("recovery", "")),
                                            datetime.now(UTC))
    except OutingRefused as refused:
        return _refused(request, state, lang, outing, "recover", refused.reason)
    response = RedirectResponse("/passport", status_code=303)
    give_passport(response, recovered.token, state.settings)
    return response


async def _outing(request: Request, state: AppState, lang: str, code: str, mode: str) -> Outing | Response:
    """The outing of class `code`, else the page refusing it: 404 for a code that does not exist, 429 (whatever
    the code) for an address that sent `UNKNOWN_CODES_PER_ADDRESS` of those within the hour, so codes cannot
    be enumerated and the answer tells nothing."""
    guard, address, now = state.outing_guard.unknown_codes, client_address(request), time.time()
    if guard.exhausted(address, now):
        response = render(request, "outing_join.html", lang, {"outing": None, "mode": "code",
                                                       "problem": strings(lang)["outing_too_many"]}, 429)
        response.headers["Retry-After"] = "3600"
        return response
    outing = await asyncio.to_thread(state.outings.get, code)
    if outing is None:
        guard.allow(address, "", now)
        return _refused(request, state, lang, None, mode, Refusal.UNKNOWN_CODE)
    return outing


def _refused(request: Request, state: AppState, lang: str, outing: Outing | None, mode: str, reason: Refusal,
             nickname: str = "") -> HTMLResponse:
    """The page again with the translated reason, and the status that goes with it."""
    message = strings(lang)[f"outing_refused_{reason}"]
    if outing is None:
        return render(request, "outing_join.html", lang, {"outing": None, "mode": "code", "problem": message},
                      REFUSAL_STATUS[reason])
    return _page(request, state, lang, outing, mode, message, REFUSAL_STATUS[reason], nickname)


def _too_many(request: Request, state: AppState, lang: str, outing: Outing, mode: str,
              nickname: str = "") -> HTMLResponse:
    response = _page(request, state, lang, outing, mode, strings(lang)["outing_too_many"], 429, nickname)
    response.headers["Retry-After"] = "3600"
    return response


def _page(request: Request, state: AppState, lang: str, outing: Outing, mode: str, problem: str | None = None,
          status_code: int = 200, nickname: str = "", joined: bool = False) -> HTMLResponse:
    """The outing's page in `mode` ("join" or "recover"), with a fresh form token."""
    try:
        journey = state.catalog.journeys.get(outing.journey, include_drafts=True)
        text = journey.localized(lang)
        journey_name, journey_lang, journey_url = text.name, text.content_lang, f"/journeys/{journey.slug}"
        pass_mark = pass_mark_text(outing, journey, lang)
    except JourneyNotFound:
        journey_name, journey_lang, journey_url, pass_mark = outing.journey, "", None, None
    response = render(request, "outing_join.html", lang, {
        "outing": outing, "mode": mode, "problem": problem, "nickname": nickname, "joined": joined,
        "journey_name": journey_name, "journey_lang": journey_lang, "journey_url": journey_url,
        "max_nickname": MAX_NICKNAME,
        "active": outing.active(datetime.now(UTC)),
        "period": period_label(outing, lang), "pass_mark": pass_mark,
        "window": (outing.window_start.strftime("%H:%M"), outing.window_end.strftime("%H:%M"))
        if outing.window_start and outing.window_end else None,
        "token": class_form_token(state.staff_auth.secret, mode, outing.code)}, status_code)
    response.headers["Cache-Control"] = "private, no-store"
    return response


