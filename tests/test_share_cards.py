"""Share cards (issue 23): a site or journey shared in Zalo or Facebook shows a 1200x630 card, named by the page's
og:image with its size and alternative text; read back as a link preview reads it (extruct's OpenGraph), opened
with Pillow, its QR decoded with zxing-cpp; Khmer shaped without a dotted circle."""

import io
import unicodedata

import extruct
import uharfbuzz
import zxingcpp
from PIL import Image, ImageFont

from api.state import app_state
from api.workpool import ByteCache
from qr.share_cards import CardText, fitted_lines, runs, share_card
from tests.support import BASE_URL, add_site

DOTTED_CIRCLE = "\u25cc"
KHMER_NAME = unicodedata.normalize("NFC", "វត្តពោធិសំរោង")


def open_graph(html: str) -> dict[str, str]:
    """The page's OpenGraph properties as a link preview reads them (the last of a repeated one)."""
    (graph,) = extruct.extract(html, base_url=BASE_URL, syntaxes=["opengraph"])["opengraph"]
    return dict(graph["properties"])


def fetched(client, url: str) -> Image.Image:
    response = client.get(url.removeprefix(BASE_URL))
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    return Image.open(io.BytesIO(response.content))


def test_a_site_without_photos_shares_a_clean_card_with_its_qr_code(client):
    graph = open_graph(client.get("/sites/dinh-thoi-an").text)
    assert graph["og:type"] == "place" and graph["og:title"] == "Đình Thới An"
    assert graph["og:image"].startswith(f"{BASE_URL}/sites/dinh-thoi-an/card.png?lang=vi&v=")
    assert (graph["og:image:width"], graph["og:image:height"]) == ("1200", "630")
    assert graph["og:image:alt"].startswith("Đình Thới An · Đình · ")
    card = fetched(client, graph["og:image"])
    assert card.size == (1200, 630) and card.format == "PNG"
    assert [code.text for code in zxingcpp.read_barcodes(card)] == [f"{BASE_URL}/q/thoian"]


def test_a_site_with_a_photo_shares_the_photo_and_a_new_card_when_it_changes(content_dir, make_client):
    folder = add_site(content_dir, "dinh-co-anh", name="Đình Có Ảnh",
                      photos=[{"file": "san.jpg", "caption": "Sân đình", "credit": "Ảnh: Đoàn xã"}])
    Image.new("RGB", (2400, 1600), (30, 140, 60)).save(folder / "san.jpg", quality=80)
    client = make_client()
    graph = open_graph(client.get("/sites/dinh-co-anh").text)
    assert graph["og:type"] == "article"  # no coordinates: not a place a map can show
    card = fetched(client, graph["og:image"]).convert("RGB")
    assert card.size == (1200, 630)
    pixel = card.getpixel((600, 200))  # the photo, as close as its JPEG allows
    assert all(abs(a - b) <= 3 for a, b in zip(pixel, (30, 140, 60), strict=True))
    assert zxingcpp.read_barcodes(card) == []
    version = graph["og:image"].rsplit("=", 1)[1]
    again = client.get(graph["og:image"].removeprefix(BASE_URL), headers={"If-None-Match": f'"{version}"'})
    assert again.status_code == 304
    Image.new("RGB", (2400, 1600), (200, 30, 30)).save(folder / "san.jpg", quality=80)
    client = make_client()
    changed = open_graph(client.get("/sites/dinh-co-anh").text)["og:image"]
    assert changed != graph["og:image"]
    assert fetched(client, changed).convert("RGB").getpixel((600, 200))[0] > 150


def test_a_journey_shares_a_card_with_its_own_qr_code(client):
    graph = open_graph(client.get("/journeys/ve-nguon-o-mon").text)
    assert graph["og:type"] == "article" and graph["og:url"].startswith(f"{BASE_URL}/journeys/ve-nguon-o-mon")
    assert graph["og:image"].startswith(f"{BASE_URL}/journeys/ve-nguon-o-mon/card.png?lang=vi&v=")
    card = fetched(client, graph["og:image"])
    assert card.size == (1200, 630)
    assert [code.text for code in zxingcpp.read_barcodes(card)] == [f"{BASE_URL}/j/omon"]


def test_cards_are_drawn_once_per_version_and_unknown_ones_are_404(client):
    first = client.get("/sites/dinh-thoi-an/card.png?lang=fr&v=anything")
    assert first.status_code == 200
    made = _cards(client).made
    for query in ("", "?lang=vi", "?lang=xx-YY&v=1", "?v=2"):  # every language without text: the Vietnamese card
        assert client.get(f"/sites/dinh-thoi-an/card.png{query}").content == first.content
    assert _cards(client).made == made
    assert client.get("/sites/khong-co/card.png").status_code == 404
    assert client.get("/journeys/khong-co/card.png").status_code == 404


def _cards(client) -> ByteCache:
    return app_state(client.app).print_shop.cards


def test_a_khmer_name_is_shaped_without_a_dotted_circle():
    card = CardText("Địa chỉ đỏ", KHMER_NAME, "វត្ត · Cần Thơ", f"{BASE_URL}/q/pothi")
    assert Image.open(io.BytesIO(share_card(card))).size == (1200, 630)
    size, lines = fitted_lines(card.title, 700)
    assert lines == [KHMER_NAME]  # a Khmer name has no spaces: never cut inside it
    pieces = runs(card.facts, 30, False)
    assert [piece for piece, _ in pieces] == ["វត្ត · ", "Cần Thơ"]  # each script in a font that has it
    for text, font in [*runs(lines[0], size, True), *pieces]:
        assert font.layout_engine == ImageFont.Layout.RAQM  # shaped by HarfBuzz through libraqm
        glyphs, circle = _shaped(font, text)
        assert glyphs and 0 not in glyphs and circle not in glyphs, (font.path, text)  # no .notdef, no ◌


def _shaped(font: ImageFont.FreeTypeFont, text: str) -> tuple[list[int], int | None]:
    """The glyphs HarfBuzz picks for `text` in `font`'s file, and the font's dotted circle (what a shaper draws
    for a mark it could not attach: a broken cluster)."""
    hb_font = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(font.path)))
    buffer = uharfbuzz.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    uharfbuzz.shape(hb_font, buffer)
    return [info.codepoint for info in buffer.glyph_infos], hb_font.get_nominal_glyph(ord(DOTTED_CIRCLE))


def test_the_khmer_page_shares_the_khmer_card(client):
    graph = open_graph(client.get("/sites/chua-pothi-somron?lang=km").text)
    assert graph["og:title"] == KHMER_NAME and graph["og:image:alt"].startswith(KHMER_NAME)
    assert "/sites/chua-pothi-somron/card.png?lang=km&v=" in graph["og:image"]
    khmer = client.get(graph["og:image"].removeprefix(BASE_URL)).content
    vietnamese = client.get("/sites/chua-pothi-somron/card.png").content
    assert khmer != vietnamese
    assert [code.text for code in zxingcpp.read_barcodes(Image.open(io.BytesIO(khmer)))] == [f"{BASE_URL}/q/pothi"]
