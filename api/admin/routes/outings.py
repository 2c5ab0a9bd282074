"""A teacher's class outings in the admin (issue 14): `/admin/outings` (the outings one may see, with each
journey's figures), `/admin/outings/new` (an outing for a journey: name, period, and the optional checks: a
daily time window, a distance from the plaque at sites located exactly; a pass mark for the certificate),
`/admin/outings/{code}` (the class code, its QR code, the class sheet and the students' table), its
exports (`table.csv`, `table.xlsx`), and closing and deleting it, each confirmed.

Any staff role may run outings; an editor only for journeys of their province (as they edit sites),
an admin for all."""

import unicodedata
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.admin.outing_tables import TABLE_PAGE, outing_csv, outing_table, outing_xlsx
from api.admin.staff import FormDep, StaffDep, render_admin
from api.caches.print_shop import content_key
from api.deps import reachable_base_url
from api.state import AppState, StateDep
from api.views.calendar_views import EventRow, event_rows
from qr.codes import svg
from qr.outing_sheets import OutingSheetText, outing_sheet_pdf
from sites.calendar import clock
from sites.catalog.journeys import Journey, JourneyNotFound
from sites.catalog.languages import SOURCE_LANGUAGE
from sites.outings.outing import MAX_OUTING_NAME, Outing, journey_questions
from sites.outings.pass_mark import PASS_PERCENTS, needed
from sites.staff.accounts import User
from sites.visits.visit import VIETNAM_TIME, vietnam_day

router = APIRouter(prefix="/admin/outings", include_in_schema=False)

MAX_DAYS = 366  # an outing runs a school year at most
DAY_FORMAT = "%d/%m/%Y"
SUGGEST_DAYS, SUGGEST_ROWS = 366, 6  # the stops' events suggested on the form: a school year ahead, a few
DISTANCES = (25, 5000)  # metres: closer than a phone's location can tell, or farther than a site's grounds


@router.get("", response_class=HTMLResponse)
def outing_list(request: Request, state: StateDep, user: StaffDep) -> HTMLResponse:
    """The outings `user` may see, newest first, and the figures of each journey they may run outings on."""
    journeys = _journeys(state, user)
    outings = [outing for outing in state.outings.outings() if user.may_edit(outing.province)]
    names = {journey.slug: journey.meta.name for journey in state.catalog.journeys.all(include_drafts=True)}
    summaries = [(journey, state.outings.summary(journey.slug, journey_questions(journey))) for journey in journeys]
    return render_admin(request, "outings.html", {
        "outings": outings, "journey_names": names, "now": datetime.now(UTC), "period": _period_label,
        "summaries": [(journey, summary) for journey, summary in summaries if summary.outings],
    })


@router.get("/new", response_class=HTMLResponse)
def new_outing_form(request: Request, state: StateDep, user: StaffDep) -> HTMLResponse:
    today = vietnam_day(datetime.now(UTC)).isoformat()
    return _form(request, state, user, {"valid_from": today, "valid_until": today}, {})


@router.post("/new", response_class=HTMLResponse)
def create_outing(request: Request, state: StateDep, user: StaffDep, form: FormDep) -> Response:
    """Create the outing and open its page; any problem shows the form again with its message, nothing saved."""
    values = {name: str(form.get(name, "")).strip() for name in
              ("journey", "name", "valid_from", "valid_until", "window_start", "window_end", "max_distance_m",
               "pass_percent")}
    errors: dict[str, list[str]] = {}
    journey = next((journey for journey in _journeys(state, user) if journey.slug == values["journey"]), None)
    if journey is None:
        errors["journey"] = ["Hãy chọn một hành trình của tỉnh bạn / choose a journey of your province"]
    name = values["name"]
    if not 1 <= len(name) <= MAX_OUTING_NAME or any(unicodedata.category(char)[0] == "C" for char in name):
        errors["name"] = [f"Tên cần 1-{MAX_OUTING_NAME} ký tự, không có ký tự điều khiển / the name needs "
                          f"1-{MAX_OUTING_NAME} characters, no control characters"]
    period = _period(values, errors)
    window = _window(values, errors)
    distance = _distance(values["max_distance_m"], errors)
    pass_percent = _pass_percent(values["pass_percent"], errors)
    if errors or journey is None or period is None:
        return _form(request, state, user, values, errors, 422)
    outing = state.outings.create(journey.slug, values["name"], journey.meta.province, *period, user.name,
                                  datetime.now(UTC), window, distance, pass_percent)
    return RedirectResponse(f"/admin/outings/{outing.code}", status_code=303)


@router.get("/{code}", response_class=HTMLResponse)
def outing_page(request: Request, state: StateDep, user: StaffDep, code: str,
                page: Annotated[int, Query(ge=1, description="Page of the students' table, from 1")] = 1
                ) -> HTMLResponse:
    """The class code and its QR code, the class sheet, the exports and a page of the students' table
    (TABLE_PAGE rows; a page past the last shows the last)."""
    outing, journey = _staff_outing(state, user, code)
    students = state.outings.students(outing.code)
    pages = max(1, -(-students // TABLE_PAGE))
    page = min(page, pages)
    rows = state.outings.table_page(outing.code, (page - 1) * TABLE_PAGE, TABLE_PAGE)
    table = outing_table(journey, rows)
    return render_admin(request, "outing.html", {
        "outing": outing, "journey": journey, "table": table,
        "pass_needed": needed(outing.pass_percent, table.questions),
        "students": students, "page": page, "pages": pages, "first_row": (page - 1) * TABLE_PAGE + 1,
        "class_url": _class_url(state, outing), "period": _period_label(outing),
        "active": outing.active(datetime.now(UTC)),
        "closed": request.query_params.get("closed") == "1",
    })


@router.get("/{code}/qr.svg", dependencies=[Depends(reachable_base_url)])
def outing_qr(state: StateDep, user: StaffDep, code: str) -> Response:
    outing, _ = _staff_outing(state, user, code)
    return Response(svg(_class_url(state, outing), title=f"{outing.code}: {_class_url(state, outing)}"),
                    media_type="image/svg+xml", headers={"Cache-Control": "no-store"})


@router.get("/{code}/sheet.pdf", dependencies=[Depends(reachable_base_url)])
async def outing_sheet(state: StateDep, user: StaffDep, code: str) -> Response:
    """The class sheet to print (one A4 page), made in the print worker like posters."""
    outing, journey = _staff_outing(state, user, code)
    settings = state.settings
    text = OutingSheetText(outing.code, _class_url(state, outing), outing.name, journey.meta.name,
                          _period_label(outing), settings.organisation, settings.organisation_logo)
    pdf = await state.print_shop.pdf(content_key(("class-sheet", text)), outing_sheet_pdf, text)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="lop-{outing.code}.pdf"', "Cache-Control": "no-store"})


@router.get("/{code}/table.csv")
def outing_table_csv(state: StateDep, user: StaffDep, code: str) -> Response:
    outing, journey = _staff_outing(state, user, code)
    table = outing_table(journey, state.outings.table(outing.code))
    return Response(outing_csv(table), media_type="text/csv; charset=utf-8", headers=_download(outing, "csv"))


@router.get("/{code}/table.xlsx")
def outing_table_xlsx(state: StateDep, user: StaffDep, code: str) -> Response:
    outing, journey = _staff_outing(state, user, code)
    table = outing_table(journey, state.outings.table(outing.code))
    return Response(outing_xlsx(table, outing), headers=_download(outing, "xlsx"),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@router.post("/{code}/close")
def close_outing(state: StateDep, user: StaffDep, code: str, form: FormDep) -> Response:
    """End the outing now (no more joining, stamps or answers); its table stays until the retention ends."""
    outing, _ = _staff_outing(state, user, code)
    _require_confirmation(form)
    state.outings.close(outing.code, datetime.now(UTC))
    return RedirectResponse(f"/admin/outings/{outing.code}?closed=1", status_code=303)


@router.post("/{code}/delete")
def delete_outing(state: StateDep, user: StaffDep, code: str, form: FormDep) -> Response:
    """Delete the outing with every student's nickname, stamps and answers, now."""
    outing, _ = _staff_outing(state, user, code)
    _require_confirmation(form)
    state.outings.delete(outing.code)
    return RedirectResponse("/admin/outings?deleted=1", status_code=303)


def _require_confirmation(form) -> None:
    if form.get("confirm") != "yes":
        raise HTTPException(422, "Hãy đánh dấu ô xác nhận trước / tick the confirmation box first")


def _staff_outing(state: AppState, user: User, code: str) -> tuple[Outing, Journey]:
    """The outing of class `code` and its journey: 404 when there is none, 403 unless `user` may run it."""
    outing = state.outings.get(code)
    if outing is None:
        raise HTTPException(404, f"Không có chuyến đi mã '{code}' / no class outing '{code}'")
    if not user.may_edit(outing.province):
        raise HTTPException(403, f"Bạn chỉ xem được chuyến đi của tỉnh {user.province} / "
                                 f"you may only see outings of {user.province}")
    try:
        journey = state.catalog.journeys.get(outing.journey, include_drafts=True)
    except JourneyNotFound:
        raise HTTPException(404, f"Hành trình '{outing.journey}' của chuyến đi không còn / "
                                 f"the outing's journey '{outing.journey}' is gone") from None
    return outing, journey


def _journeys(state: AppState, user: User) -> list[Journey]:
    """The published journeys `user` may run outings on."""
    return [journey for journey in state.catalog.journeys.all() if user.may_edit(journey.meta.province)]


def _form(request: Request, state: AppState, user: User, values: dict, errors: dict, status_code: int = 200
          ) -> HTMLResponse:
    journeys = _journeys(state, user)
    options = [(journey.slug, f"{journey.meta.name} · {journey.meta.province}") for journey in journeys]
    return render_admin(request, "outing_new.html", {"values": values, "errors": errors, "journeys": options,
                                                     "max_name": MAX_OUTING_NAME, "distances": DISTANCES,
                                                     "pass_percents": PASS_PERCENTS,
                                                     "journey_events": _journey_events(state, journeys)},
                        status_code)


def _journey_events(state: AppState, journeys: list[Journey]) -> list[tuple[str, list[EventRow]]]:
    """Each journey with its stops' events of the next SUGGEST_DAYS (festivals, anniversaries), to plan an
    outing on one of those days (issue 24); journeys whose stops have none are left out."""
    today = clock.today()
    index = state.calendars.index(state.catalog.registry, today)
    last = today + timedelta(days=SUGGEST_DAYS)
    found = []
    for journey in journeys:
        items = sorted((item for stop in journey.stops for item in index.of_site(stop.site)
                        if item.last_day >= today and item.start <= last), key=lambda item: item.start)
        if items:
            found.append((journey.meta.name, event_rows(items[:SUGGEST_ROWS], SOURCE_LANGUAGE, today)))
    return found


def _period(values: dict, errors: dict) -> tuple[datetime, datetime] | None:
    """From the first day's start to the last day's end, Vietnam time, as UTC moments."""
    try:
        first, last = date.fromisoformat(values["valid_from"]), date.fromisoformat(values["valid_until"])
    except ValueError:
        errors["valid_from"] = ["Hãy nhập ngày dạng 2026-12-01 / enter days as 2026-12-01"]
        return None
    if not 0 <= (last - first).days < MAX_DAYS:
        errors["valid_until"] = [f"Ngày kết thúc cần từ ngày bắt đầu đến {MAX_DAYS} ngày sau / the last day must "
                                 f"be from the first day to {MAX_DAYS} days after it"]
        return None
    start = datetime.combine(first, time(), VIETNAM_TIME)
    return start.astimezone(UTC), datetime.combine(last + timedelta(days=1), time(), VIETNAM_TIME).astimezone(UTC)


def _window(values: dict, errors: dict) -> tuple[time, time] | None:
    """The optional daily window: both ends or none, the start before the end."""
    start, end = values["window_start"], values["window_end"]
    if not start and not end:
        return None
    try:
        window = time.fromisoformat(start), time.fromisoformat(end)
    except ValueError:
        errors["window_start"] = ["Khung giờ cần cả giờ bắt đầu và kết thúc (07:30) / the window needs both ends"]
        return None
    if window[0] >= window[1]:
        errors["window_end"] = ["Giờ kết thúc cần sau giờ bắt đầu / the end must come after the start"]
        return None
    return window


def _distance(text: str, errors: dict) -> int | None:
    """The optional distance from the plaque, in whole metres within DISTANCES."""
    if not text:
        return None
    if not text.isdigit() or not DISTANCES[0] <= int(text) <= DISTANCES[1]:
        errors["max_distance_m"] = [f"Khoảng cách là số mét từ {DISTANCES[0]} đến {DISTANCES[1]} / "
                                    f"the distance is {DISTANCES[0]}-{DISTANCES[1]} metres"]
        return None
    return int(text)


def _pass_percent(text: str, errors: dict) -> int | None:
    """The optional pass mark, a whole percent within PASS_PERCENTS ("50" or "50%")."""
    text = text.removesuffix("%").strip()
    if not text:
        return None
    if not text.isdigit() or not PASS_PERCENTS[0] <= int(text) <= PASS_PERCENTS[1]:
        errors["pass_percent"] = [f"Điểm đạt là số phần trăm từ {PASS_PERCENTS[0]} đến {PASS_PERCENTS[1]}, hoặc để "
                                  f"trống / the pass mark is a percent from {PASS_PERCENTS[0]} to "
                                  f"{PASS_PERCENTS[1]}, or empty"]
        return None
    return int(text)


def _class_url(state: AppState, outing: Outing) -> str:
    return f"{state.settings.base_url}/class/{outing.code}"


def _day(moment: datetime) -> str:
    return moment.astimezone(VIETNAM_TIME).strftime(DAY_FORMAT)


def _period_label(outing: Outing) -> str:
    """The days of the outing, Vietnam time: "01/12/2026 – 05/12/2026" (the end is midnight after the last day), or
    its one day: "06/12/2026"."""
    first, last = _day(outing.valid_from), _day(outing.valid_until - timedelta(seconds=1))
    return first if first == last else f"{first} – {last}"


def _download(outing: Outing, extension: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="chuyen-di-{outing.code}.{extension}"',
            "Cache-Control": "no-store"}
