"""The Khmer page of Chùa Pôthi Somrôn in real headless Chromium at 360 px, with a phone set to Khmer."""

import os

from tests.support import PHONE_BROWSER

PHONE = {"width": 360, "height": 740}
REVIEW_VI = "Bản dịch này đang chờ người bản ngữ duyệt lại."


def test_khmer_page_fits_a_360px_phone_with_the_review_notice_and_vietnamese_first(browser, server, tmp_path):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="km-KH", user_agent=PHONE_BROWSER["User-Agent"])
    page = context.new_page()
    response = page.goto(f"{server}/q/pothi")  # a plaque scan: the language comes from the phone
    assert response.status == 200
    assert page.evaluate("document.documentElement.lang") == "km"
    assert page.locator("h1").inner_text() == "វត្តពោធិសំរោង"
    notice = page.locator("p.review")
    assert notice.is_visible() and REVIEW_VI in notice.inner_text()
    assert notice.locator('span[lang="km"]').inner_text().startswith("ការបកប្រែនេះ")
    assert page.locator("nav.langs a").all_inner_texts() == ["Tiếng Việt", "English", "ខ្មែរ"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=os.environ.get("KHMER_SCREENSHOT", tmp_path / "pothi-km.png"), full_page=True)
    page.locator("nav.langs a", has_text="Tiếng Việt").click()  # the picker: remembered for the next scan
    assert page.locator("h1").inner_text() == "Chùa Pôthi Somrôn"
    page.goto(f"{server}/q/pothi")
    assert page.locator("h1").inner_text() == "Chùa Pôthi Somrôn"
    context.close()
