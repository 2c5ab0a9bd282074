"""`/sites/{slug}/report`: a visitor reports a damaged or missing plaque (a short form, no JavaScript, no
personal data). The form carries a signed token, good for one report, and a honeypot; reports are rate-limited
per address group and per site (sites/form_guard.py) and kept as staff tasks (sites/plaque_reports/store.py, the
admin's /admin/reports). The limits are checked before the photo is read; the photo is checked by its header, then
decoded in the bounded image worker (api/image_worker.py), never on the event loop (issue 21, item 1)."""

import time
from collections.abc import Mapping
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.deps import LanguageDep, SiteDep
from api.image_worker import ImageWorker
from api.state import AppState, StateDep
from api.templating import render
from api.uploads import SMALL_FORM_BYTES, read_form
from api.workpool import Busy
from sites.catalog.i18n import strings
from sites.catalog.photos import PhotoError, PhotoTooManyPixels, check_upload
from sites.catalog.site import Site
from sites.form_guard import HONEYPOT, form_token, token_ok
from sites.plaque_reports.store import MAX_COMMENT, MAX_REPORT_PHOTO_BYTES, MAX_REPORT_PHOTO_PIXELS, ProblemKind

router = APIRouter(include_in_schema=False)
RATE_LIMITED_RETRY = 3600  # seconds: the per-address window
MAX_FORM_FIELDS, MAX_FORM_FILES = 10, 1  # kind, comment, photo, token, honeypot, lang: room to spare
MAX_FORM_BYTES = MAX_REPORT_PHOTO_BYTES + SMALL_FORM_BYTES  # the photo and the form's text


@router.get("/sites/{slug}/report", response_class=HTMLResponse)
def report_form(request: Request, state: StateDep, site: SiteDep, lang: LanguageDep) -> HTMLResponse:
    """The report form (or, after `?sent=1`, the thanks)."""
    return report_page(request, state, site, lang, {})


@router.post("/sites/{slug}/report", response_class=HTMLResponse)
async def send_report(request: Request, state: StateDep, site: SiteDep, lang: LanguageDep) -> Response:
    """Store a report, then show the thanks (303); a refused one shows the form again with why."""
    texts = strings(lang)
    form = await read_form(request, MAX_FORM_BYTES, MAX_FORM_FIELDS, MAX_FORM_FILES)
    try:
        now = time.time()
        if not token_ok(state.staff_auth.secret, site.slug, str(form.get("token", "")), now):
            return report_page(request, state, site, lang, form, texts["report_expired"], 400)
        kept_lang = f"&lang={lang}" if "lang" in request.query_params else ""
        sent_to = RedirectResponse(f"/sites/{site.slug}/report?sent=1{kept_lang}", status_code=303)
        if form.get(HONEYPOT):
            return sent_to  # a bot: thanked like a person, nothing stored
        kind, comment = str(form.get("kind", "")), str(form.get("comment", "")).strip()
        if kind not in set(ProblemKind):
            return report_page(request, state, site, lang, form, texts["report_choose_kind"], 422)
        if len(comment) > MAX_COMMENT:
            return report_page(request, state, site, lang, form, texts["report_comment_too_long"], 422)
        address = request.client.host if request.client else ""
        if not state.form_limiter.allow(address, site.slug, now):  # before the photo is even read
            return _refused(report_page(request, state, site, lang, form, texts["report_too_many"], 429),
                            RATE_LIMITED_RETRY)
        # the store is a database (PostgreSQL: a round trip), so off the event loop
        if not await run_in_threadpool(state.reports.spend_token, str(form["token"]), datetime.now(UTC)):
            return report_page(request, state, site, lang, form, texts["report_used"], 400)
        try:
            photo = await _photo(state.image_worker, form.get("photo"))
        except Busy as busy:
            return _refused(report_page(request, state, site, lang, form, texts["report_busy"], 503),
                            busy.headers["Retry-After"])
        if isinstance(photo, tuple):
            message, status = photo
            return report_page(request, state, site, lang, form, texts[message], status)
        await run_in_threadpool(state.reports.add, site.slug, site.card.province, ProblemKind(kind), comment,
                                photo, datetime.now(UTC))
        return sent_to
    finally:
        await form.close()


def _refused(page: HTMLResponse, retry_after: int | str) -> HTMLResponse:
    page.headers["Retry-After"] = str(retry_after)
    return page


async def _photo(worker: ImageWorker, upload: object) -> bytes | None | tuple[str, int]:
    """The chosen photo cleaned (upright, no EXIF or GPS) in the image worker, None without one, or (message
    key, status). Its size in bytes, then in pixels (from its header) are checked before it waits for the
    worker; raises workpool.Busy when the worker has a queue already."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    data = await upload.read(MAX_REPORT_PHOTO_BYTES + 1)
    if len(data) > MAX_REPORT_PHOTO_BYTES:
        return "report_photo_too_large", 413
    try:
        check_upload(data, MAX_REPORT_PHOTO_PIXELS)
        return (await worker.clean_for_visitor(data, MAX_REPORT_PHOTO_PIXELS))[0]
    except PhotoTooManyPixels:
        return "report_photo_too_many_pixels", 413
    except PhotoError:
        return "report_photo_unreadable", 422


def report_page(request: Request, state: AppState, site: Site, lang: str, form: Mapping, problem: str | None = None,
                status_code: int = 200) -> HTMLResponse:
    """The form for `site`, with a fresh token, the values sent (`form`) and the `problem` with them."""
    return render(request, "plaque_report.html", lang, {
        "site_name": site.card.name, "slug": site.slug, "kinds": list(ProblemKind),
        "token": form_token(state.staff_auth.secret, site.slug, int(time.time())), "honeypot": HONEYPOT,
        "kind": str(form.get("kind", "")), "comment": str(form.get("comment", "")), "max_comment": MAX_COMMENT,
        "problem": problem, "sent": request.query_params.get("sent") == "1"}, status_code)
