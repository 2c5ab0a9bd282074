"""The admin's journey pages: `/admin/journeys` (the list with states, stop counts and errors),
`/admin/journeys/new` and `/admin/journeys/{slug}` (the form: texts, travel, stops picked from the
province's published sites, reordered or removed by buttons that work without JavaScript, a note per stop)."""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.admin.admin_forms import form_errors, posted_journey_fields, province_options
from api.admin.staff import FormDep, StaffDep, render_admin
from api.state import AppState, StateDep
from api.views.journey_views import journey_counts
from sites.catalog.i18n import staff_label, travel_mode_label
from sites.catalog.journey_models import TravelMode
from sites.catalog.journeys import Journey, JourneyNotFound
from sites.catalog.models import CODE_MAX, JOURNEYS_FOLDER, LocationPrecision
from sites.catalog.site import Site
from sites.catalog.text import fold
from sites.editing.journey_editing import JourneyEditor, journey_fields, journey_version
from sites.editing.site_editor import suggested_code
from sites.staff.accounts import User
from sites.visits.visit import VisitStoreUnavailable

router = APIRouter(prefix="/admin/journeys", include_in_schema=False)

# The form's own inputs; any other field (a start point, aliases, a Khmer translation) passes through hidden.
SHOWN_FIELDS = {"name", "slug", "code", "summary", "body", "travel_mode", "duration_hours", "province",
                "en.name", "en.summary", "en.body", "published", "version"}
STATUS_BY_PROBLEM = {"journey_version_conflict": 409, "journey_province_denied": 403}


@router.get("", response_class=HTMLResponse)
def journey_list(request: Request, state: StateDep, user: StaffDep) -> HTMLResponse:
    """Every journey with its state, number of stops and visits, and every problem found in content/journeys/."""
    marker = f"/{JOURNEYS_FOLDER}/"
    errors = [error for error in state.catalog.errors if marker in error.file]
    journeys = state.catalog.journeys.all(include_drafts=True)
    try:  # a damaged visit store leaves the list without counts (every staff page names the problem)
        totals = state.visits.totals()
        counts = {journey.slug: journey_counts(totals, journey) for journey in journeys}
    except VisitStoreUnavailable:
        counts = {}
    return render_admin(request, "journeys.html", {"journeys": journeys, "counts": counts,
                                                   "content_errors": errors})


@router.get("/new", response_class=HTMLResponse)
def new_journey_form(request: Request, state: StateDep, user: StaffDep) -> HTMLResponse:
    """An empty form; the journey will be a draft."""
    return form_page(request, state, user, None, {"province": user.province or "", "travel_mode": "motorbike"}, {})


@router.post("/new", response_class=HTMLResponse)
def create_journey(request: Request, state: StateDep, user: StaffDep, form: FormDep) -> Response:
    """Save a new journey as a draft, or show the form again with a stop moved, removed or added."""
    return save(request, state, user, form, None)


@router.get("/{slug}", response_class=HTMLResponse)
def edit_journey_form(request: Request, state: StateDep, user: StaffDep, slug: str) -> HTMLResponse:
    """The form of a journey, filled in, with the version it was read at."""
    journey = staff_journey(state, user, slug)
    values = {**journey_fields(journey), "version": journey_version(journey)}
    return form_page(request, state, user, journey, values, {})


@router.post("/{slug}", response_class=HTMLResponse)
def save_journey(request: Request, state: StateDep, user: StaffDep, slug: str, form: FormDep) -> Response:
    """Save an edit (`action=publish` also publishes a draft), or show the form again with a stop moved."""
    return save(request, state, user, form, staff_journey(state, user, slug))


def staff_journey(state: AppState, user: User, slug: str) -> Journey:
    """The journey `slug`, drafts included: 404 when there is none, 403 unless `user` may change it."""
    try:
        journey = state.catalog.journeys.get(slug, include_drafts=True)
    except JourneyNotFound:
        raise HTTPException(404, f"Không có hành trình '{slug}' / no journey '{slug}'") from None
    if not user.may_edit(journey.meta.province):
        raise HTTPException(403, f"Bạn chỉ được sửa hành trình của tỉnh {user.province} / "
                                 f"you may only change journeys of {user.province}")
    return journey


def save(request: Request, state: AppState, user: User, form, previous: Journey | None) -> Response:
    """Save the posted form through the journey editor; a row button only shows the form again, and any
    problem shows it with each message next to its input, nothing written."""
    values = posted_journey_fields(form)
    version = str(form.get("version", ""))
    if form.get("row_action"):
        return form_page(request, state, user, previous, {**values, "version": version}, {})
    catalog = state.catalog
    edit = JourneyEditor(state.writer, catalog.registry, catalog.journeys, user).save(
        values, previous, version, publish=True if form.get("action") == "publish" else None)
    if edit.errors:
        shown = {**values, "version": version}
        if previous is None:
            shown.update(slug=edit.fields.get("slug", ""), code=edit.fields.get("code", ""))
        found = {error.type for error in edit.errors}
        status = next((status for kind, status in STATUS_BY_PROBLEM.items() if kind in found), 422)
        return form_page(request, state, user, previous, shown, form_errors(edit.errors), status)
    catalog.reload()
    shortened = "&code=shortened" if edit.code_shortened else ""
    return RedirectResponse(f"/admin/journeys/{edit.entry.meta.slug}?saved=1{shortened}", status_code=303)


def form_page(request: Request, state: AppState, user: User, journey: Journey | None, values: dict, errors: dict,
              status_code: int = 200) -> HTMLResponse:
    """The journey form showing `values` (flat fields) and `errors` next to their inputs."""
    registry = state.catalog.registry
    sites = {key: site for site in registry.all(include_drafts=True) for key in site.keys()}
    count = len({key.split(".")[1] for key in values if key.startswith("stops.")})
    stops = [(number, sites.get(str(values.get(f"stops.{number}.site", "")))) for number in range(count)]
    return render_admin(request, "journey_edit.html", {
        "journey": journey,
        "values": values,
        "errors": errors,
        "stops": stops,
        "new_row": count,
        "site_options": site_options(registry.all(), user, str(values.get("province", "")),
                                     [site for _, site in stops if site is not None]),
        "travel_modes": [(mode.value, staff_label(lambda lang, mode=mode: travel_mode_label(mode, lang)))
                         for mode in TravelMode],
        "location_problem": location_problem,
        "code_max": CODE_MAX,
        "code_suggestion": _code_suggestion(state, journey, values),
        "provinces": province_options(str(values.get("province", ""))),
        "hidden": {name: value for name, value in values.items()
                   if name not in SHOWN_FIELDS and not name.startswith("stops.")},
    }, status_code)


def _code_suggestion(state: AppState, journey: Journey | None, values: dict) -> str | None:
    """A free code for the journey's slug (or name) while its code may still change; None once published."""
    text = str(values.get("slug") or values.get("name") or "")
    if (journey and journey.published) or not text:
        return None
    editor = JourneyEditor(state.writer, state.catalog.registry, state.catalog.journeys)
    return suggested_code(text, editor.taken_keys(journey))


def site_options(published: list[Site], user: User, province: str, chosen: list[Site]) -> list[tuple[str, str]]:
    """The sites a stop may be: published sites `user` may change, of the journey's `province` when it has
    some, plus the sites already chosen; as (slug, "name · province")."""
    allowed = [site for site in published if user.may_edit_any(site.card.provinces)]
    of_province = [site for site in allowed if fold(province) in map(fold, site.card.provinces)]
    offered = {site.slug: site for site in [*(of_province or allowed), *chosen]}
    return [(site.slug, f"{site.card.name} · {site.card.province}") for site in offered.values()]


def location_problem(site: Site) -> str | None:
    """"unknown" when the site has no coordinates, "district" when they are the district centre, else None."""
    location = site.card.location
    if location is None:
        return "unknown"
    return "district" if location.precision == LocationPrecision.district else None
