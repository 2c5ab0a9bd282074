"""Real headless Chromium (Debian's package) against a live `diachido serve`.

Outside CI the tests skip when Chromium is not installed; in CI (CI=true) a missing Chromium fails.
"""


import pytest

from tests.support import PHONE, PHONE_BROWSER, TEST_CONTENT, axe_failures, horizontal_overflow

SLUGS = sorted(path.parent.name for path in TEST_CONTENT.glob("*/index.md"))  # site folders, not journeys/


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_site_pages_fit_a_360px_phone(browser, server, lang, tmp_path):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    foreign = []
    page.on("request", lambda request: request.url.startswith(server) or foreign.append(request.url))
    for slug in SLUGS:
        response = page.goto(f"{server}/sites/{slug}?lang={lang}")
        assert response.status == 200
        heading = page.locator("h1")
        assert heading.is_visible()
        assert heading.inner_text() == page.evaluate("document.title.split(' · ')[0]")
        assert horizontal_overflow(page) <= 0, f"{slug} scrolls sideways at 360 px"
    page.goto(f"{server}/sites/dinh-thoi-an?lang={lang}")
    assert page.locator("h1").inner_text() == {"vi": "Đình Thới An", "en": "Thới An Communal House"}[lang]
    page.screenshot(path=tmp_path / f"dinh-thoi-an-{lang}.png", full_page=True)
    assert foreign == [], "the page loaded something from another host"
    context.close()


def test_home_and_404_fit_a_360px_phone(browser, server):
    context = browser.new_context(viewport=PHONE, is_mobile=True, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{server}/?q=thoi an")
    assert page.locator("ul.cards h2").first.inner_text() == "Đình Thới An"
    assert horizontal_overflow(page) <= 0
    response = page.goto(f"{server}/sites/khong-co")
    assert response.status == 404 and page.locator("h1").inner_text() == "Không tìm thấy trang"
    assert horizontal_overflow(page) <= 0
    page.locator("main a.button").click()
    assert page.url == f"{server}/"
    context.close()


def test_pages_read_without_javascript(browser, server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{server}/sites/chua-pothi-somron")
    assert page.locator("h1").inner_text() == "Chùa Pôthi Somrôn"
    assert "Kiến trúc" in page.locator("article").inner_text()
    page.goto(f"{server}/")
    page.fill("#q", "pi nang tac")
    page.locator("form.search button").click()
    assert page.locator("ul.cards h2").all_inner_texts() == ["Bẫy đá Pi Năng Tắc"]
    page.locator("header .langs a[hreflang=en]").click()
    assert page.locator("ul.cards h2").all_inner_texts() == ["Pi Năng Tắc Stone Traps"]
    context.close()


def test_pages_pass_axe_accessibility_checks(browser, server):
    """axe-core (WCAG 2.1 A/AA and best practices): contrast, labels, alt text, landmarks, headings."""
    # bypass_csp lets the test inject axe-core into pages whose policy forbids every script.
    context = browser.new_context(viewport=PHONE, locale="vi-VN", bypass_csp=True)
    page = context.new_page()
    paths = ["/", "/?q=dinh", "/sites/khong-co", "/sites/dinh-thoi-an?lang=en", *(f"/sites/{slug}" for slug in SLUGS),
             "/q/pothi", "/stats", "/stats?sort=name&lang=en"]
    assert axe_failures(page, server, paths) == {}
    context.close()


def test_a_scan_in_a_phone_browser_opens_the_page_and_the_stats_show_it(browser, server):
    """A phone scans a plaque; the organiser's /stats page then shows the scan, sorts, and fits the phone."""
    phone = browser.new_context(viewport=PHONE, is_mobile=True, locale="vi-VN", user_agent=PHONE_BROWSER["User-Agent"])
    page = phone.new_page()
    response = page.goto(f"{server}/q/LINHSON")
    assert response.status == 200 and page.locator("h1").inner_text() == "Linh Sơn Cổ Miếu"
    page.goto(f"{server}/stats?sort=scans")
    first_row = page.locator("tbody tr").first
    assert first_row.locator("th").inner_text() == "Linh Sơn Cổ Miếu"
    assert int(first_row.locator("td").first.inner_text()) >= 1
    assert first_row.locator("svg.spark path").count() == 2
    page.locator("thead a", has_text="Di tích").click()
    assert page.url.endswith("/stats?sort=name")
    assert page.locator("tbody th").first.inner_text() == "Bẫy đá Pi Năng Tắc"
    assert horizontal_overflow(page) <= 0
    phone.close()
