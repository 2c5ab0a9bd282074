"""The admin in real headless Chromium against a live `diachido serve`, with accounts made by the CLI."""

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from tests.live import live_server
from tests.support import PHONE, TEST_CONTENT, adduser, axe_failures, log_in, photo_bytes, snapshot

pytestmark = pytest.mark.live  # every test here starts a real `diachido serve`

LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def admin_server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("admin")
    shutil.copytree(TEST_CONTENT, root / "content")
    adduser(root / "data", "lan", "--role", "editor", "--province", "Cần Thơ")
    adduser(root / "data", "minh", "--role", "editor", "--province", "Khánh Hòa")
    # Tiles from the server itself (they 404): the test never reaches another host.
    with live_server(root / "content", root / "data", tile_url="/tiles/{z}/{x}/{y}.png") as base_url:
        yield base_url, root / "content"


# The page's first photo has arrived and decoded (raises when it has not within the timeout).
PHOTO_SHOWN = ("() => { const img = document.querySelector('article img'); "
               "return img && img.complete && img.naturalWidth > 0; }")


def test_staff_create_a_site_with_a_photo_publish_it_and_scan_its_qr_code(browser, admin_server, tmp_path):
    base_url, content_dir = admin_server
    context = browser.new_context(viewport=LAPTOP, locale="vi-VN")
    page = context.new_page()
    foreign = []
    page.on("request", lambda request: request.url.startswith(base_url) or foreign.append(request.url))
    log_in(page, base_url, "lan")
    page.get_by_role("link", name="Thêm / Add").click()
    page.wait_for_load_state("load")  # admin.js is deferred: it listens to the name only once it has run
    page.fill("#f-name", "Đình Mỹ Khánh")
    page.wait_for_function("document.querySelector('#f-slug').value !== ''", timeout=5000)
    assert page.input_value("#f-slug") == "dinh-my-khanh", "the slug is proposed from the name as staff type"
    page.select_option("#f-category", "dinh")
    page.fill("#f-address-text", "Xã Mỹ Khánh, huyện Phong Điền")
    page.fill("#f-summary", "Đình làng có từ thế kỷ XIX.")
    page.fill("#f-body", "## Lịch sử\n\nĐình được dựng năm 1850.")
    page.locator("#location-map").click()  # the map opens on Vietnam; a click sets both coordinates
    lat, lon = float(page.input_value("#f-location-lat")), float(page.input_value("#f-location-lon"))
    assert 7 < lat < 24 and 101 < lon < 118
    photo = tmp_path / "Cổng đình.jpg"
    photo.write_bytes(photo_bytes(size=(1200, 800), orientation=6, gps=True))
    page.set_input_files("#f-photo_upload", photo)
    page.fill("#f-new_photo-caption", "Cổng đình")
    page.fill("#f-new_photo-credit", "Đoàn xã Mỹ Khánh, CC BY 4.0")
    page.get_by_role("button", name="Lưu nháp / Save draft").click()
    page.wait_for_url(f"{base_url}/admin/sites/dinh-my-khanh?saved=1")
    assert page.get_by_role("status").inner_text() == "Đã lưu. / Saved."
    assert (content_dir / "dinh-my-khanh" / "cong-dinh.jpg").is_file()
    assert page.goto(f"{base_url}/sites/dinh-my-khanh").status == 404, "a draft is hidden from visitors"

    page.goto(f"{base_url}/admin/sites/dinh-my-khanh/preview")
    assert page.locator("h1").inner_text() == "Đình Mỹ Khánh"
    page.wait_for_function(PHOTO_SHOWN, timeout=10_000)  # its variant is made on first request, in a thread

    page.goto(f"{base_url}/admin/sites/dinh-my-khanh")
    page.get_by_role("button", name="Lưu và xuất bản / Save and publish").click()
    page.wait_for_url(f"{base_url}/admin/sites/dinh-my-khanh?saved=1")
    assert "Đã xuất bản" in page.locator("main p.meta").first.inner_text()

    page.goto(f"{base_url}/")
    assert "Đình Mỹ Khánh" in page.locator("ul.cards h2").all_inner_texts()
    listed = page.request.get(f"{base_url}/api/sites").json()["sites"]
    site = next(site for site in listed if site["slug"] == "dinh-my-khanh")
    assert site["code"] == "dinhmykhanh" and site["url"] == f"{base_url}/sites/dinh-my-khanh"
    page.goto(site["url"])
    page.wait_for_function(PHOTO_SHOWN, timeout=10_000)  # its variant is made on first request, in a thread
    qr = page.request.get(f"{base_url}/qr/dinh-my-khanh.png")
    assert qr.status == 200 and qr.headers["content-type"] == "image/png"
    scan_url = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.body())))[0].text
    assert scan_url == f"{base_url}/q/{site['code']}"
    page.goto(scan_url)
    assert page.locator("h1").inner_text() == "Đình Mỹ Khánh"
    assert foreign == []
    context.close()


def test_an_editor_of_another_province_is_refused(browser, admin_server):
    base_url, content_dir = admin_server
    before = snapshot(content_dir)
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    log_in(page, base_url, "minh")  # edits Khánh Hòa; Đình Thới An is in Cần Thơ
    assert page.locator("a[href='/admin/sites/dinh-thoi-an']").count() == 0, "no edit link"
    response = page.goto(f"{base_url}/admin/sites/dinh-thoi-an")
    assert response.status == 403 and "Bạn chỉ được sửa di tích của tỉnh Khánh Hòa" in page.content()
    page.goto(f"{base_url}/admin/new")
    token = page.locator("input[name=csrf_token]").first.input_value()
    written = page.request.post(f"{base_url}/admin/sites/dinh-thoi-an", form={
        "csrf_token": token, "name": "Đình bị sửa", "category": "dinh", "address.text": "X",
        "address.province": "Khánh Hòa", "summary": "S", "slug": "dinh-thoi-an", "code": "thoian"})
    assert written.status == 403
    assert snapshot(content_dir) == before
    context.close()


def test_admin_pages_pass_axe_accessibility_checks(browser, admin_server):
    base_url, _ = admin_server
    context = browser.new_context(viewport=PHONE, locale="vi-VN", bypass_csp=True)
    page = context.new_page()
    assert axe_failures(page, base_url, ["/admin/login"]) == {}
    log_in(page, base_url, "lan")
    assert axe_failures(page, base_url, ["/admin", "/admin/new", "/admin/sites/dinh-thoi-an", "/admin/import"]) == {}
    context.close()
