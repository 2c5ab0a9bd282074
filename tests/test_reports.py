"""The monthly report (issue 18): PDF, CSV and XLSX for a month and a province, with the same counts as
/api/stats/{slug} for that month, text cells neutralised for spreadsheets, and a bad month named."""

import csv
import io
from datetime import UTC, datetime, timedelta

import openpyxl
import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner

from api.state import app_state
from cli.main import main
from qr.spreadsheets import neutralised
from sites.outings.outing import journey_questions
from sites.plaque_reports.store import ProblemKind
from sites.visits.monthly_report import last_day
from sites.visits.visit import vietnam_day
from tests.support import add_site, one_line, page_text, visit


def this_month() -> str:
    return f"{vietnam_day(datetime.now(UTC)):%Y-%m}"


@pytest.fixture
def visited(content_dir, make_client):
    add_site(content_dir, "dinh-cong-thuc", name="=HYPERLINK(\"http://evil\")",
             address={"text": "Ô Môn, Cần Thơ", "province": "Cần Thơ"})
    client = make_client()
    visit(client, "/q/thoian", 3)
    visit(client, "/sites/dinh-thoi-an")
    visit(client, "/q/pinangtac", 2)
    visit(client, "/sites/dinh-cong-thuc")
    return client


def test_csv_counts_match_the_api_for_the_month_and_formulas_are_neutralised(visited):
    month = this_month()
    response = visited.get(f"/stats/report.csv?month={month}&province=Cần Thơ")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0].startswith("Mã định danh / Slug")
    by_slug = {row[0]: row for row in rows[1:-1]}
    start, end = f"{month}-01", last_day(datetime.strptime(month, "%Y-%m").date()).isoformat()
    for slug, row in by_slug.items():
        api = visited.get(f"/api/stats/{slug}?from={start}&to={end}").json()["total"]
        assert [int(row[4]), int(row[5]), int(row[6])] == [api["scans"], api["views"], api["unique_visitors"]]
    assert by_slug["dinh-thoi-an"][4:6] == ["3", "1"]
    assert "bay-da-pi-nang-tac" not in by_slug  # another province
    assert by_slug["dinh-cong-thuc"][2] == "'=HYPERLINK(\"http://evil\")"
    today = vietnam_day(datetime.now(UTC)).isoformat()
    assert by_slug["dinh-cong-thuc"][7] == today  # first visited this month, that day (creation dates are not kept)
    assert by_slug["chua-pothi-somron"][7] == ""  # never visited
    assert rows[-1][2] == "Tổng / Total" and int(rows[-1][4]) == sum(int(row[4]) for row in rows[1:-1])


def test_xlsx_has_the_same_rows_written_as_numbers(visited):
    response = visited.get(f"/stats/report.xlsx?month={this_month()}")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    by_slug = {row[0]: row for row in rows[1:-1]}
    assert by_slug["dinh-thoi-an"][4] == 3 and by_slug["bay-da-pi-nang-tac"][4] == 2
    assert by_slug["dinh-cong-thuc"][2].startswith("'=")
    first_visit = sheet.cell(row=[row[0] for row in rows].index("dinh-cong-thuc") + 1, column=8)
    assert first_visit.is_date and first_visit.value.date() == vietnam_day(datetime.now(UTC))
    assert first_visit.number_format == "dd/mm/yyyy"


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_neutralised(value):
    assert neutralised(value) == "'" + value
    assert neutralised("Đình") == "Đình" and neutralised(-1) == -1


@pytest.mark.slow
def test_pdf_report_has_the_counts_the_chart_and_honest_sections(visited):
    response = visited.get(f"/stats/report.pdf?month={this_month()}&province=Cần Thơ")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text = one_line(" ".join(page_text(response.content, i) for i in range(len(pdfium.PdfDocument(response.content)))))
    for expected in ("Báo cáo tháng", "Monthly report", "Cần Thơ", "Đình Thới An", "Di tích mới trong tháng",
                     "Bảng QR có vấn đề", "Không có / none", "3 / 1"):
        assert expected in text
    assert "Pi Năng Tắc" not in text
    page = pdfium.PdfDocument(response.content)[0]
    red_bars = [obj for obj in page.get_objects() if obj.type == pdfium.raw.FPDF_PAGEOBJ_PATH]
    assert len(red_bars) >= 3  # the chart is vector: a path per bar
    again = visited.get(f"/stats/report.pdf?month={this_month()}&province=Cần Thơ",
                        headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    visit(visited, "/q/thoian")
    assert visited.get(f"/stats/report.pdf?month={this_month()}&province=Cần Thơ").headers["etag"] != \
        response.headers["etag"]  # a new visit, a new report


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "november", ""])
def test_a_bad_month_is_a_422_naming_month(client, month):
    response = client.get(f"/stats/report.csv?month={month}")
    assert response.status_code == 422 and "month" in response.text


def next_month() -> str:
    return f"{last_day(vietnam_day(datetime.now(UTC))) + timedelta(days=1):%Y-%m}"


@pytest.mark.parametrize(("query", "named", "says"), [
    (f"month={next_month()}", "month", "has not begun"),
    (f"month=2026-11&province={'x' * 60}", "province", "no province"),
    (f"month=2026-11&province={'x' * 20_000}", "province", ""),  # a 500 after 3.6 s of CPU before
])
def test_a_month_to_come_or_an_unknown_province_is_a_422_naming_it(client, query, named, says):
    """Issue 21, item 7: each random province made a new PDF in the shared print worker."""
    for extension in ("pdf", "csv"):
        response = client.get(f"/stats/report.{extension}?{query}")
        assert response.status_code == 422 and says in response.text
        assert [error["loc"] for error in response.json()["detail"]] == [["query", named]]


@pytest.mark.parametrize("province", ["Cần Thơ", "can tho", "Hậu Giang", "Hà Nam"])
def test_current_and_former_provinces_are_known_to_the_report(client, province):
    """A current province, written without diacritics, and former ones (merged in 2025), with or without sites."""
    response = client.get(f"/stats/report.csv?month={this_month()}&province={province}")
    assert response.status_code == 200 and "Tổng / Total" in response.content.decode("utf-8-sig")


def test_cli_writes_the_report_and_names_a_bad_month(visited, content_dir, data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("DIACHIDO_CONTENT_DIR", str(content_dir))
    monkeypatch.setenv("DIACHIDO_DATA_DIR", str(data_dir))
    out = tmp_path / "bao-cao.xlsx"
    result = CliRunner().invoke(main, ["report", "--month", this_month(), "--province", "Cần Thơ", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert {row[0]: row[4] for row in rows[1:-1]}["dinh-thoi-an"] == 3
    pdf = tmp_path / "bao-cao.pdf"
    assert CliRunner().invoke(main, ["report", "--month", this_month(), "--out", str(pdf)]).exit_code == 0
    assert "Đình Thới An" in page_text(pdf.read_bytes())
    bad = CliRunner().invoke(main, ["report", "--month", "2026-13", "--out", str(out)])
    assert bad.exit_code == 2 and "--month" in bad.output


@pytest.mark.slow
def test_the_plaque_problems_visitors_reported_that_month_are_in_the_pdf_and_the_xlsx(visited):
    """Issue 18: the monthly report lists plaque problems, those of the province only, with their state."""
    state = app_state(visited.app)
    now = datetime.now(UTC)
    state.reports.add("dinh-thoi-an", "Cần Thơ", ProblemKind.MISSING, "", None, now)
    closed = state.reports.add("chua-pothi-somron", "Cần Thơ", ProblemKind.NO_SCAN, "", None, now)
    state.reports.close_task(closed, "hoa", now)
    state.reports.add("bay-da-pi-nang-tac", "Ninh Thuận", ProblemKind.DAMAGED, "", None, now)
    query = f"month={this_month()}&province=Cần Thơ"
    pdf = visited.get(f"/stats/report.pdf?{query}").content
    text = one_line(" ".join(page_text(pdf, i) for i in range(len(pdfium.PdfDocument(pdf)))))
    assert "Đình Thới An · Bảng bị mất / The plaque is missing · chưa xử lý / open" in text
    assert "Chùa Pôthi Somrôn · " in text and "đã xử lý / done" in text and "Pi Năng Tắc" not in text
    book = openpyxl.load_workbook(io.BytesIO(visited.get(f"/stats/report.xlsx?{query}").content))
    rows = list(book["Bảng QR - Plaques"].values)
    assert [row[1] for row in rows[1:]] == ["dinh-thoi-an", "chua-pothi-somron"] and rows[2][4] == "có / yes"


@pytest.mark.parametrize("extension", ["pdf", "csv"])
def test_a_report_for_a_province_nobody_knows_is_refused_before_anything_is_made(client, extension):
    """Issue 21: each new province made a new PDF in the poster process. Known ones are found however typed."""
    refused = client.get(f"/stats/report.{extension}?month={this_month()}&province=Tỉnh {'x' * 5000}")
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["query", "province"]
    found = client.get(f"/stats/report.{extension}?month={this_month()}&province=can tho")
    assert found.status_code == 200 and found.headers["content-disposition"].endswith(f'.{extension}"')


def test_the_report_counts_each_journeys_class_outings_of_the_month(visited):
    """Issue 28: outings, students, completed and the average score per journey, in the PDF and the XLSX."""
    state = app_state(visited.app)
    now = datetime.now(UTC)
    journey = state.catalog.journeys.get("ve-nguon-o-mon")
    outing = state.outings.create(journey.slug, "9A1", "Cần Thơ", now - timedelta(hours=1), now + timedelta(hours=1),
                                  "lan", now)
    state.outings.create(journey.slug, "last year", "Cần Thơ", now - timedelta(days=400),
                         now - timedelta(days=399), "lan", now)
    an, binh = (state.outings.join(outing.code, name, now).passport for name in ("An", "Bình"))
    for slug, questions in journey_questions(journey).items():
        state.outings.stamp(an.id, slug, now)
        for question in questions:
            state.outings.answer(an.id, slug, question, 1, True, now)
    total = sum(map(len, journey_questions(journey).values()))
    query = f"month={this_month()}&province=Cần Thơ"
    book = openpyxl.load_workbook(io.BytesIO(visited.get(f"/stats/report.xlsx?{query}").content))
    assert list(book["Chuyến đi - Outings"].values) == [
        ("Hành trình / Journey", "Chuyến đi / Outings", "Học sinh / Students", "Hoàn thành / Completed",
         "Điểm trung bình / Average score", "Số câu hỏi / Questions"),
        (journey.meta.name, 1, 2, 1, round(total / 2, 1), total)]
    pdf = visited.get(f"/stats/report.pdf?{query}").content
    text = one_line(" ".join(page_text(pdf, i) for i in range(len(pdfium.PdfDocument(pdf)))))
    assert (f"{journey.meta.name} · 1 chuyến đi / outings · 2 học sinh / students · 1 hoàn thành / completed · "
            f"điểm trung bình / average score {total / 2:.1f}/{total}") in text
    other = openpyxl.load_workbook(io.BytesIO(
        visited.get(f"/stats/report.xlsx?month={this_month()}&province=Ninh Thuận").content))
    assert len(list(other["Chuyến đi - Outings"].values)) == 1, "no journey of Ninh Thuận has outings"
    assert binh.nickname == "Bình"


def test_the_report_lists_the_next_months_events_of_its_sites_and_the_national_days(client):
    """Issue 24: the report of December 2026 lists January 2027: Lễ Hạ Điền at Đình Thới An (15/12 âm lịch)."""
    query = "month=2026-12&province=Cần Thơ"
    pdf = client.get(f"/stats/report.pdf?{query}").content
    text = one_line(" ".join(page_text(pdf, i) for i in range(len(pdfium.PdfDocument(pdf)))))
    assert "Sự kiện tháng 01/2027 / Events of 2027-01" in text
    assert "15/12 âm lịch · 22/1/2027 · Lễ Hạ Điền · Đình Thới An · Lễ hội" in text
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/stats/report.xlsx?{query}").content))
    rows = list(book["Sự kiện - Events"].values)
    assert rows[1] == ("2027-01-22", "15/12 âm lịch · 22/1/2027", "Lễ Hạ Điền", "Đình Thới An", "Lễ hội")
    april = list(openpyxl.load_workbook(io.BytesIO(client.get(
        "/stats/report.xlsx?month=2026-03&province=Khánh Hòa").content))["Sự kiện - Events"].values)
    assert [row[2] for row in april[1:]] == ["Ngày 94 người dân làng Thạnh Đức bị sát hại (10/4/1947) (79 năm)",
                                             "Ngày Giải phóng miền Nam, thống nhất đất nước (51 năm)"]
