"""A student's passport (issue 14): `/passport` (stamps, answers, score, the outing's pass mark; the certificate's
link once every stop is stamped, every question answered and the pass mark reached, issue 28),
`/passport/quiz/{slug}` (a stop's questions, one answer each) and `/passport/stamp/{slug}` (a stamp that waited
for the browser's location, api/public/stamping.py). Plain HTML forms, no JavaScript; the passport is the
browser's cookie (api/public/passport_cookie.py)."""

import asyncio
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.deps import LanguageDep
from api.public.passport_cookie import (
    REFUSAL_STATUS,
    answer_form_token,
    answer_form_token_ok,
    passport_progress,
    vietnam_moment,
)
from api.public.stamping import stamp_located
from api.state import AppState, StateDep
from api.templating import render
from api.uploads import SMALL_FORM_BYTES, read_form
from sites.catalog.i18n import strings
from sites.catalog.journeys import Journey
from sites.catalog.quiz import QuestionNotFound
from sites.catalog.registry import SiteNotFound
from sites.catalog.site import Site
from sites.outings.outing import Outing, OutingRefused, Passport, Progress, Refusal, journey_questions
from sites.outings.pass_mark import needed, pass_mark_text, passed

router = APIRouter(include_in_schema=False)
MAX_FORM_FIELDS = 5
CERTIFICATE_PATH = "/passport/certificate.pdf"  # served by the certificate's route


@router.get("/passport", response_class=HTMLResponse)
async def passport_page(request: Request, state: StateDep, lang: LanguageDep) -> Response:
    """The passport: each stop with its stamp and quiz, the score, and the recovery code to write down."""
    found = await _passport(request, state)
    if isinstance(found, Refusal):
        return _no_passport(request, lang)
    passport, outing, journey, progress = found
    questions = journey_questions(journey)
    total = sum(map(len, questions.values()))
    stops = []
    for stop in journey.stops:
        stamp = progress.stamp(stop.site.slug)
        answers = progress.answers_of(stop.site.slug)
        stops.append({"number": stop.number, "slug": stop.site.slug, "name": stop.site.localized(lang).name,
                      "lang": stop.site.localized(lang).content_lang,
                      "stamped": vietnam_moment(stamp.at, lang) if stamp else None,
                      "questions": len(questions[stop.site.slug]), "answered": len(answers),
                      "right": sum(answer.correct for answer in answers.values())})
    return _render(request, "passport.html", lang, {
        "passport": passport, "outing": outing, "journey_name": journey.localized(lang).name,
        "journey_lang": journey.localized(lang).content_lang, "stops": stops,
        "score": progress.score, "questions": total, "stamped": len(progress.stamps),
        "complete": progress.complete(questions), "passed": passed(outing.pass_percent, progress.score, total),
        "needed": needed(outing.pass_percent, total), "pass_mark": pass_mark_text(outing, journey, lang),
        "certificate": CERTIFICATE_PATH, "joined": request.query_params.get("joined") == "1",
        "active": outing.active(datetime.now(UTC))})


@router.get("/passport/quiz/{slug}", response_class=HTMLResponse)
async def quiz_page(request: Request, state: StateDep, lang: LanguageDep, slug: str) -> Response:
    """The questions of stop `slug`: a form for each one not answered yet, the result and explanation of the others."""
    found = await _passport(request, state)
    if isinstance(found, Refusal):
        return _no_passport(request, lang)
    return _quiz(request, state, lang, slug, *found)


@router.post("/passport/quiz/{slug}", response_class=HTMLResponse)
async def answer(request: Request, state: StateDep, lang: LanguageDep, slug: str) -> Response:
    """Record one answer, then show the quiz again with its result (303); a refused one says why."""
    form = await read_form(request, SMALL_FORM_BYTES, MAX_FORM_FIELDS)
    found = await _passport(request, state)
    if isinstance(found, Refusal):
        return _no_passport(request, lang)
    if not answer_form_token_ok(state.staff_auth.secret, request, str(form.get("token", ""))):
        return _problem_page(request, lang, strings(lang)["outing_form_expired"], 400)  # not this passport's form
    passport, outing, journey, progress = found
    site = _stop(journey, slug)
    now = datetime.now(UTC)
    try:
        if site is None:
            raise OutingRefused(Refusal.NOT_A_STOP)
        if not outing.active(now):
            raise OutingRefused(Refusal.NOT_ACTIVE)
        try:  # ids and right answers are the same in every language
            question = site.quiz_in(lang).question(str(form.get("question", "")))
        except QuestionNotFound:
            raise OutingRefused(Refusal.NO_QUESTION) from None
        choice = str(form.get("choice", ""))
        if not choice.isdigit() or not question.has_choice(int(choice)):
            raise OutingRefused(Refusal.NO_QUESTION)
        await asyncio.to_thread(state.outings.answer, passport.id, site.slug, question.id, int(choice),
                                question.is_right(int(choice)), now)
    except OutingRefused as refused:
        return _quiz(request, state, lang, slug, passport, outing, journey, progress, refused.reason)
    return RedirectResponse(f"/passport/quiz/{site.slug}?answered={question.id}#q-{question.id}", status_code=303)


@router.post("/passport/stamp/{slug}", response_class=HTMLResponse)
async def stamp_here(request: Request, state: StateDep, lang: LanguageDep, slug: str) -> Response:
    """The stamp of a scan that waited for the browser's location (the teacher's distance check), then the quiz."""
    form = await read_form(request, SMALL_FORM_BYTES, MAX_FORM_FIELDS)
    try:
        site = state.catalog.registry.get(slug)
    except SiteNotFound:
        return _refused_page(request, lang, Refusal.NOT_A_STOP)
    note = await stamp_located(request, state, site, str(form.get("ticket", "")), str(form.get("lat", "")),
                               str(form.get("lon", "")))
    if note is None or note.refused or note.ticket:
        return _refused_page(request, lang, note.refused if note and note.refused else Refusal.NOT_A_STOP,
                             site.localized(lang).name)
    return RedirectResponse(f"/passport/quiz/{site.slug}", status_code=303)


def _quiz(request: Request, state: AppState, lang: str, slug: str, passport: Passport, outing: Outing,
          journey: Journey, progress: Progress, refused: Refusal | None = None) -> HTMLResponse:
    """The quiz page of stop `slug` for `progress`, with the reason of a refused answer if any."""
    site = _stop(journey, slug)
    if site is None:
        return _refused_page(request, lang, Refusal.NOT_A_STOP)
    stamp = progress.stamp(site.slug)
    if stamp is None:
        return _refused_page(request, lang, Refusal.NOT_STAMPED, site.localized(lang).name)
    answers = progress.answers_of(site.slug)
    quiz = site.quiz_in(lang)
    return _render(request, "passport_quiz.html", lang, {
        "site": site, "site_name": site.localized(lang).name, "quiz": quiz, "answers": answers,
        "problem": strings(lang)[f"outing_refused_{refused}"] if refused else None,
        "answered": request.query_params.get("answered"), "active": outing.active(datetime.now(UTC)),
        "token": answer_form_token(state.staff_auth.secret, request)},
        REFUSAL_STATUS[refused] if refused else 200)


async def _passport(request: Request, state: AppState) -> tuple[Passport, Outing, Journey, Progress] | Refusal:
    """The request's passport with its outing, journey and progress (see api/public/passport_cookie.py), or
    NO_PASSPORT."""
    return await passport_progress(request, state)


def _stop(journey: Journey, slug: str) -> Site | None:
    """The site of `journey`'s stop `slug`, or None."""
    return next((stop.site for stop in journey.stops if stop.site.slug == slug), None)


def _no_passport(request: Request, lang: str) -> HTMLResponse:
    return _refused_page(request, lang, Refusal.NO_PASSPORT)


def _refused_page(request: Request, lang: str, reason: Refusal, site_name: str | None = None) -> HTMLResponse:
    return _problem_page(request, lang, strings(lang)[f"outing_refused_{reason}"], REFUSAL_STATUS[reason], site_name)


def _problem_page(request: Request, lang: str, problem: str, status_code: int,
                  site_name: str | None = None) -> HTMLResponse:
    return _render(request, "passport.html", lang, {"passport": None, "site_name": site_name, "problem": problem},
                   status_code)


def _render(request: Request, template: str, lang: str, context: dict, status_code: int = 200) -> HTMLResponse:
    """A personal page: never stored by a browser's or a proxy's cache."""
    response = render(request, template, lang, context, status_code)
    response.headers["Cache-Control"] = "private, no-store"
    return response

