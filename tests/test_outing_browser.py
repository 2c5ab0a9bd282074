"""Issue 14's "done when", in real headless Chromium against a live `diachido serve`: a teacher creates a
class outing for the Ô Môn journey in the admin; three students, each in their own browser context (a phone
of 360 x 740), join with the class code, get stamps by scanning the plaques (`/q/CODE`) and answer the quizzes;
two finish and download certificates whose QR code decodes to a `/verify/...` URL that says genuine; the
teacher's table and its CSV match; a tampered id is refused; the third student's partial progress shows.

With DOC_SCREENSHOTS set, the screenshots of the passport, the teacher's table, the class sheet and a
certificate go to docs/screenshots/ (for docs/teachers.md); otherwise to the test's temporary folder. (Not a
DIACHIDO_ name: the CLI refuses DIACHIDO_* variables that are not settings.)
"""

import csv
import io
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp

from sites.catalog.journey_loader import load_all
from tests.live import live_server
from tests.support import PHONE, TEST_CONTENT, adduser, horizontal_overflow, log_in, page_image, phone

pytestmark = pytest.mark.live  # every test here starts a real `diachido serve`

JOURNEY = "ve-nguon-o-mon"
DESKTOP = {"width": 1366, "height": 900}
DOCS_SCREENSHOTS = Path(__file__).parent.parent / "docs" / "screenshots"


@pytest.fixture(scope="module")
def class_server(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("outing")
    shutil.copytree(TEST_CONTENT, root / "content")
    adduser(root / "data", "lan", "--role", "editor", "--province", "Cần Thơ")
    with live_server(root / "content", root / "data", tile_url="/tiles/{z}/{x}/{y}.png") as base_url:
        yield base_url


@pytest.fixture
def shots(tmp_path) -> Path:
    return DOCS_SCREENSHOTS if os.environ.get("DOC_SCREENSHOTS") else tmp_path


def qr_codes(pdf: bytes) -> list[str]:
    return [code.text for code in zxingcpp.read_barcodes(page_image(pdf))]


def student(browser, number: int):
    context = browser.new_context(viewport=PHONE, user_agent=phone(number)["User-Agent"], locale="vi-VN")
    return context, context.new_page()


def join(page, base_url: str, code: str, nickname: str) -> str:
    """Join the class through its link; returns the recovery code the passport shows."""
    page.goto(f"{base_url}/class/{code}")
    page.fill("#nickname", nickname)
    page.locator('form[action*="/join"] button').click()
    page.wait_for_url(re.compile(r".*/passport\?joined=1.*"))
    return page.inner_text("#recovery-code")


def scan_and_answer(page, base_url: str, stop, right: bool, questions: int | None = None) -> None:
    """Scan the stop's plaque, follow the page's link to its quiz and answer (the right choice, or always the
    first); `questions` stops after that many answers."""
    page.goto(f"{base_url}/q/{stop.site.code}")
    page.locator(".stamp a.button").click()
    page.wait_for_url(re.compile(rf".*/passport/quiz/{stop.site.slug}.*"))
    for question in list(stop.site.quiz)[:questions]:
        choice = question.answer if right else 1
        page.check(f"#q-{question.id}-{choice}")
        page.locator(f"#q-{question.id} button").click()
        page.wait_for_selector(f"#q-{question.id} .result")


def download_certificate(page) -> bytes:
    page.goto(page.url.split("/passport")[0] + "/passport")
    with page.expect_download() as download:
        page.locator(".note a.button").click()
    return Path(download.value.path()).read_bytes()


def test_a_class_of_three_on_the_o_mon_journey(browser, class_server, shots):
    base_url = class_server
    journey = load_all(TEST_CONTENT).journeys.get(JOURNEY)
    stops = journey.stops
    total = sum(len(stop.site.quiz) for stop in stops)
    assert total >= len(stops)  # every bundled stop has a quiz

    teacher = browser.new_context(viewport=DESKTOP, locale="vi-VN").new_page()
    log_in(teacher, base_url, "lan")
    teacher.goto(f"{base_url}/admin/outings/new")
    teacher.select_option("#f-journey", JOURNEY)
    teacher.fill("#f-name", "Lớp 10A1 – về nguồn Ô Môn")
    teacher.screenshot(path=shots / "teacher-new-outing-1366.png", full_page=True)
    teacher.locator(".actions button.primary").click()
    teacher.wait_for_url(re.compile(r".*/admin/outings/[A-Z0-9]{6}$"))
    code = teacher.inner_text("#class-code")
    sheet = teacher.request.get(f"{base_url}/admin/outings/{code}/sheet.pdf")
    assert sheet.ok and qr_codes(sheet.body()) == [f"{base_url}/class/{code}"]
    page_image(sheet.body()).save(shots / "teacher-class-sheet.png")

    students = {name: student(browser, number) for number, name in enumerate(("Ánh", "Bảo", "Chi"), start=1)}
    for name, (_, page) in students.items():
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", join(page, base_url, code, name))
    for stop in stops:
        scan_and_answer(students["Ánh"][1], base_url, stop, right=True)
        scan_and_answer(students["Bảo"][1], base_url, stop, right=False)
    for stop in stops[:2]:
        scan_and_answer(students["Chi"][1], base_url, stop, right=True, questions=1)
    bao_score = sum(question.answer == 1 for stop in stops for question in stop.site.quiz)

    anh = students["Ánh"][1]
    anh.goto(f"{base_url}/passport")
    assert f"{total}/{total}" in anh.inner_text("#passport-score")
    assert horizontal_overflow(anh) <= 0
    anh.screenshot(path=shots / "passport-360.png", full_page=True)
    anh.set_viewport_size(DESKTOP)
    anh.screenshot(path=shots / "passport-1366.png", full_page=True)
    anh.set_viewport_size(PHONE)

    verify_urls = {}
    for name in ("Ánh", "Bảo"):
        pdf = download_certificate(students[name][1])
        [url] = qr_codes(pdf)
        assert url.startswith(f"{base_url}/verify/")
        verify_urls[name] = url
        if name == "Ánh":
            page_image(pdf).save(shots / "passport-certificate.png")
    for name, url in verify_urls.items():
        page = students[name][1]
        response = page.goto(url)
        assert response.status == 200
        assert "Chứng nhận hợp lệ" in page.inner_text("#verdict") and name in page.inner_text("dl.facts")
        assert horizontal_overflow(page) <= 0
        if name == "Ánh":
            page.screenshot(path=shots / "passport-verify-360.png", full_page=True)
    assert f"{bao_score}/{total}" in students["Bảo"][1].inner_text("dl.facts")
    chi = students["Chi"][1]
    chi.goto(f"{base_url}/passport")
    assert chi.locator(".note a.button").count() == 0  # no certificate before the end
    assert chi.request.get(f"{base_url}/passport/certificate.pdf").status == 409

    url = verify_urls["Ánh"]
    tampered = url[:-6] + ("A" if url[-6] != "A" else "B") + url[-5:]
    response = anh.goto(tampered)
    assert response.status == 404 and "không hợp lệ" in anh.inner_text("#verdict")

    teacher.goto(f"{base_url}/admin/outings/{code}")
    rows = teacher.locator("#outing-table tbody tr")
    shown = {rows.nth(index).locator("th").inner_text(): [cell.inner_text() for cell in
                                                            rows.nth(index).locator("td").all()]
             for index in range(rows.count())}
    assert list(shown) == ["Ánh", "Bảo", "Chi"]
    assert shown["Ánh"][-3:] == [f"{total}/{total}", f"{total}/{total}", "Có / Yes"]
    assert shown["Bảo"][-3:] == [f"{total}/{total}", f"{bao_score}/{total}", "Có / Yes"]
    chi_stamps = shown["Chi"][:len(stops)]
    assert all(re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", stamp) for stamp in chi_stamps[:2])
    assert chi_stamps[2:] == ["–"] * (len(stops) - 2)
    assert shown["Chi"][-3:] == [f"2/{total}", f"2/{total}", "Chưa / Not yet"]
    teacher.screenshot(path=shots / "teacher-table-1366.png", full_page=True)
    teacher.set_viewport_size(PHONE)
    assert horizontal_overflow(teacher) <= 0  # a card per student (issue 28), nothing sideways
    for label in ("Điểm / Score", "Hoàn thành / Complete"):
        cell = teacher.locator(f'#outing-table tbody tr td[data-label="{label}"]').first.bounding_box()
        assert 0 <= cell["x"] and cell["x"] + cell["width"] <= PHONE["width"], (label, cell)
    teacher.screenshot(path=shots / "teacher-table-360.png", full_page=True)

    exported = teacher.request.get(f"{base_url}/admin/outings/{code}/table.csv")
    table = list(csv.reader(io.StringIO(exported.body().decode("utf-8-sig"))))
    assert [row[0] for row in table[1:]] == list(shown)
    for row in table[1:]:
        stamps, answered, score, complete = row[1:1 + len(stops)], row[-3], row[-2], row[-1]
        assert [stamp or "–" for stamp in stamps] == shown[row[0]][:len(stops)]
        assert [f"{answered}/{total}", f"{score}/{total}"] == shown[row[0]][-3:-1]
        assert (complete == "có / yes") == (shown[row[0]][-1] == "Có / Yes")
