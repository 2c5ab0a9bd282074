"""The admin's site pages: `/admin` (the list with states and errors), `/admin/new` and `/admin/sites/{slug}`
(the form to add or edit a site, with a photo and recordings to upload), previews of drafts and of unsaved edits,
publishing."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from api.admin.admin_forms import (
    FORM_TRANSLATIONS,
    QUIZ,
    form_errors,
    photo_uploads,
    posted_fields,
    province_options,
    quiz_side_by_side,
    recording_uploads,
)
from api.admin.staff import FormDep, StaffDep, StaffSiteDep, render_admin, require_province
from api.deps import LanguageDep, visitor_language
from api.listing import PagerDep, page_link
from api.state import AppState, StateDep, app_state
from api.views.site_page import render_site
from api.views.view_models import site_out
from qr.engraving.plates import plate_choices
from sites.catalog.i18n import category_label, kinds_label, level_label, staff_label, strings
from sites.catalog.languages import SOURCE_LANGUAGE
from sites.catalog.models import QUIZ_CHOICES, QUIZ_QUESTIONS, Category, LocationPrecision, RecognitionLevel, RelicKind
from sites.catalog.provinces import current_wards, former_provinces
from sites.catalog.registry import Found
from sites.catalog.site import PhotoFile, Site
from sites.editing.fields import row_count, site_fields, translation_language
from sites.editing.site_editor import SiteEditor
from sites.editing.writer import site_version
from sites.staff.accounts import User
from sites.visits.silent_plaques import silent_sites
from sites.visits.stats import site_totals
from sites.visits.visit import VisitStoreUnavailable, vietnam_day

router = APIRouter(prefix="/admin", include_in_schema=False)

ADMIN_PAGE_SIZE = 100  # sites a page of /admin: the list does not grow with the number of sites (issue 27)
STATES = {"": None, "published": True, "draft": False}  # the state filter -> Registry.search_page's `published`
# The answer to a refused save: the status of the first of these problem types it holds, else 422.
# What a save button does to the site's state: publish, take back to a draft (unpublish), or keep it.
PUBLISH_ACTIONS = {"publish": True, "unpublish": False}
STATUS_BY_PROBLEM = {"version_conflict": 409, "photo_too_large": 413, "narration_too_large": 413,
                     "province_denied": 403}


@router.get("", response_class=HTMLResponse)
def site_list(request: Request, state: StateDep, user: StaffDep, pager: PagerDep, q: str = "", category: str = "",
              province: str = "", state_filter: Annotated[str, Query(alias="state")] = "") -> HTMLResponse:
    """The sites found by the search (name, province; diacritics ignored) and filters (category, province,
    state), ADMIN_PAGE_SIZE a page, each with its state and all-time scans and views, the plaques that seem
    silent, and every problem found in content/."""
    catalog = state.catalog
    registry = catalog.registry
    found = Found([], 0)  # a state of another name: no site
    if state_filter in STATES:  # the home page's search, drafts included: counted and cut in SQL (issue 27)
        found = registry.search_page(q, category or None, province or None, None, pager.start(ADMIN_PAGE_SIZE),
                                     ADMIN_PAGE_SIZE, STATES[state_filter], in_text=False)
    page = pager.counted(found.sites, found.total, ADMIN_PAGE_SIZE)
    filters = {"q": q, "category": category, "province": province, "state": state_filter}
    published = [site for site in registry.all() if user.may_edit_any(site.card.provinces)]
    try:  # a damaged visit store leaves the list without counts (every staff page names the problem)
        counts = site_totals(state.visits, registry)
        silent = silent_sites(state.visits, published, vietnam_day(datetime.now(UTC)))
    except VisitStoreUnavailable:
        counts, silent = {}, []
    return render_admin(request, "sites.html", {
        "sites": page.rows, "found": page.found, "total": len(registry), "counts": counts, "silent": silent,
        "page": page.number, "pages": page.pages, "page_link": page_link("/admin", filters), "filters": filters,
        "categories": category_choices(),
        "provinces": registry.provinces(include_drafts=True),
        "content_errors": catalog.errors, "kept": catalog.kept})


@router.get("/new", response_class=HTMLResponse)
def new_site_form(request: Request, user: StaffDep) -> HTMLResponse:
    """An empty form; the site will be a draft."""
    return form_page(request, None, {"address.province": user.province or ""}, {})


@router.post("/new", response_class=HTMLResponse)
def create_site(request: Request, state: StateDep, user: StaffDep, form: FormDep) -> Response:
    """Save a new site as a draft."""
    return save(request, state, user, form, None)


@router.get("/sites/{slug}", response_class=HTMLResponse)
def edit_site_form(request: Request, user: StaffDep, site: StaffSiteDep) -> HTMLResponse:
    """The form of a site, filled in, with the version it was read at."""
    require_province(user, site)
    return form_page(request, site, {**quiz_side_by_side(site_fields(site)), "version": site_version(site.folder)}, {})


@router.post("/sites/{slug}", response_class=HTMLResponse)
def save_site(request: Request, state: StateDep, user: StaffDep, site: StaffSiteDep, form: FormDep) -> Response:
    """Save an edit (`action=publish` also publishes a draft)."""
    require_province(user, site)
    return save(request, state, user, form, site)


@router.get("/sites/{slug}/preview", response_class=HTMLResponse)
def preview_saved(request: Request, user: StaffDep, site: StaffSiteDep, lang: LanguageDep) -> HTMLResponse:
    """The site page of a site as saved, drafts included (editors: of their province only)."""
    require_province(user, site)
    return preview(request, site, lang, site.slug)


@router.post("/preview", response_class=HTMLResponse)
def preview_unsaved(request: Request, state: StateDep, user: StaffDep, form: FormDep) -> Response:
    """The site page of the form as filled in, without saving (the photo being uploaded is not shown)."""
    registry = state.catalog.registry
    previous = registry.get(str(form["editing"]), include_drafts=True) if form.get("editing") else None
    if previous is not None:
        require_province(user, previous)
    values = posted_fields(form)
    edit = SiteEditor(state.writer, registry, user).parse(values, previous)
    if edit.errors:
        return form_page(request, previous, {**values, "version": form.get("version", "")},
                         form_errors(edit.errors), 422)
    entry = edit.entry
    stored = {photo.path.name: photo for photo in previous.photos} if previous else {}
    photos = [PhotoFile(photo.caption, photo.caption_en, photo.credit, stored[photo.file].path,
                        stored[photo.file].width, stored[photo.file].height)
              for photo in entry.meta.photos if photo.file in stored]
    folder = previous.folder if previous else state.settings.content_dir / entry.meta.slug
    site = Site(meta=entry.meta, folder=folder, bodies=entry.bodies, translations=entry.translations, photos=photos)
    return preview(request, site, visitor_language(request), previous.slug if previous else None)


def preview(request: Request, site: Site, lang: str, photos_of: str | None) -> HTMLResponse:
    """The visitor's site page for `site`, marked as a preview, with photos served to staff."""
    state = app_state(request.app)
    settings = state.settings
    photos_at = f"/admin/photos/{photos_of}" if photos_of else None
    view = site_out(site, lang, settings.base_url, state.catalog.registry, photos_at)
    return render_site(request, view, lang, settings.base_url, preview=True)


# Events are written in index.md by hand (docs/events.md): the form carries them through unchanged.
EVENT_FIELDS = ("events.", *(f"{lang}.events." for lang in FORM_TRANSLATIONS))


def category_choices() -> list[tuple[str, str]]:
    """Each category's value and its staff label (Vietnamese / English)."""
    return [(c.value, staff_label(lambda lang, c=c: category_label(c, lang))) for c in Category]


def form_page(request: Request, site: Site | None, values: dict, errors: dict, status_code: int = 200) -> HTMLResponse:
    """The site form showing `values` (flat fields) and `errors` next to their inputs; a site served in
    its last valid version shows why (the errors of its files)."""
    return render_admin(request, "edit.html", {
        "site": site,
        "kept_errors": app_state(request.app).catalog.kept.get(site.slug, []) if site else [],
        "values": {**values, "recognition.kind": kind_words(str(values.get("recognition.kind", "")))},
        "errors": errors,
        "categories": category_choices(),
        "levels": [(v.value, staff_label(lambda lang, v=v: level_label(v.value, lang))) for v in RecognitionLevel],
        "kinds": [strings(SOURCE_LANGUAGE)[f"kind.{kind.value}"] for kind in RelicKind],
        "precisions": [(p.value, staff_label(lambda lang, p=p: strings(lang)[f"precision_{p.value}"]))
                       for p in LocationPrecision],
        "provinces": province_options(str(values.get("address.province", ""))),
        "former_provinces": sorted(former_provinces()),
        # today's address, suggested from the maintained list of the province's wards; staff confirm it
        "wards": [f"{ward}, {province}" for province in [str(values.get("address.province", ""))]
                  for ward in current_wards(province)],
        "hidden_translations": {name: value for name, value in values.items()
                                if translation_language(name) not in (None, *FORM_TRANSLATIONS)
                                or name.startswith(EVENT_FIELDS)},
        "source_rows": range(row_count(values, "sources") + 2),
        "photo_rows": range(row_count(values, "photos")),
        "quiz_rows": range(min(row_count(values, QUIZ) + 1, QUIZ_QUESTIONS[1])),  # plus an empty one to add a question
        "quiz_choices": range(QUIZ_CHOICES[1]),
        "quiz_answers": [(str(n), f"Lựa chọn {n} / Choice {n}") for n in range(1, QUIZ_CHOICES[1] + 1)],
        "plate_choices": plate_choices(),
    }, status_code)


def kind_words(kinds: str) -> str:
    """Stored kinds ("history, architecture-art") as staff write them: "Di tích lịch sử và kiến trúc nghệ thuật",
    which the form reads back; anything else (what was posted) as it is."""
    try:
        stored = [RelicKind(kind.strip()) for kind in kinds.split(",")] if kinds else []
        return kinds_label(stored, strings(SOURCE_LANGUAGE)) if stored else ""
    except ValueError:
        return kinds


def save(request: Request, state: AppState, user: User, form: FormData, previous: Site | None) -> Response:
    """Save the posted form through the editing service; on any problem, show the form again with
    each message next to its input, and write nothing."""
    values = posted_fields(form)
    version = str(form.get("version", ""))
    editor = SiteEditor(state.writer, state.catalog.registry, user, clean_photo=state.image_worker.clean_for_staff)
    edit = editor.save(
        values, previous, version, publish=PUBLISH_ACTIONS.get(str(form.get("action"))), uploads=photo_uploads(form),
        recordings=recording_uploads(form))
    if edit.errors:
        shown = {**values, **{key: value for key, value in form.multi_items() if key.startswith("new_photo.")},
                 "version": version}
        if previous is None:
            shown.update(slug=edit.fields.get("slug", ""), code=edit.fields.get("code", ""))
        found = {error.type for error in edit.errors}
        status = next((status for kind, status in STATUS_BY_PROBLEM.items() if kind in found), 422)
        return form_page(request, previous, shown, form_errors(edit.errors, edit.photo_rows), status)
    state.catalog.reload()
    return RedirectResponse(f"/admin/sites/{edit.entry.meta.slug}?saved=1", status_code=303)
