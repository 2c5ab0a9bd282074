"""`/admin/reports`: visitors' plaque reports as tasks (editors see their province's only), each with its
photo and a button that closes it, recording who closed it and when."""

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.admin.staff import FormDep, StaffDep, render_admin
from api.state import StateDep
from sites.catalog.i18n import staff_label, strings
from sites.plaque_reports.store import PlaqueReport, ProblemKind, ReportStore
from sites.staff.accounts import User

router = APIRouter(prefix="/admin", include_in_schema=False)
# A cleaned report photo is JPEG, PNG or WebP (sites/catalog/photos.py clean_upload): its first bytes say which.
MEDIA_TYPES = {b"\xff\xd8": "image/jpeg", b"\x89P": "image/png", b"RI": "image/webp"}


@router.get("/reports", response_class=HTMLResponse)
def report_list(request: Request, state: StateDep, user: StaffDep, done: bool = False) -> HTMLResponse:
    """Open reports of the sites the user may change, newest first (`done=1`: closed ones too)."""
    reports = [report for report in state.reports.reports(include_done=done) if user.may_edit(report.province)]
    names = {site.slug: site.card.name for site in state.catalog.registry.all(include_drafts=True)}
    kinds = {kind.value: staff_label(lambda lang, kind=kind: strings(lang)[f"report_kind_{kind.value}"])
             for kind in ProblemKind}  # the visitor's words, in every language
    return render_admin(request, "plaque_reports.html", {"reports": reports, "names": names, "kinds": kinds,
                                                  "show_done": done})


@router.get("/reports/{report_id}/photo")
def report_photo(state: StateDep, user: StaffDep, report_id: int) -> Response:
    """The photo sent with a report, for staff who may change its site."""
    visible(state.reports, user, report_id)
    photo = state.reports.photo(report_id)
    if photo is None:
        raise HTTPException(404, "Báo cáo này không có ảnh / this report has no photo")
    return Response(photo, media_type=MEDIA_TYPES.get(photo[:2], "application/octet-stream"),
                    headers={"Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


@router.post("/reports/{report_id}/done")
def close_report(state: StateDep, user: StaffDep, form: FormDep, report_id: int) -> Response:
    """Close the task: done by this user, now."""
    visible(state.reports, user, report_id)
    state.reports.close_task(report_id, user.name, datetime.now(UTC))
    return RedirectResponse("/admin/reports", status_code=303)


def visible(store: ReportStore, user: User, report_id: int) -> PlaqueReport:
    """The report `report_id`, if there is one (404) and `user` may change its site's province (403)."""
    report = store.get(report_id)
    if report is None:
        raise HTTPException(404, f"Không có báo cáo số {report_id} / no report {report_id}")
    if not user.may_edit(report.province):
        raise HTTPException(403, f"Bạn chỉ xem được báo cáo của tỉnh {user.province} / "
                                 f"you may only see reports of {user.province}")
    return report
