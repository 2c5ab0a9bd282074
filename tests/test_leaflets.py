"""Journey leaflets as a class gets them: every QR code decodes (zxing-cpp) to its exact payload, every stop
name is in the text with its diacritics, the font is embedded, and 30 stops still fit their cards."""

from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from click.testing import CliRunner

from cli.main import main
from qr.journey_leaflets import LeafletFormat, LeafletStop, LeafletText, leaflet
from qr.print_texts import journey_leaflet, journey_scan_url, leaflet_text
from sites.catalog.journey_loader import load_all
from sites.settings import Settings
from tests.phone_photo import photographed, printed
from tests.support import BASE_URL, TEST_CONTENT, edit_site, fonts, one_line, page_image, page_text

HARD_NAMES = ["Đình Thới An", "Chùa Pôthi Somrôn", "Miếu Bà Chúa Xứ ẩ ặ ỗ ữ ỹ", "Đền thờ Liệt sĩ Ấp Rạch Ông Đụng"]


def settings(content_dir: Path = TEST_CONTENT, base_url: str = BASE_URL) -> Settings:
    return Settings(content_dir=content_dir, data_dir=content_dir.parent / "data", base_url=base_url)


def codes_in(data: bytes) -> list[str]:
    """Every QR payload printed in the PDF, page by page."""
    found = []
    for index in range(len(pdfium.PdfDocument(data))):
        found += [code.text for code in zxingcpp.read_barcodes(page_image(data, index))
                  if code.format == zxingcpp.BarcodeFormat.QRCode]
    return found


def all_text(data: bytes) -> str:
    return one_line(" ".join(page_text(data, index) for index in range(len(pdfium.PdfDocument(data)))))


def synthetic(count: int) -> LeafletText:
    """A journey of `count` stops along a road, every fourth without a known place, long names among them."""
    stops = tuple(LeafletStop(
        number=number,
        name=f"{HARD_NAMES[number % len(HARD_NAMES)]} số {number}",
        summary="Ngôi đình làng bên rạch, có từ thế kỷ XIX, thờ Thành hoàng và các vị tiền hiền khai khẩn. " * 2,
        distance="Từ điểm trước: ≈ 2,3 km" if number > 1 else "Điểm đầu tiên",
        url=f"{BASE_URL}/q/dt{number:03d}",
        point=None if number % 4 == 0 else (10.1 + number * 0.01, 105.6 + (number % 5) * 0.01),
    ) for number in range(1, count + 1))
    return LeafletText("Hành trình về địa chỉ đỏ: ba mươi di tích của Ô Môn và Phong Điền", "Một hành trình thử.",
                       "Xe đạp · 30 điểm", f"{BASE_URL}/j/thu", "Đoàn TNCS Hồ Chí Minh quận Ô Môn", stops)


@pytest.mark.parametrize("fmt", list(LeafletFormat))
@pytest.mark.parametrize("slug", ["ve-nguon-o-mon", "dia-chi-do-ninh-thuan"])
def test_every_code_on_a_bundled_leaflet_decodes_and_every_stop_is_named(slug, fmt):
    journey = load_all(TEST_CONTENT).journeys.get(slug)
    data = journey_leaflet(journey, settings(), fmt)
    # the stops' codes upper-cased (QR alphanumeric mode, issue 23); the server answers /Q/CODE like /q/code
    expected = [f"{BASE_URL}/j/{journey.code}"] + [f"{BASE_URL}/Q/{stop.site.code}".upper() for stop in journey.stops]
    assert sorted(codes_in(data)) == sorted(expected)
    assert len(pdfium.PdfDocument(data)) == 1
    text = all_text(data)
    for stop in journey.stops:
        assert stop.site.meta.name in text
    assert journey.meta.name in text and "chưa rõ" in text  # no leg of the seed journeys can be measured
    assert all(size > 0 for size in fonts(data).values())


def test_thirty_stops_fit_with_every_code_readable():
    text = synthetic(30)
    data = leaflet(text, LeafletFormat.a4)
    assert sorted(codes_in(data)) == sorted([text.url] + [stop.url for stop in text.stops])
    printed = all_text(data)
    for stop in text.stops:
        assert stop.name in printed
    assert "Exact place not yet known: stops 4, 8, 12" in printed
    assert len(pdfium.PdfDocument(data)) == 2  # 15 cards under the drawing, 15 on the next page


def test_the_leaflet_uses_a_known_distance_and_the_english_texts(tmp_path, content_dir):
    edit_site(content_dir, "dinh-thoi-an", location={"lat": 10.13, "lon": 105.62})
    journey = load_all(content_dir).journeys.get("ve-nguon-o-mon")
    text = leaflet_text(journey, settings(content_dir), "en")
    assert text.title.startswith("Back to the roots") and text.url == journey_scan_url(journey, settings(content_dir))
    assert [stop.point is not None for stop in text.stops] == [True, False, False, True, False]
    assert text.stops[0].distance == "First stop" and text.stops[1].distance == "From the previous stop: unknown"


def test_cli_writes_a_journeys_leaflet_and_names_an_unknown_one(tmp_path, monkeypatch):
    monkeypatch.setenv("DIACHIDO_CONTENT_DIR", str(TEST_CONTENT))
    monkeypatch.setenv("DIACHIDO_BASE_URL", BASE_URL)
    out = tmp_path / "omon.pdf"
    result = CliRunner().invoke(main, ["posters", "--journey", "OMON", "--format", "a5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{BASE_URL}/j/omon" in codes_in(out.read_bytes())
    missing = tmp_path / "none.pdf"
    result = CliRunner().invoke(main, ["posters", "--journey", "khong-co", "--out", str(missing)])
    assert result.exit_code == 2 and "no such journey: khong-co" in result.output and not missing.exists()
    result = CliRunner().invoke(main, ["posters", "--journey", "omon", "--format", "plaque", "--out", str(missing)])
    assert result.exit_code == 2 and "a4 or a5" in result.output and not missing.exists()


def top_of(data: bytes, text: str) -> float:
    """How far below the page's top (mm) the first occurrence of `text` starts."""
    page = pdfium.PdfDocument(data)[0]
    textpage = page.get_textpage()
    found = textpage.search(text).get_next()
    assert found, text
    _, _, _, top = textpage.get_charbox(found[0])
    return (page.get_height() - top) * 25.4 / 72


def test_with_fewer_than_two_placed_stops_the_leaflet_says_so_and_leaves_no_empty_box():
    """Issue 28: the route sketch's box stood empty around its message; the cards now move up under it."""
    placed = synthetic(3)
    unplaced = replace(placed, stops=tuple(replace(stop, point=stop.point if stop.number == 1 else None)
                                           for stop in placed.stops))
    sketch, note = leaflet(placed), leaflet(unplaced)
    text = all_text(note)
    assert "Chưa vẽ được sơ đồ: cần ít nhất hai điểm có vị trí / No route drawn: it needs two placed stops" in text
    assert "Sơ đồ, không phải bản đồ" not in text and "Sơ đồ, không phải bản đồ" in all_text(sketch)
    first_card = "Chùa Pôthi Somrôn số 1"
    assert top_of(note, "Chưa vẽ được sơ đồ") < top_of(note, first_card) < top_of(note, "Chưa vẽ được sơ đồ") + 20
    assert top_of(sketch, first_card) - top_of(note, first_card) > 50, "the drawing's room is given to the cards"
    assert sorted(codes_in(note)) == sorted([unplaced.url] + [stop.url for stop in unplaced.stops])


# Issue 23: "the 2 cm stop codes of a journey leaflet fail when printed at 150 dpi and photographed".
REAL_BASE_URLS = ["https://diachido.doancantho.org.vn",  # a bare host: stop codes upper-cased, alphanumeric mode
                  "https://doancantho.vn/diachido"]  # a path: byte mode, so a larger symbol


@pytest.mark.slow
@pytest.mark.parametrize("base_url", REAL_BASE_URLS)
@pytest.mark.parametrize("fmt", list(LeafletFormat))
def test_every_stop_code_decodes_from_a_phone_photo_of_a_150_dpi_print(base_url, fmt):
    journeys = load_all(TEST_CONTENT).journeys
    for slug in ("ve-nguon-o-mon", "dia-chi-do-ninh-thuan"):
        text = leaflet_text(journeys.get(slug), settings(base_url=base_url))
        data = leaflet(text, fmt)
        pages = [printed(data, index) for index in range(len(pdfium.PdfDocument(data)))]
        for degrees, axis in ((30, "y"), (-30, "y"), (30, "x"), (-30, "x")):
            found = {code.text for page in pages for code in zxingcpp.read_barcodes(photographed(page, degrees, axis))}
            assert [stop.number for stop in text.stops if stop.url not in found] == [], (slug, degrees, axis)
    assert text.stops[0].url.startswith(base_url.upper() if base_url.count("/") == 2 else base_url)
