"""The calendar page in headless Chromium at 360 x 740 (issue 24): it fits, reads and filters without
JavaScript, passes axe-core, and the home page's "Sắp tới" and a site's next event fit too. The live server
counts from the real day, so the checks hold whatever the month."""

import datetime as dt

from sites.calendar import clock
from tests.support import PHONE, axe_failures, horizontal_overflow


def month_titles(today: dt.date) -> list[str]:
    following = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return [f"Tháng {today.month}/{today.year}", f"Tháng {following.month}/{following.year}"]


def test_the_calendar_fits_360_px_and_filters_without_javascript(browser, server, tmp_path):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    response = page.goto(f"{server}/calendar")
    assert response.status == 200
    assert page.locator("main h2").all_inner_texts()[:2] == month_titles(clock.today())
    assert horizontal_overflow(page) <= 0
    page.screenshot(path=tmp_path / "calendar-360.png", full_page=True)
    assert (tmp_path / "calendar-360.png").stat().st_size > 10_000
    page.select_option("#province", "Khánh Hòa")
    page.select_option("#kind", "festival")
    page.locator("form.search button").click()
    assert "province=Kh%C3%A1nh+H%C3%B2a" in page.url and "kind=festival" in page.url
    rows = page.locator("ul.events li").all_inner_texts()
    assert all("Lễ hội" in row for row in rows)  # Khánh Hòa's sites keep no festival: none, or none but festivals
    assert horizontal_overflow(page) <= 0
    page.goto(f"{server}/")
    assert page.locator("#upcoming").inner_text() == "Sắp tới"
    assert page.locator("section[aria-labelledby=upcoming] ul.events li").count() == 3
    assert horizontal_overflow(page) <= 0
    page.goto(f"{server}/sites/dinh-thoi-an")
    next_event = page.locator("aside[aria-label='Sự kiện sắp tới']").inner_text()
    assert "âm lịch" in next_event and ("Lễ Thượng Điền" in next_event or "Lễ Hạ Điền" in next_event
                                         or "công nhận" in next_event)
    assert horizontal_overflow(page) <= 0
    context.close()


def test_the_calendar_pages_pass_axe_accessibility_checks(browser, server):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", bypass_csp=True)
    page = context.new_page()
    assert axe_failures(page, server, ["/calendar", "/calendar?kind=festival&lang=en", "/"]) == {}
    context.close()
