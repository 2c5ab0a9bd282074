"""Khmer for Chùa Pôthi Somrôn, end to end: the page, the JSON API, the language choice remembered, and
the A4 poster shaped by HarfBuzz (no dotted circles, the exact name extracted, a QR code that scans)."""

import io
import re
import unicodedata

import pypdf
import pypdfium2 as pdfium
import pytest
import zxingcpp
from click.testing import CliRunner
from fontTools.ttLib import TTFont

from cli.main import main
from qr.posters import Branding, PosterFormat, PosterText, poster
from tests.support import BASE_URL, PHONE_BROWSER, TEST_CONTENT

KHMER_NAME = unicodedata.normalize("NFC", "វត្តពោធិសំរោង")
DOTTED_CIRCLE = "\u25cc"  # what a shaper draws for a mark it could not attach: a broken Khmer cluster
ENGLISH_PHONE = {**PHONE_BROWSER, "Accept-Language": "en-US,en;q=0.9"}
REVIEW_KM = "ការបកប្រែនេះកំពុងរង់ចាំការពិនិត្យដោយអ្នកនិយាយភាសាកំណើត។"
REVIEW_VI = "Bản dịch này đang chờ người bản ngữ duyệt lại."


@pytest.fixture
def bundled(make_client):
    return make_client(content_dir=TEST_CONTENT)


def page_text(data: bytes) -> str:
    """The text a reader copies from page 1 (pdfium honours /ActualText)."""
    return pdfium.PdfDocument(data)[0].get_textpage().get_text_range()


def glyph_text(data: bytes) -> str:
    """The text of page 1 from the fonts' ToUnicode maps alone (pypdf ignores /ActualText)."""
    return pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text()


def drawn_glyph_names(data: bytes) -> set[str]:
    """Names of every glyph in the embedded font subsets: a dotted circle drawn anywhere is one of them."""
    names = set()
    for font in pypdf.PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"].values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_data()))
        circles = {glyph for code, glyph in program.getBestCmap().items() if chr(code) == DOTTED_CIRCLE}
        names |= {name for name in program.getGlyphOrder() if name in circles or name in ("uni25CC", "dottedcircle")}
    return names


def decoded(data: bytes) -> str:
    image = pdfium.PdfDocument(data)[0].render(scale=200 / 72, grayscale=True).to_pil().convert("L")
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1
    return found[0].text


@pytest.mark.slow
def test_khmer_poster_is_shaped_names_the_site_and_scans(bundled):
    response = bundled.get("/posters/chua-pothi-somron.pdf?lang=km")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    data = response.content
    lines = page_text(data).splitlines()
    assert KHMER_NAME in lines  # the name as one line, exactly as the source spells it (NFC)
    assert DOTTED_CIRCLE not in page_text(data) and DOTTED_CIRCLE not in glyph_text(data)
    assert drawn_glyph_names(data) == set()
    assert "ស្កេនកូដដើម្បីស្វែងយល់បន្ថែម" in lines and "Quét mã để tìm hiểu" in lines  # Khmer, then Vietnamese
    assert decoded(data) == f"{BASE_URL}/q/pothi"  # the same plaque code as every other language
    assert pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]["/Lang"] == "km"


def test_the_dotted_circle_check_sees_a_broken_cluster():
    """The check above can fail: a lone subscript sign has nothing to attach to and is drawn on a circle."""
    broken = PosterText(name="\u17d2ក", category="វត្ត", recognition=None, summary="វត្ត", url="https://x.example/q/ab",
                        lang="km")
    assert drawn_glyph_names(poster(broken, PosterFormat.a4, Branding("Đoàn"))) != set()


def test_a_site_without_khmer_prints_in_vietnamese_and_a_bad_lang_is_a_422(bundled):
    data = bundled.get("/posters/dinh-thoi-an.pdf?lang=km").content
    assert "Đình Thới An" in page_text(data) and "Quét mã để tìm hiểu" in page_text(data)
    response = bundled.get("/posters/chua-pothi-somron.pdf?lang=no-such-language")
    assert response.status_code == 422 and response.json()["detail"].startswith("lang: 'no-such-language'")


def test_cli_prints_khmer_posters_and_names_a_bad_language(tmp_path, monkeypatch):
    monkeypatch.setenv("DIACHIDO_CONTENT_DIR", str(TEST_CONTENT))
    out = tmp_path / "km.pdf"
    result = CliRunner().invoke(main, ["posters", "--lang", "km", "--out", str(out), "pothi"])
    assert result.exit_code == 0, result.output
    assert KHMER_NAME in page_text(out.read_bytes()).splitlines()
    result = CliRunner().invoke(main, ["posters", "--lang", "klingon", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "--lang" in result.output and "'klingon'" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_api_gives_the_khmer_texts_and_says_when_it_falls_back(bundled):
    khmer = bundled.get("/api/sites/chua-pothi-somron?lang=km").json()
    assert (khmer["name"], khmer["lang"], khmer["content_lang"]) == (KHMER_NAME, "km", "km")
    assert khmer["summary"].startswith("វត្តខ្មែរពុទ្ធសាសនាថេរវាទ") and "<h2>ប្រវត្តិ</h2>" in khmer["body_html"]
    assert khmer["translation_reviewed"] is False and khmer["category_label"] == "វត្ត"
    assert khmer["languages"] == ["vi", "en", "km"]
    untranslated = bundled.get("/api/sites/dinh-thoi-an?lang=km").json()
    assert (untranslated["name"], untranslated["lang"], untranslated["content_lang"]) == ("Đình Thới An", "km", "vi")
    unknown = bundled.get("/api/sites/chua-pothi-somron?lang=xx", headers={"Accept-Language": "en"}).json()
    assert (unknown["lang"], unknown["content_lang"], unknown["name"]) == ("en", "en", "Pothi Somron Pagoda")
    assert bundled.get("/api/sites/chua-pothi-somron?lang=en").json()["translation_reviewed"] is False


def test_khmer_page_shows_the_review_notice_in_khmer_and_vietnamese(bundled):
    response = bundled.get("/sites/chua-pothi-somron?lang=km", headers=PHONE_BROWSER)
    page = response.text
    assert response.status_code == 200 and '<html lang="km">' in page and '<article lang="km">' in page
    assert f"<h1>{KHMER_NAME}</h1>" in page
    assert f'<span lang="km">{REVIEW_KM}</span>' in page and f'<span lang="vi">{REVIEW_VI}</span>' in page
    links = re.findall(r'<a href="[^"]*" hreflang="([^"]+)" lang="[^"]+"[^>]*>([^<]+)</a>', page)
    assert links == [("vi", "Tiếng Việt"), ("en", "English"), ("km", "ខ្មែរ")]
    # The bundled English awaits review too; the Vietnamese source never carries the notice.
    assert REVIEW_VI in bundled.get("/sites/chua-pothi-somron?lang=en", headers=PHONE_BROWSER).text
    assert REVIEW_VI not in bundled.get("/sites/chua-pothi-somron?lang=vi", headers=PHONE_BROWSER).text


def test_khmer_is_offered_on_every_page_now_its_interface_is_complete(bundled):
    """Issue 28: the Khmer catalogue has every string (awaiting review), so a page whose text is not in Khmer
    is offered in Khmer too: the interface in Khmer, the text in Vietnamese, said so on the page."""
    page = bundled.get("/sites/dinh-thoi-an", headers=PHONE_BROWSER).text
    assert 'hreflang="km"' in page and 'hreflang="en"' in page
    khmer = bundled.get("/sites/dinh-thoi-an?lang=km", headers=PHONE_BROWSER).text
    assert '<article lang="vi">' in khmer and "ទំព័រនេះមិនទាន់បានបកប្រែជាភាសាខ្មែរនៅឡើយទេ" in khmer


def test_a_plaque_scan_from_an_english_phone_is_english_with_vietnamese_offered_first(bundled):
    page = bundled.get("/q/pothi", headers=ENGLISH_PHONE).text
    assert "<h1>Pothi Somron Pagoda</h1>" in page and '<html lang="en">' in page
    links = re.findall(r'hreflang="([^"]+)" lang="[^"]+"[^>]*>([^<]+)</a>', page)
    assert links[0] == ("vi", "Tiếng Việt")


def test_the_choice_is_remembered_for_a_year_and_pages_vary_on_it(bundled):
    response = bundled.get("/sites/chua-pothi-somron?lang=km", headers=ENGLISH_PHONE)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("lang=km;") and "Max-Age=31536000" in cookie and "SameSite=lax" in cookie
    assert "Path=/" in cookie and "HttpOnly" in cookie
    assert "Cookie" in response.headers["vary"] and "Accept-Language" in response.headers["vary"]
    scan = bundled.get("/q/pothi", headers=ENGLISH_PHONE)  # the client sends the cookie back
    assert f"<h1>{KHMER_NAME}</h1>" in scan.text and "lang=" not in scan.headers.get("set-cookie", "")
    assert "Cookie" in scan.headers["vary"]
    bundled.cookies.clear()
    assert "<h1>Pothi Somron Pagoda</h1>" in bundled.get("/q/pothi", headers=ENGLISH_PHONE).text
