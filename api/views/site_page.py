"""The HTML site page, rendered from its view model (api/views/view_models.py), for the public page, a plaque
scan and a staff preview alike.

The "Thuộc hành trình / Part of" box is always shown, small, when the site is a stop of a published journey
(issue 13 let us choose between that and showing it only to visitors who came through the journey). Always:
a plaque is scanned by people who did not start from the journey's page (a class that meets at stop 2, a
passer-by), and they are the ones who need "Điểm 2/5" and the way to the next stop; the page stays the same
for everyone, so it stays cacheable, with no cookie or referrer tracking of where a visitor came from.
"""

import time

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from api.csp import page_policy, preview_policy
from api.public.passport_cookie import holds_passport
from api.public.stamping import StampNote
from api.state import AppState
from api.templating import render
from api.views.journey_views import PartOfOut, part_of
from api.views.narration_view import NarrationView, narration_view
from api.views.schemas import SiteOut
from api.views.structured_data import ShareImage, share_image, site_data
from api.views.view_models import site_out, site_path
from qr.card_texts import site_card
from sites.catalog.i18n import COMPLETE_LANGUAGES, strings
from sites.catalog.languages import SOURCE_LANGUAGE, source_first
from sites.catalog.registry import Registry
from sites.catalog.site import Site
from sites.settings import Settings

PROVISIONAL_SECONDS = 30  # how long a page whose narration is being prepared is served from the cache


def cached_site_page(request: Request, state: AppState, site: Site, registry: Registry, lang: str,
                     extra_headers: dict[str, str] | None = None) -> Response:
    """The site page, from the app's page cache when the request allows it. A browser holding a passport gets
    the page whose journey box also links its passport, kept apart in the passport pages' cache and sent
    `private, no-store`, as a stamped page is."""
    settings = state.settings
    journeys = state.catalog.journeys  # reloaded with the registry, which keys the cache
    student = holds_passport(request)

    def page() -> HTMLResponse:  # only on a cache miss: a plaque scan's hot path reads the kept page
        return site_page_response(request, site, registry, settings, lang, part_of(journeys.through(site), site, lang),
                                  narration_view(state.narrations, site, lang), student=student)

    if student:
        return state.passport_pages.response(request, registry, f"{site.slug}\0student", lang, page,
                                             {**(extra_headers or {}), "Cache-Control": "private, no-store"},
                                             stamp=provisional_stamp(state, site),
                                             still_current=lambda: still_being_prepared(state, site, lang))
    return state.page_cache.response(request, registry, site.slug, lang, page, extra_headers,
                                     stamp=provisional_stamp(state, site),
                                     still_current=lambda: still_being_prepared(state, site, lang))


def stamped_site_page(request: Request, state: AppState, site: Site, registry: Registry, lang: str,
                      note: StampNote) -> Response:
    """The site page with a student's passport note on top (stamped, or why not), for students only.

    The note names no student (only the site and the outcome), so the page is the same for every student at
    this plaque and is kept rendered, but in a cache of its own (`state.passport_pages`): the shared page
    cache that visitors without a passport are served from never holds it. Sent `private, no-store`, so no
    browser or proxy keeps it either. A page asking for the location carries the student's ticket: it is
    rendered for this request only, with the policy that lets its script run."""
    settings = state.settings
    journeys = state.catalog.journeys

    def page() -> HTMLResponse:
        return site_page_response(request, site, registry, settings, lang, part_of(journeys.through(site), site, lang),
                                  narration_view(state.narrations, site, lang), note, student=True)

    if note.ticket:
        response = page()
        response.headers.update({"Cache-Control": "private, no-store", "Content-Security-Policy": page_policy()})
        return response
    return state.passport_pages.response(request, registry, f"{site.slug}\0{note.refused or 'stamped'}", lang, page,
                                         {"Cache-Control": "private, no-store"}, stamp=provisional_stamp(state, site),
                                         still_current=lambda: still_being_prepared(state, site, lang))


def provisional_stamp(state: AppState, site: Site) -> tuple[int, int]:
    """Changes when a "being prepared" page of `site` may have to change: a narration job of the site finished, or
    half a minute passed (a job refused by a full queue is then asked for again, and another process may have
    made the narration)."""
    return state.narrations.finished(site.slug), int(time.monotonic() // PROVISIONAL_SECONDS)


def still_being_prepared(state: AppState, site: Site, lang: str) -> bool:
    """Whether the narration of the page of `site` in `lang` is still being prepared, so that its "being prepared"
    page is still right: asked when the page's stamp changed, it asks for the narration again as a render would."""
    view = narration_view(state.narrations, site, lang)
    return view is not None and view.url is None


def site_page_response(request: Request, site: Site, registry: Registry, settings: Settings, lang: str,
                       journeys: list[PartOfOut] | None = None, narration: NarrationView | None = None,
                       passport_note: StampNote | None = None, student: bool = False) -> HTMLResponse:
    """The site page in `lang`; its canonical link and language switch point to /sites/{slug}. A journey stop's
    page links to /class, and for a `student` (a browser holding a passport) to /passport too."""
    base_url = settings.base_url
    image = share_image(site_card(site, settings, lang), f"{site_path(site.slug)}/card.png", base_url,
                        site.content_language(lang))
    return render_site(request, site_out(site, lang, base_url, registry), lang, base_url, journeys=journeys,
                       narration=narration, passport_note=passport_note, student=student, share=image)


def render_site(request: Request, view: SiteOut, lang: str, base_url: str, preview: bool = False,
                journeys: list[PartOfOut] | None = None, narration: NarrationView | None = None,
                passport_note: StampNote | None = None, student: bool = False,
                share: ShareImage | None = None) -> HTMLResponse:
    """The site page of `view`, with `share` as its og:image; a staff `preview` is not indexed, not cached, and its
    language switch stays on the preview. Its picker offers the languages of the site's text and of the whole interface.
    While its `narration` is being prepared the page is not cached (it will have a player soon)."""
    page_url = f"{view.url}?lang={lang}"
    languages = source_first([*view.languages, *COMPLETE_LANGUAGES])
    response = render(request, "site.html", lang, {
        "site": view,
        "preview": preview,
        "journeys": journeys or [],
        "narration": narration,
        "passport_note": passport_note,
        "student": student,
        "canonical": page_url,
        "alternates": [(code, f"{view.url}?lang={code}") for code in languages] + [("x-default", view.url)],
        "og_image": share,
        "structured_data": site_data(view, page_url, base_url),
        "review_notices": [] if view.translation_reviewed else [
            (code, strings(code)["review_notice"]) for code in dict.fromkeys([view.content_lang, SOURCE_LANGUAGE])
        ],
    }, page_path=None if preview else site_path(view.slug), languages=languages)
    if preview:
        response.headers.update({"Cache-Control": "no-store", "Content-Security-Policy": preview_policy()})
    elif narration is not None and narration.url is None:
        response.headers["Cache-Control"] = "no-cache"
    return response
