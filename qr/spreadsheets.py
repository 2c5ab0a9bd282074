"""Tables for spreadsheets as CSV and XLSX: the monthly report for organisers (sites/visits/monthly_report.py gives the
figures), and any other table (a class outing's, api/admin/outing_tables.py) through `neutralised`, `table_csv` and
`table_xlsx`.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula by
Excel or LibreOffice (CSV injection): such text cells get a leading apostrophe. Numbers stay numbers.
"""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime

from sites.visits.monthly_report import MonthlyReport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = ("Mã định danh / Slug", "Mã QR / Code", "Tên di tích / Site", "Tỉnh, thành / Province",
          "Lượt quét / Scans", "Lượt xem / Views", "Khách / Visitors", "Lần đầu có lượt ghé / First visited",
          "Trong đó gửi muộn / Of which sent late")
DONE = "có / yes"
DATE_CELL, MOMENT_CELL = "dd/mm/yyyy", "dd/mm/yyyy hh:mm"  # how a date cell shows, as Vietnamese write dates
OUTING_HEADER = ("Hành trình / Journey", "Chuyến đi / Outings", "Học sinh / Students", "Hoàn thành / Completed",
                 "Điểm trung bình / Average score", "Số câu hỏi / Questions")
EVENT_HEADER = ("Ngày / Day", "Ngày dương, âm lịch / Dates", "Sự kiện / Event", "Di tích / Site", "Loại / Kind")
PROBLEM_HEADER = ("Ngày / Day", "Mã định danh / Slug", "Tên di tích / Site", "Vấn đề / Problem",
                  "Đã xử lý / Done")


def neutralised(value: object) -> object:
    """`value`, with an apostrophe before text that a spreadsheet would take for a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def report_rows(report: MonthlyReport) -> list[tuple]:
    """The header, then a row per site (most scanned first), then the totals; every text cell neutralised."""
    rows: list[tuple] = [HEADER]
    for row in report.rows:
        rows.append((row.slug, row.code, row.name, row.province, row.scans, row.views, row.visitors,
                     row.first_visit, row.late_scans))
    total = report.total
    rows.append(("", "", "Tổng / Total", report.province or "", total.scans, total.views, total.visitors, "",
                 total.late_scans))
    return [tuple(neutralised(cell) for cell in row) for row in rows]


def problem_rows(report: MonthlyReport, kind_labels: Mapping[str, str]) -> list[tuple]:
    """The header, then a row per plaque problem reported in the month; every text cell neutralised."""
    rows: list[tuple] = [PROBLEM_HEADER]
    rows += [(problem.day.isoformat(), problem.slug, problem.name, kind_labels[problem.kind],
              DONE if problem.done else "") for problem in report.plaque_problems]
    return [tuple(neutralised(cell) for cell in row) for row in rows]


def outing_rows(report: MonthlyReport) -> list[tuple]:
    """The header, then a row per journey with class outings in the month; every text cell neutralised."""
    rows: list[tuple] = [OUTING_HEADER]
    rows += [(row.journey, row.outings, row.students, row.completed, round(row.average_score, 1), row.questions)
             for row in report.outings]
    return [tuple(neutralised(cell) for cell in row) for row in rows]


def event_rows(report: MonthlyReport) -> list[tuple]:
    """The header, then a row per event of the next month (issue 24); every text cell neutralised."""
    rows: list[tuple] = [EVENT_HEADER]
    rows += [(event.day.isoformat(), event.dates, event.name, event.site, event.kind)
             for event in report.next_month_events]
    return [tuple(neutralised(cell) for cell in row) for row in rows]


def report_csv(report: MonthlyReport) -> bytes:
    """The sites of the month as CSV (see `table_csv`; a first visit's day written 2026-11-05)."""
    return table_csv(report_rows(report))


def report_xlsx(report: MonthlyReport, kind_labels: Mapping[str, str]) -> bytes:
    """A sheet named after the month with the sites, one with the plaque problems, one with the class outings, one
    with the next month's events."""
    return table_xlsx({f"{report.month:%Y-%m}": report_rows(report),
                       "Bảng QR - Plaques": problem_rows(report, kind_labels),
                       "Chuyến đi - Outings": outing_rows(report),
                       "Sự kiện - Events": event_rows(report)})


def table_csv(rows: Iterable[Sequence]) -> bytes:
    """`rows` (already neutralised) as CSV in UTF-8 with a byte order mark, so Excel reads the Vietnamese letters;
    a day is written 2026-11-05, which every spreadsheet reads as a date."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def table_xlsx(sheets: Mapping[str, Iterable[Sequence]]) -> bytes:
    """A workbook with a sheet per name of `sheets` holding its rows (already neutralised), written in
    openpyxl's write-only mode (rows streamed, little memory). Control characters, which XLSX cannot hold
    (openpyxl refuses them), are left out of text cells; dates and times (without a zone) become date cells
    shown day first."""
    # imported here: only an XLSX download pays for openpyxl (issue 27)
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, WriteOnlyCell

    def cell(sheet, value: object) -> object:
        if isinstance(value, str):
            return ILLEGAL_CHARACTERS_RE.sub("", value)
        if isinstance(value, date):
            written = WriteOnlyCell(sheet, value)
            written.number_format = MOMENT_CELL if isinstance(value, datetime) else DATE_CELL
            return written
        return value

    book = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append([cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
