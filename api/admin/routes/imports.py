"""The admin's spreadsheet import at `/admin/import`: upload a CSV or XLSX file, see each bad row and field,
get drafts."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData, UploadFile

from api.admin.admin_forms import staff_message
from api.admin.staff import FormDep, StaffDep, render_admin
from api.state import AppState, StateDep
from api.workpool import RETRY_AFTER_SECONDS, Busy
from sites.catalog.i18n import import_labels, staff_plural
from sites.editing.importer import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    ImportReport,
    SpreadsheetError,
    check_rows,
    import_columns,
    province_notes,
    read_rows,
    write_rows,
)
from sites.editing.site_editor import SiteEditor
from sites.staff.accounts import User

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/import", response_class=HTMLResponse)
def import_form(request: Request, user: StaffDep) -> HTMLResponse:
    """The upload form, with the list of columns."""
    return _page(request, None, None, 200)


@router.post("/import", response_class=HTMLResponse)
async def import_spreadsheet(request: Request, state: StateDep, user: StaffDep, form: FormDep) -> HTMLResponse:
    """Check every row; write them all as drafts only if all are valid (or `only_valid` is ticked). Imports run
    one at a time in a worker thread (issue 21: two hostile files at once took 1.1 GB); more wait or get a 503."""
    try:
        return await state.imports.run(_import, request, state, user, form)
    except Busy:
        response = _page(request, None, "Đang có các bảng tính khác chờ nhập; hãy thử lại sau ít giây / other "
                                        "spreadsheet imports are waiting; try again in a few seconds", 503)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def _import(request: Request, state: AppState, user: User, form: FormData) -> HTMLResponse:
    upload = form.get("spreadsheet")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, None, "Hãy chọn một tệp CSV hoặc XLSX / choose a CSV or XLSX file", 422)
    data = upload.file.read(MAX_FILE_BYTES + 1)  # one byte more than read_rows accepts, so it can say so
    try:
        rows = read_rows(data)
    except SpreadsheetError as problem:
        status_code = 413 if len(data) > MAX_FILE_BYTES else 422
        return _page(request, None, f"Không đọc được tệp / cannot read the file: {problem}", status_code)
    state.catalog.reload()  # check against the sites as they are now
    editor = SiteEditor(state.writer, state.catalog.registry, user)
    report = check_rows(rows, editor, import_labels())
    write_rows(report, editor, only_valid=form.get("only_valid") == "true")
    if report.written:
        state.catalog.reload()
    return _page(request, report, None, 422 if report.bad_rows and not report.written else 200)


def _page(request: Request, report: ImportReport | None, error: str | None, status_code: int) -> HTMLResponse:
    bad = report.bad_rows if report else []
    bad_rows = [(row, [(error.field, staff_message(error)) for error in row.errors]) for row in bad]
    notes = list(province_notes(report)) if report and report.written else []
    return render_admin(request, "import.html", {"report": report, "bad_rows": bad_rows, "error": error,
                                                 "bad_rows_heading": staff_plural("import_bad_rows",
                                                                                  "import_bad_rows_plural", len(bad)),
                                                 "written_heading": staff_plural(
                                                     "import_written", "import_written_plural",
                                                     len(report.written) if report else 0),
                                                 "province_notes": notes,
                                                 "max_mb": MAX_FILE_BYTES // 1048576, "max_rows": MAX_ROWS,
                                                 "columns": import_columns()}, status_code)
