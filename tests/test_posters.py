"""Posters as a print shop and a visitor get them: each page is rasterised and its QR code decoded (zxing-cpp),
its text extracted with the diacritics, its fonts checked for embedding and its text kept inside the page."""

import io
import re
import unicodedata
from pathlib import Path

import fontpkg
import pypdf
import pypdfium2 as pdfium
import pytest
import zxingcpp
from click.testing import CliRunner
from PIL import Image
from pydantic import ValidationError

from cli.main import main
from qr.codes import QUIET_ZONE_MODULES, module_count
from qr.posters import LAYOUTS, Branding, PosterFormat, PosterText, poster, posters, qr_symbol_mm
from sites.settings import Settings
from tests.support import BASE_URL, DPI, TEST_CONTENT, add_site, fonts, one_line, page_image, page_text

MM_PER_INCH = 25.4
POINTS_PER_MM = 72 / MM_PER_INCH
PAGE_POINTS = {  # 210 x 297 mm, 148 x 210 mm, 200 x 150 mm
    PosterFormat.a4: (595.28, 841.89), PosterFormat.a5: (419.53, 595.28), PosterFormat.plaque: (566.93, 425.2),
}
THOI_AN = PosterText(
    name="Đình Thới An",
    category="Đình",
    recognition="Di tích lịch sử - văn hóa cấp thành phố, 2004",
    summary="Đình làng ở Ô Môn, có từ năm 1832.",
    url=f"{BASE_URL}/q/thoian",
)
BRANDING = Branding("Đoàn TNCS Hồ Chí Minh")
# 150 characters, with the hardest Vietnamese letters in it.
LONG_NAME = ("Khu di tích lịch sử cách mạng Đình Thới An, nhà bia tưởng niệm các anh hùng liệt sĩ và "
             "khu căn cứ Tỉnh ủy Cần Thơ thời kỳ kháng chiến: ẩ ặ ỗ ơ ư Đ ữ ỹ ")[:150]


def decode_page(data: bytes, index: int = 0) -> zxingcpp.Barcode:
    """The one QR code printed on page `index`."""
    found = zxingcpp.read_barcodes(page_image(data, index))
    assert len(found) == 1, f"expected one QR code on page {index}, found {len(found)}"
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0]


def char_boxes(data: bytes, index: int = 0) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each printed character with its box (left, bottom, right, top) in points."""
    textpage = pdfium.PdfDocument(data)[index].get_textpage()
    chars = textpage.get_text_range()
    return [(chars[i], textpage.get_charbox(i)) for i in range(textpage.count_chars()) if not chars[i].isspace()]


def symbol_box(image: Image.Image, barcode: zxingcpp.Barcode) -> tuple[int, int, int, int]:
    """The QR symbol's dark bounding box in pixels, found around the position zxing reports."""
    corners = [barcode.position.top_left, barcode.position.top_right,
               barcode.position.bottom_right, barcode.position.bottom_left]
    xs, ys = [c.x for c in corners], [c.y for c in corners]
    pad = (max(xs) - min(xs)) // 20
    area = (min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)
    left, top, right, bottom = image.crop(area).point(lambda v: 255 if v < 128 else 0).getbbox()
    return area[0] + left, area[1] + top, area[0] + right, area[1] + bottom


@pytest.mark.parametrize("fmt", list(PosterFormat))
def test_each_format_scans_to_the_exact_url_and_shows_the_name(fmt):
    data = poster(THOI_AN, fmt, BRANDING)
    assert decode_page(data).text == f"{BASE_URL}/q/thoian"
    text = one_line(page_text(data))
    for expected in ("Đình Thới An", "Di tích lịch sử - văn hóa cấp thành phố, 2004", "Đình làng ở Ô Môn",
                     "Quét mã để tìm hiểu", "Scan to learn more", "testserver.example/q/thoian",
                     "Đoàn TNCS Hồ Chí Minh"):
        assert expected in text
    assert "://" not in text  # the printed address is the short form people type


@pytest.mark.parametrize("fmt", list(PosterFormat))
def test_page_size_fonts_and_metadata_are_print_ready(fmt):
    data = poster(THOI_AN, fmt, BRANDING)
    document = pdfium.PdfDocument(data)
    assert len(document) == 1
    assert document[0].get_size() == pytest.approx(PAGE_POINTS[fmt], abs=0.1)
    used = fonts(data)
    assert set(used) == {"MPDFAA+BeVietnamPro", "MPDFAA+BeVietnamProBold"}  # the tag marks a subset
    full_font = Path(fontpkg.path("Be Vietnam Pro", 400)).stat().st_size
    assert all(0 < size < full_font / 3 for size in used.values()), used  # embedded, and only the glyphs used
    info = pypdf.PdfReader(io.BytesIO(data)).metadata
    assert info.title == f"Đình Thới An – {LAYOUTS[fmt].label}"
    assert info.author == "Đoàn TNCS Hồ Chí Minh"


def test_text_and_code_are_grey_scale_black_only_the_accent_is_red():
    reader = pypdf.PdfReader(io.BytesIO(poster(THOI_AN, PosterFormat.a4, BRANDING)))
    operators = reader.pages[0].get_contents().get_data().decode("latin-1")
    assert re.search(r"\b0 g\b", operators)  # DeviceGray black for text and modules
    assert not re.search(r"\b(RG|k|K)\b", operators)  # no RGB stroke, no CMYK
    colours = set(re.findall(r"([\d.]+ [\d.]+ [\d.]+) rg", operators))
    assert colours == {"0.8471 0.1373 0.1647"}  # #D8232A, the Youth Union red, for the bands and rule only
    for text in re.findall(r"BT(.*?)ET", operators, re.S):
        assert " rg" not in text  # no text in colour
    red = re.findall(r"rg\s*((?:[\d.-]+ [\d.-]+ [\d.-]+ [\d.-]+ re f\s*)+)", operators)
    assert sum(block.count("re f") for block in red) == 3  # top band, bottom band, the rule under the name


@pytest.mark.parametrize("fmt", list(PosterFormat))
def test_code_size_follows_the_scanning_distance_and_keeps_its_quiet_zone(fmt):
    data = poster(THOI_AN, fmt, BRANDING)
    image = page_image(data)
    left, top, right, bottom = symbol_box(image, decode_page(data))
    symbol_modules = module_count(THOI_AN.url) - 2 * QUIET_ZONE_MODULES
    width_mm = (right - left) / DPI * MM_PER_INCH
    assert width_mm == pytest.approx(qr_symbol_mm(LAYOUTS[fmt].scan_distance_m), rel=0.02)
    assert width_mm >= 25 - 0.5
    quiet = round((right - left) / symbol_modules * QUIET_ZONE_MODULES) - 1
    ring = image.crop((left - quiet, top - quiet, right + quiet, bottom + quiet))
    dark_in_ring = sum(ring.point(lambda v: 1 if v < 128 else 0).histogram()[1:])
    dark_in_symbol = sum(image.crop((left, top, right, bottom)).point(lambda v: 1 if v < 128 else 0).histogram()[1:])
    assert dark_in_ring == dark_in_symbol  # nothing printed in the four white modules around the code


@pytest.mark.parametrize("fmt", list(PosterFormat))
@pytest.mark.parametrize("length", [150, 200])  # the example, and the longest name content may have
def test_a_long_name_wraps_and_stays_inside_the_margins(fmt, length):
    name = f"{LONG_NAME} {LONG_NAME}"[:length]
    assert len(name) == length and len(LONG_NAME) == 150
    site = PosterText(name, "Di tích cách mạng", "Di tích lịch sử cấp quốc gia đặc biệt, 2012", "Tóm tắt. " * 33,
                      f"{BASE_URL}/q/thoian")
    data = poster(site, fmt, BRANDING)
    assert name.strip() in one_line(page_text(data))
    width, height = PAGE_POINTS[fmt]
    margin = LAYOUTS[fmt].margin * POINTS_PER_MM - 1  # a point of tolerance for rounding
    boxes = char_boxes(data)
    outside = [char for char, (left, bottom, right, top) in boxes
               if left < margin or bottom < margin or right > width - margin or top > height - margin]
    assert boxes and outside == []
    assert decode_page(data).text == site.url


def test_a_word_longer_than_a_line_is_broken_between_letters_not_cut():
    word = "Thớiẩnặỗơư" * 15
    data = poster(PosterText(word, "Đình", None, word, THOI_AN.url), PosterFormat.plaque, BRANDING)
    printed = "".join(page_text(data).split())
    assert printed.count(word) == 2  # the name and the summary, every letter of both
    width, height = PAGE_POINTS[PosterFormat.plaque]
    assert all(0 < left and right < width and 0 < bottom and top < height
               for _, (left, bottom, right, top) in char_boxes(data))


def test_decomposed_input_is_printed_precomposed():
    decomposed = unicodedata.normalize("NFD", "Đình Thới An")
    assert decomposed != "Đình Thới An"
    site = PosterText(decomposed, "Đình", None, unicodedata.normalize("NFD", "Có từ năm 1832."), THOI_AN.url)
    assert "Đình Thới An" in page_text(poster(site, PosterFormat.a5, Branding(unicodedata.normalize("NFD", "Đoàn"))))


def test_batch_has_one_page_per_site_in_order_and_one_embedded_font_program_per_weight():
    sites = [PosterText(f"Di tích số {i}", "Đình", None, "Tóm tắt.", f"{BASE_URL}/q/site{i}") for i in range(5)]
    data = posters(sites, PosterFormat.plaque, BRANDING)
    assert len(pdfium.PdfDocument(data)) == 5
    for i in range(5):
        assert f"Di tích số {i}" in page_text(data, i)
        assert decode_page(data, i).text == f"{BASE_URL}/q/site{i}"
    assert len(fonts(data)) == 2  # regular and bold, shared by every page


@pytest.mark.parametrize("size", [(120, 120), (2000, 100)])  # square, and very wide
def test_logo_is_printed_beside_the_organisation(tmp_path, size):
    logo = tmp_path / "logo.png"
    Image.new("RGB", size, (164, 22, 26)).save(logo)
    data = poster(THOI_AN, PosterFormat.a4, Branding("Đoàn phường Thới An", logo))
    page = pdfium.PdfDocument(data)[0]
    images = list(page.get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))
    assert len(images) == 1
    left, bottom, right, top = images[0].get_bounds()
    assert (right - left) / (top - bottom) == pytest.approx(size[0] / size[1], rel=0.01)  # not distorted
    assert "Đoàn phường Thới An" in page_text(data)
    name_left = min(box[0] for _, box in char_boxes(data)[:len("ĐoànphườngThớiAn")])
    assert name_left > right  # beside the logo, not over it
    assert decode_page(data).text == THOI_AN.url


def test_nothing_to_print_or_text_that_cannot_fit_is_refused():
    with pytest.raises(ValueError, match="no site"):
        posters([], PosterFormat.a4, BRANDING)
    huge = PosterText("Đình", "Đình", None, "Rất dài. " * 2000, THOI_AN.url)
    with pytest.raises(ValueError, match="does not fit"):
        poster(huge, PosterFormat.plaque, BRANDING)


# The web routes, on a temporary copy of the bundled content.

@pytest.mark.slow
def test_site_poster_route_prints_the_site_in_each_format(client):
    for fmt in PosterFormat:
        response = client.get(f"/posters/dinh-thoi-an.pdf?format={fmt.value}")
        assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"] == f'inline; filename="dinh-thoi-an-{fmt.value}.pdf"'
        assert pdfium.PdfDocument(response.content)[0].get_size() == pytest.approx(PAGE_POINTS[fmt], abs=0.1)
        assert decode_page(response.content).text == f"{BASE_URL}/q/thoian"  # the scan URL of /qr/dinh-thoi-an.png
        text = one_line(page_text(response.content))
        assert "Đình Thới An" in text and "testserver.example/q/thoian" in text
        assert "Đình · Di tích cấp thành phố, 2004" in text


def test_site_poster_defaults_to_a4_and_uses_the_organisation_setting(make_client, tmp_path):
    logo = tmp_path / "doan.jpg"
    Image.new("RGB", (200, 100), (164, 22, 26)).save(logo)
    client = make_client(organisation="Đoàn phường Thới An", organisation_logo=logo, qr_uppercase=True)
    data = client.get("/posters/chua-pothi-somron.pdf").content
    assert pdfium.PdfDocument(data)[0].get_size() == pytest.approx(PAGE_POINTS[PosterFormat.a4], abs=0.1)
    assert decode_page(data).text == "HTTP://TESTSERVER.EXAMPLE/Q/POTHI"
    assert "Đoàn phường Thới An" in page_text(data) and "Chùa Pôthi Somrôn" in page_text(data)
    assert pypdf.PdfReader(io.BytesIO(data)).metadata.author == "Đoàn phường Thới An"


def test_a_bad_format_is_a_422_naming_format(client):
    for path in ("/posters/dinh-thoi-an.pdf?format=a3", "/posters.pdf?format=A4"):
        response = client.get(path)
        assert response.status_code == 422
        assert [error["loc"] for error in response.json()["detail"]] == [["query", "format"]]


def test_unknown_or_draft_site_is_404_and_an_alias_redirects(client, content_dir):
    response = client.get("/posters/khong-co.pdf")
    assert response.status_code == 404 and response.json() == {"detail": "No site 'khong-co'"}
    moved = client.get("/posters/THOIAN.pdf?format=a5", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/posters/dinh-thoi-an.pdf?format=a5"


@pytest.mark.slow
def test_batch_route_has_one_page_per_published_site(content_dir, make_client):
    add_site(content_dir, "dinh-nhap", name="Đình Nháp", published=False)
    client = make_client()
    response = client.get("/posters.pdf?format=plaque")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'inline; filename="posters-plaque.pdf"'
    published = client.get("/api/sites").json()["sites"]
    assert len(pdfium.PdfDocument(response.content)) == len(published) == 7
    for index, site in enumerate(published):  # sorted by name, like the list
        assert site["name"] in one_line(page_text(response.content, index))
        assert decode_page(response.content, index).text == f"{BASE_URL}/q/{site['code']}"
    assert "Đình Nháp" not in "".join(page_text(response.content, index) for index in range(7))


@pytest.mark.parametrize(("query", "pages"), [
    ("province=Cần Thơ", 5), ("province=ninh thuan", 2), ("category=dinh", 2), ("category=mieu&province=Cần Thơ", 2),
])
@pytest.mark.slow
def test_batch_route_filters_by_province_and_category(client, query, pages):
    response = client.get(f"/posters.pdf?format=a5&{query}")
    assert response.status_code == 200
    assert len(pdfium.PdfDocument(response.content)) == pages


def test_batch_route_with_no_match_or_a_bad_category(client):
    empty = client.get("/posters.pdf?province=Hà Giang")
    assert empty.status_code == 404 and "No published site" in empty.json()["detail"]
    bad = client.get("/posters.pdf?category=castle")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["query", "category"]


@pytest.mark.parametrize(("content", "message"), [
    (None, "does not exist"), (b"not an image", "is not an image"), ("GIF", "use a PNG or JPEG"),
])
def test_logo_setting_must_be_an_existing_png_or_jpeg(tmp_path, content, message):
    logo = tmp_path / "logo"
    if content == "GIF":
        Image.new("RGB", (10, 10)).save(logo, "GIF")
    elif content is not None:
        logo.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        Settings(organisation_logo=logo)


# The command line.

def test_cli_writes_one_page_per_published_site_with_a_progress_bar(content_dir, tmp_path, monkeypatch):
    for i in range(5):
        add_site(content_dir, f"dinh-so-{i}", name=f"Đình số {i}")
    add_site(content_dir, "dinh-nhap", name="Đình Nháp", published=False)
    monkeypatch.setenv("DIACHIDO_CONTENT_DIR", str(content_dir))
    monkeypatch.setenv("DIACHIDO_ORGANISATION", "Đoàn quận Ô Môn")
    out = tmp_path / "in" / "quan-o-mon.pdf"
    result = CliRunner().invoke(main, ["posters", "--out", str(out), "--format", "a5"])
    assert result.exit_code == 0, result.output
    assert "Áp phích / posters" in result.stderr  # the progress bar, for 12 sites
    assert "✓ 12 trang / pages" in result.stdout and str(out) in result.stdout
    data = out.read_bytes()
    document = pdfium.PdfDocument(data)
    assert len(document) == 12
    assert document[0].get_size() == pytest.approx(PAGE_POINTS[PosterFormat.a5], abs=0.1)
    assert pypdf.PdfReader(io.BytesIO(data)).metadata.author == "Đoàn quận Ô Môn"
    assert "Đình Nháp" not in "".join(page_text(data, index) for index in range(12))
    assert [path.name for path in out.parent.iterdir()] == ["quan-o-mon.pdf"]  # no temporary file left


def test_cli_prints_named_sites_in_the_given_order_drafts_too(content_dir, tmp_path, monkeypatch):
    add_site(content_dir, "dinh-nhap", name="Đình Nháp", published=False)
    monkeypatch.setenv("DIACHIDO_CONTENT_DIR", str(content_dir))
    out = tmp_path / "hai.pdf"
    result = CliRunner().invoke(main, ["posters", "--out", str(out), "--format", "plaque", "POTHI", "dinh-nhap"])
    assert result.exit_code == 0, result.output
    assert "Áp phích / posters" not in result.stderr  # no progress bar for two
    data = out.read_bytes()
    assert len(pdfium.PdfDocument(data)) == 2
    assert "Chùa Pôthi Somrôn" in one_line(page_text(data, 0)) and "Đình Nháp" in one_line(page_text(data, 1))
    assert decode_page(data, 0).text.endswith("/q/pothi")


def test_cli_names_unknown_sites_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("DIACHIDO_CONTENT_DIR", str(TEST_CONTENT))
    out = tmp_path / "posters.pdf"
    out.write_bytes(b"the previous file")
    result = CliRunner().invoke(main, ["posters", "--out", str(out), "thoian", "khong-co"])
    assert result.exit_code == 2
    assert "no such site: khong-co" in result.output
    assert out.read_bytes() == b"the previous file"
    bad_format = CliRunner().invoke(main, ["posters", "--out", str(out), "--format", "a3"])
    assert bad_format.exit_code == 2 and "a3" in bad_format.output


# Issue 18: a poster a province would hang.

def photo_file(tmp_path: Path, size=(1200, 800)) -> Path:
    """A JPEG with a dark bar down its middle, to find where it lands."""
    photo = tmp_path / "san-dinh-960.jpg"
    image = Image.new("RGB", size, (200, 200, 200))
    image.paste((20, 20, 20), (size[0] // 2 - 20, 0, size[0] // 2 + 20, size[1]))
    image.save(photo, quality=85)
    return photo


def page_pixels(data: bytes) -> Image.Image:
    return pdfium.PdfDocument(data)[0].render(scale=100 / 72).to_pil().convert("RGB")


@pytest.mark.parametrize("fmt", list(PosterFormat))
def test_poster_prints_the_english_name_the_photo_and_its_credit_and_still_scans(tmp_path, fmt):
    import dataclasses
    site = dataclasses.replace(THOI_AN, name_en="Thoi An Communal House", photo=photo_file(tmp_path),
                               photo_credit="Ảnh: Đoàn phường Thới An")
    data = poster(site, fmt, BRANDING)
    text = one_line(page_text(data))
    assert "Thoi An Communal House" in text and "Ảnh: Đoàn phường Thới An" in text
    assert text.index("Đình Thới An") < text.index("Thoi An Communal House")  # under the Vietnamese name
    images = list(pdfium.PdfDocument(data)[0].get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))
    assert len(images) == 1
    reader = pypdf.PdfReader(io.BytesIO(data))
    xobjects = reader.pages[0]["/Resources"]["/XObject"]
    assert [x.get_object()["/Filter"] for x in xobjects.values()] == ["/DCTDecode"]  # embedded as JPEG
    assert decode_page(data).text == THOI_AN.url
    width, height = PAGE_POINTS[fmt]
    margin = LAYOUTS[fmt].margin * POINTS_PER_MM - 1
    assert all(margin <= left and right <= width - margin and margin <= bottom and top <= height - margin
               for _, (left, bottom, right, top) in char_boxes(data))


def test_a4_poster_has_the_red_bands_and_no_empty_band_between_text_and_code():
    image = page_pixels(poster(THOI_AN, PosterFormat.a4, BRANDING))
    assert image.getpixel((image.width // 2, 3)) == pytest.approx((216, 35, 42), abs=3)  # the top band
    assert image.getpixel((image.width // 2, image.height - 3)) == pytest.approx((216, 35, 42), abs=3)
    grey = image.convert("L")
    margin = round(15 / MM_PER_INCH * 100)
    blank_run = longest = 0
    for y in range(margin, image.height - margin):
        row = grey.crop((margin, y, image.width - margin, y + 1))
        blank_run = blank_run + 1 if row.getextrema()[0] > 250 else 0
        longest = max(longest, blank_run)
    assert longest / 100 * MM_PER_INCH < 22  # before: a 60 mm empty band between the summary and the code


def test_without_a_logo_only_the_organisation_name_is_printed(tmp_path):
    data = poster(THOI_AN, PosterFormat.a4, BRANDING)
    assert list(pdfium.PdfDocument(data)[0].get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE])) == []
    assert one_line(page_text(data)).startswith("Đoàn TNCS Hồ Chí Minh")


def test_plaque_with_bleed_has_crop_marks_outside_the_trim_and_the_accent_into_the_bleed():
    data = poster(THOI_AN, PosterFormat.plaque, BRANDING, bleed=True)
    slug = 8 * POINTS_PER_MM
    width, height = PAGE_POINTS[PosterFormat.plaque]
    assert pdfium.PdfDocument(data)[0].get_size() == pytest.approx((width + 2 * slug, height + 2 * slug), abs=0.1)
    image = page_pixels(data)
    px = 100 / MM_PER_INCH  # pixels per mm
    trim = (round(8 * px), round(8 * px), round((8 + 200) * px), round((8 + 150) * px))
    red = (216, 35, 42)
    assert image.getpixel((image.width // 2, round(6 * px))) == pytest.approx(red, abs=3)  # top band, in the bleed
    assert image.getpixel((image.width // 2, round(2 * px))) == (255, 255, 255)  # nothing past the bleed
    corner = image.convert("L").crop((0, 0, trim[0], trim[1]))
    assert corner.getextrema()[0] < 128  # a crop mark in the top left corner, outside the trim box
    assert decode_page(data).text == THOI_AN.url
    margin = (8 + LAYOUTS[PosterFormat.plaque].margin) * POINTS_PER_MM - 1
    assert all(margin <= left and right <= width + 2 * slug - margin
               for _, (left, bottom, right, top) in char_boxes(data))


def test_bleed_route_and_cli(client, tmp_path, monkeypatch):
    response = client.get("/posters/dinh-thoi-an.pdf?format=plaque&bleed=1")
    slug = 8 * POINTS_PER_MM
    width, height = PAGE_POINTS[PosterFormat.plaque]
    assert pdfium.PdfDocument(response.content)[0].get_size() == pytest.approx((width + 2 * slug, height + 2 * slug),
                                                                                abs=0.1)
    plain = client.get("/posters/dinh-thoi-an.pdf?format=plaque")
    assert plain.headers["etag"] != response.headers["etag"]
    text = one_line(page_text(plain.content))
    assert "Thới An Communal House" in text  # the bundled English name, under the Vietnamese one
    monkeypatch.setenv("DIACHIDO_CONTENT_DIR", str(TEST_CONTENT))
    out = tmp_path / "plaque.pdf"
    result = CliRunner().invoke(main, ["posters", "--out", str(out), "--format", "plaque", "--bleed", "thoian"])
    assert result.exit_code == 0, result.output
    assert pdfium.PdfDocument(out.read_bytes())[0].get_size() == pytest.approx(
        (width + 2 * slug, height + 2 * slug), abs=0.1)


@pytest.mark.slow
def test_route_prints_the_sites_first_photo_from_its_960_px_variant(content_dir, make_client, data_dir):
    folder = add_site(content_dir, "dinh-co-anh", name="Đình Có Ảnh",
                      photos=[{"file": "san.jpg", "caption": "Sân đình", "credit": "Ảnh: Đoàn xã Thới An"}])
    Image.new("RGB", (2400, 1600), (90, 120, 60)).save(folder / "san.jpg", quality=80)
    data = make_client().get("/posters/dinh-co-anh.pdf").content
    assert "Ảnh: Đoàn xã Thới An" in one_line(page_text(data))
    xobjects = pypdf.PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/XObject"]
    (image,) = [x.get_object() for x in xobjects.values()]
    assert image["/Filter"] == "/DCTDecode" and image["/Width"] == 960  # the variant, not the 2400 px original
    assert list((data_dir / "photo-cache" / "dinh-co-anh").glob("san-960-*.jpg"))
    assert decode_page(data).text.endswith("/q/dinhcoanh")
