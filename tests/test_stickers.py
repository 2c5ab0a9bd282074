"""Staff's print pages for plates (issue 25): the sticker sheets, every code on a sheet decoded, and the preview of
an engraved plate on a site's edit page."""

import io
import math
import re

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from qr.stickers import Sticker, short_name, stickers
from tests.support import BASE_URL, TEST_CONTENT, page_image

CAN_THO = {"thoian", "pothi"}  # two of the codes of Cần Thơ's published sites in tests/content


def codes_on(pdf: bytes, index: int) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(page_image(pdf, index),
                                                           formats=zxingcpp.BarcodeFormat.QRCode)]


@pytest.mark.slow
def test_sticker_sheets_are_a4_pages_of_codes_that_all_read(staff_client):
    client = staff_client()
    assert 'href="/admin/stickers.pdf?size=50"' in client.get("/admin").text
    urls = {f"{BASE_URL}/q/{code}" for code in re.findall(r"^code: (\w+)$", "".join(
        index.read_text(encoding="utf-8") for index in TEST_CONTENT.glob("*/index.md")), re.M)}
    response = client.get("/admin/stickers.pdf", params={"size": 50})
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    document = pdfium.PdfDocument(response.content)
    per_sheet = 3 * 5  # 50 mm stickers with 6 mm gutters on A4 inside 10 mm margins
    assert len(document) == math.ceil(len(urls) / per_sheet)
    width, height = document[0].get_size()
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    assert set(codes_on(response.content, 0)) == urls


@pytest.mark.slow
def test_a_provinces_stickers_hold_only_its_sites(staff_client):
    client = staff_client()
    response = client.get("/admin/stickers.pdf", params={"size": 60, "province": "Cần Thơ"})
    found = {url.rsplit("/", 1)[1] for url in codes_on(response.content, 0)}
    assert CAN_THO <= found and "thanhduc" not in found
    assert client.get("/admin/stickers.pdf", params={"province": "Atlantis"}).status_code == 422


@pytest.mark.parametrize("size", [40, 20, 200])
def test_stickers_whose_code_would_be_under_25_mm_are_refused(staff_client, size):
    response = staff_client().get("/admin/stickers.pdf", params={"size": size})
    assert response.status_code == 422
    assert "25 mm" in response.json()["detail"] or "30-120 mm" in response.json()["detail"]


def test_sticker_sheets_are_for_staff_only(client):
    response = client.get("/admin/stickers.pdf", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/admin/login")


def test_a_long_name_is_cut_at_a_word():
    name = "Khu di tích lịch sử cách mạng Đình Thới An và nhà bia tưởng niệm các anh hùng liệt sĩ"
    assert short_name(name) == "Khu di tích lịch sử cách mạng Đình Thới An và…"
    assert short_name("Đình Thới An") == "Đình Thới An"
    pdf = stickers([Sticker(name, f"{BASE_URL}/q/thoian")], 30 + 14)
    assert codes_on(pdf, 0) == [f"{BASE_URL}/q/thoian"]


def test_the_edit_page_previews_the_plate_it_would_engrave(staff_client, client):
    staff = staff_client()
    page = staff.get("/admin/sites/dinh-thoi-an", params={"plate_size": "300x200", "plate_material": "wood",
                                                          "plate_holes": "2"}).text
    assert 'src="/admin/sites/dinh-thoi-an/plaque.png?size=300x200&amp;material=wood&amp;holes=2"' in page
    assert 'href="/plaques/dinh-thoi-an.dxf?size=300x200&amp;material=wood&amp;holes=2"' in page
    preview = staff.get("/admin/sites/dinh-thoi-an/plaque.png", params={"size": "300x200", "material": "wood"})
    assert preview.status_code == 200 and preview.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(preview.content))
    assert image.size == (480, 320)
    assert [found.text for found in zxingcpp.read_barcodes(image)] == [f"{BASE_URL}/q/thoian"]
    refused = staff.get("/admin/sites/dinh-thoi-an/plaque.png", params={"size": "60x60"})
    assert refused.status_code == 422
    anonymous = client.get("/admin/sites/dinh-thoi-an/plaque.png", follow_redirects=False)
    assert anonymous.status_code == 303
