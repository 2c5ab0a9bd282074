"""The monthly report for organisers: `/stats/report.pdf`, `.csv` and `.xlsx` for a month and a province.

The PDF is made in a process of its own with its own short queue (api/caches/print_shop.py), so anonymous requests
for reports never take staff printing's place (issue 21, item 7), and cached by what it prints, counts
included: a new visit makes a new one. `month` (up to the current one) and `province` (a known one) are
checked first, so the cache holds reports of real months and provinces only. CSV and XLSX are cheap and made
here.
"""

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.caches.print_shop import content_key
from api.deps import PrintShopDep, RegistryDep, SettingsDep
from api.errors import invalid_parameter
from api.listing import ProvinceDep
from api.responses import BUSY
from api.state import StateDep
from qr.monthly_report import report_pdf
from qr.print_texts import plaque_problem_labels
from qr.spreadsheets import report_csv, report_xlsx
from sites.visits.monthly_report import FIRST_DAY, monthly_report, parse_month
from sites.visits.visit import vietnam_day

MONTH_PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2])$"  # the years the visit store can hold (stats: from 2000)

router = APIRouter(tags=["stats"])


def _past_months(schema: dict) -> None:
    """The months the schema allows for `month` (read when /openapi.json is first made): 2000-01 to this one."""
    today = vietnam_day(datetime.now(UTC))
    years = "|".join(str(year) for year in range(FIRST_DAY.year, today.year))
    this_year = "|".join(f"{month:02d}" for month in range(1, today.month + 1))
    schema["pattern"] = f"^(?:(?:{years})-(?:0[1-9]|1[0-2])|{today.year}-(?:{this_year}))$"


MEDIA_TYPES = {
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/stats/report.{extension}", response_class=Response, responses={**BUSY, 422: {
    "description": "`month` is not a month written YYYY-MM up to this one, or `province` is no known province"}})
async def report_file(
    request: Request, state: StateDep, registry: RegistryDep, settings: SettingsDep, shop: PrintShopDep,
    extension: Literal["pdf", "csv", "xlsx"],
    month: Annotated[str, Query(description="The month, YYYY-MM (Vietnam time), e.g. 2026-11, up to this one",
                                pattern=MONTH_PATTERN, json_schema_extra=_past_months)],
    province: ProvinceDep,
) -> Response:
    """Scans, views and visitors of each published site in `month`, the top sites, the sites first visited
    that month (the day of the first visit), with a chart in the PDF; the PDF and the XLSX add the class
    outings of each journey that month."""
    try:
        first_day = parse_month(month, vietnam_day(datetime.now(UTC)).replace(day=1))
    except ValueError as problem:
        raise invalid_parameter("month", str(problem)) from None
    report = await run_in_threadpool(monthly_report, state.visits, registry, first_day, province,
                                     state.reports, state.outings, state.catalog.journeys.all())
    labels = plaque_problem_labels()
    filename = f"bao-cao-{month}.{extension}"
    key = content_key((report, settings.organisation, extension))
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "ETag": f'"{key}"',
               "Cache-Control": "no-cache"}
    if headers["ETag"] in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if extension == "pdf":
        body = await shop.report(key, report_pdf, report, settings.organisation, labels)
    else:
        body = report_csv(report) if extension == "csv" else report_xlsx(report, labels)
    return Response(body, media_type=MEDIA_TYPES[extension], headers=headers)
