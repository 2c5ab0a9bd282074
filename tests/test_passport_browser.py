"""A student's passport in a real headless Chromium at phone size against a live `diachido serve` (issue 14):
joining through the form, a scan that waits for the teacher's distance check (the browser's location, allowed),
a quiz answered by tapping, and the passport page at 360 px."""

import shutil
from datetime import UTC, datetime, timedelta

import pytest

from sites.outings.store_sqlite import OUTINGS_FILE, SQLiteOutingStore
from tests.live import live_server
from tests.support import PHONE, PHONE_BROWSER, TEST_CONTENT, edit_site, horizontal_overflow

pytestmark = pytest.mark.live  # every test here starts a real `diachido serve`

PLAQUE = (10.1244, 105.6308)  # Đình Thới An, located exactly for this test


def test_a_student_joins_stamps_where_the_plaque_is_and_answers_on_a_phone(browser, tmp_path):
    shutil.copytree(TEST_CONTENT, tmp_path / "content")
    edit_site(tmp_path / "content", "dinh-thoi-an", location={"lat": PLAQUE[0], "lon": PLAQUE[1], "precision": "exact"})
    (tmp_path / "data").mkdir()
    now = datetime.now(UTC)
    outing = SQLiteOutingStore(tmp_path / "data" / OUTINGS_FILE).create(
        "ve-nguon-o-mon", "Lớp 9A1", "Cần Thơ", now - timedelta(hours=1), now + timedelta(hours=2), "lan", now,
        max_distance_m=200)
    with live_server(tmp_path / "content", tmp_path / "data", narrate_ahead="false") as base_url:
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN",
                                      user_agent=PHONE_BROWSER["User-Agent"], permissions=["geolocation"],
                                      geolocation={"latitude": PLAQUE[0] + 0.0005, "longitude": PLAQUE[1]})
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{base_url}/class")
        page.fill("#class-code", outing.code.lower())
        page.get_by_role("button", name="Vào").click()
        page.fill("#nickname", "Lan Anh")
        page.get_by_role("button", name="Nhận hộ chiếu").click()
        assert page.locator("#recovery-code").is_visible() and horizontal_overflow(page) <= 0

        page.goto(f"{base_url}/q/thoian")
        page.get_by_role("button", name="Đóng dấu tại đây").click()
        page.wait_for_url(f"{base_url}/passport/quiz/dinh-thoi-an")
        page.locator("section.question").first.locator("label").first.click()
        page.locator("section.question").first.get_by_role("button", name="Trả lời").click()
        page.wait_for_url("**/passport/quiz/dinh-thoi-an?answered=*")
        assert page.locator("section.question .result").count() == 1 and horizontal_overflow(page) <= 0

        page.goto(f"{base_url}/passport")
        assert "Dấu: 1/5" in page.inner_text("#passport-score") and horizontal_overflow(page) <= 0
        assert errors == []
        context.close()
