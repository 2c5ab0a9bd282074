"""Issue 28 at 360 x 740 in headless Chromium against a live `diachido serve`: the teacher's table is a card
per student with the score and completion on screen and nothing sideways; the admin menu folds into a
<details> so each page's content starts on the first screen (and opens without JavaScript); a student's stamp
note has no stray "·" beside its button.

With DOC_SCREENSHOTS set, the screenshots of the teacher's table and the admin menu at 360 px go to
docs/screenshots/ (for docs/teachers.md and docs/staff.md); otherwise to the test's temporary folder."""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live import live_server
from tests.support import PHONE, TEST_CONTENT, adduser, horizontal_overflow, log_in, phone

pytestmark = pytest.mark.live

DOCS_SCREENSHOTS = Path(__file__).parent.parent / "docs" / "screenshots"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("teacher-phone")
    shutil.copytree(TEST_CONTENT, root / "content")
    adduser(root / "data", "lan", "--role", "editor", "--province", "Cần Thơ")
    with live_server(root / "content", root / "data", tile_url="/tiles/{z}/{x}/{y}.png") as url:
        yield url


@pytest.fixture
def shots(tmp_path) -> Path:
    return DOCS_SCREENSHOTS if os.environ.get("DOC_SCREENSHOTS") else tmp_path


def teacher_page(browser, base_url: str):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", java_script_enabled=False)
    page = context.new_page()
    log_in(page, base_url, "lan")
    return page


def test_the_admin_menu_folds_on_a_phone_and_opens_without_javascript(browser, base_url, shots):
    page = teacher_page(browser, base_url)
    for path in ("/admin", "/admin/outings", "/admin/journeys/ve-nguon-o-mon", "/admin/import"):
        page.goto(f"{base_url}{path}")
        assert not page.locator("nav.admin-nav.wide").is_visible(), path
        assert page.locator("details.admin-menu summary").is_visible(), path
        heading = page.locator("main h1").bounding_box()
        assert heading["y"] + heading["height"] < PHONE["height"] / 2, (path, heading)  # content on the first screen
        assert horizontal_overflow(page) <= 0, path
    page.goto(f"{base_url}/admin/outings")
    page.screenshot(path=shots / "admin-menu-closed-360.png")
    page.locator("details.admin-menu summary").click()
    menu = page.locator("details.admin-menu nav")
    assert menu.get_by_role("link", name="Chuyến đi của lớp / Class outings").is_visible()
    assert menu.get_by_role("button", name=re.compile("Đăng xuất")).is_visible()
    assert horizontal_overflow(page) <= 0
    page.screenshot(path=shots / "admin-menu-open-360.png")
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.locator("nav.admin-nav.wide").is_visible() and not page.locator("details.admin-menu").is_visible()
    page.context.close()


def test_the_teachers_table_is_a_card_per_student_on_a_phone(browser, base_url, shots):
    teacher = teacher_page(browser, base_url)
    teacher.goto(f"{base_url}/admin/outings/new")
    teacher.select_option("#f-journey", "ve-nguon-o-mon")
    teacher.fill("#f-name", "Lớp 10A1 – về nguồn")
    teacher.fill("#f-pass_percent", "50")
    teacher.get_by_role("button", name=re.compile("Tạo chuyến đi")).click()
    code = teacher.inner_text("#class-code")
    students = browser.new_context(viewport=PHONE, user_agent=phone(7)["User-Agent"], locale="vi-VN")
    student = students.new_page()
    for nickname in ("Ánh", "Bảo Ngọc Nguyễn Thị"):
        students.clear_cookies()
        student.goto(f"{base_url}/class/{code}")
        student.fill("#nickname", nickname)
        student.locator('form[action*="/join"] button').click()
        student.wait_for_url(re.compile(r".*/passport\?joined=1.*"))
        assert "Điểm đạt: trả lời đúng ít nhất" in student.inner_text("#pass-mark")
        student.goto(f"{base_url}/q/thoian")
        note = student.locator("p.note.stamp")
        assert note.inner_text().startswith("Đã đóng dấu hộ chiếu") and "·" not in note.inner_text()
    students.close()

    teacher.goto(f"{base_url}/admin/outings/{code}")
    assert horizontal_overflow(teacher) <= 0
    rows = teacher.locator("#outing-table tbody tr")
    assert rows.count() == 2
    for index in range(2):
        row = rows.nth(index)
        box = row.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        for label in ("Điểm / Score", "Hoàn thành / Complete"):
            cell = row.locator(f'td[data-label="{label}"]').bounding_box()
            assert cell["x"] >= 0 and cell["x"] + cell["width"] <= PHONE["width"], (label, cell)
            assert cell["width"] > 0 and cell["height"] > 0
    assert rows.nth(0).locator('td[data-label="Hoàn thành / Complete"]').inner_text() == "Chưa / Not yet"
    assert teacher.evaluate("getComputedStyle(document.querySelector('#outing-table tbody tr')).display") == "block"
    teacher.locator("#outing-table").screenshot(path=shots / "teacher-table-cards-360.png")
    teacher.context.close()
