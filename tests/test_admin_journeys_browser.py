"""The admin's journey form in real headless Chromium on a 360 px phone, against a live `diachido serve`."""

import shutil

import pytest

from sites.stores import user_store
from tests.live import live_server
from tests.support import (
    PHONE,
    PHONE_BROWSER,
    STAFF,
    STAFF_PASSWORD,
    TEST_CONTENT,
    axe_failures,
    horizontal_overflow,
    read_front_matter,
)

pytestmark = pytest.mark.live  # every test here starts a real `diachido serve`


def test_an_editor_creates_a_journey_on_a_phone_reordering_stops_with_the_buttons(browser, tmp_path):
    shutil.copytree(TEST_CONTENT, tmp_path / "content")
    user_store(tmp_path / "data", None).add("lan", STAFF_PASSWORD, *STAFF["lan"])
    with live_server(tmp_path / "content", tmp_path / "data") as base_url:
        # The journey form loads no script: its row buttons are plain submit buttons.
        context = browser.new_context(viewport=PHONE, user_agent=PHONE_BROWSER["User-Agent"], locale="vi-VN")
        page = context.new_page()
        page.goto(f"{base_url}/admin/login?next=/admin/journeys")
        page.fill("#f-name", "lan")
        page.fill("#f-password", STAFF_PASSWORD)
        page.get_by_role("button", name="Đăng nhập / Log in").click()
        page.wait_for_url(f"{base_url}/admin/journeys")
        page.get_by_role("link", name="+ Thêm hành trình / Add a journey").click()
        page.fill("#f-name", "Về nguồn Phú Luông")
        page.fill("#f-summary", "Hai ngôi đình làng ở Ô Môn.")
        page.select_option("#f-travel_mode", "bicycle")
        for site in ("dinh-thoi-an", "dinh-phu-luong"):
            page.select_option(f"select[name='stops.{page.locator('li.stop').count()}.site']", site)
            page.get_by_role("button", name="+ Thêm vào hành trình / Add to the journey").click()
        assert page.locator("li.stop").count() == 2
        assert page.locator("li.stop .location-problem").count() == 2, "both sites sit on the district centre"
        page.get_by_role("button", name="↑ Lên / Up (điểm 2 / stop 2)").click()
        assert page.locator("#f-stops-0-site").input_value() == "dinh-phu-luong"
        page.fill("#f-stops-0-note", "Bắt đầu ở bên rạch Dì Tho.")
        assert horizontal_overflow(page) <= 0
        page.get_by_role("button", name="Lưu nháp / Save draft").click()
        page.wait_for_url(f"{base_url}/admin/journeys/ve-nguon-phu-luong?saved=1")
        assert horizontal_overflow(page) <= 0
        front, _ = read_front_matter(tmp_path / "content" / "journeys" / "ve-nguon-phu-luong" / "index.md")
        assert front["stops"] == [{"site": "dinh-phu-luong", "note": "Bắt đầu ở bên rạch Dì Tho."},
                                  {"site": "dinh-thoi-an"}]
        assert front["published"] is False
        assert axe_failures(page, base_url, ["/admin/journeys", "/admin/journeys/ve-nguon-phu-luong"]) == {}
        context.close()
