"""Khmer finished (issue 28): the journey and class outing pages asked for in Khmer show their interface in
Khmer, with the "awaiting review" notice, and no Vietnamese interface text; content not written in Khmer
falls back to Vietnamese, marked as such (`lang="vi"`)."""

import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest

from api.state import app_state
from sites.catalog.i18n import CATALOGUES
from tests.support import TEST_CONTENT, phone

JOURNEY = "ve-nguon-o-mon"
PHONE = {**phone(28), "Accept-Language": "km-KH,km;q=0.9"}
BRAND = "Địa chỉ đỏ"
REVIEW_KM = CATALOGUES["km"]["review_notice"]
# Letters of Vietnamese that Khmer text never holds: Latin letters with diacritics (precomposed or combining).
VIETNAMESE_LETTER = re.compile("[\u00c0-\u024f\u0300-\u036f\u1e00-\u1eff]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class TextByLanguage(HTMLParser):
    """Each visible text of a page with the language it is marked in (the nearest `lang` attribute; "" for text
    typed by a teacher or student, in a language the app does not know)."""

    def __init__(self, html: str):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if data.strip() and not any(tag in ("script", "style", "svg", "title") for tag, _ in self.stack):
            lang = next((lang for _, lang in reversed(self.stack) if lang is not None), None)
            self.texts.append((lang, data.strip()))


def vietnamese_interface_phrases() -> set[str]:
    """Every Vietnamese interface sentence that Khmer words differently, cut at its placeholders: the phrases
    of three words or more. Labels ("cấp thành phố") and shorter phrases ("di tích") are words of the content
    too."""
    phrases = set()
    for msgid, text in CATALOGUES["vi"].items():
        if CATALOGUES["km"][msgid] == text or msgid.split(".")[0] in ("category", "kind", "level", "travel_mode"):
            continue
        phrases |= {part.strip(" :·—-") for part in re.split(r"\{\w*\}", text) if len(part.split()) >= 3}
    return phrases - {BRAND, CATALOGUES["vi"]["review_notice"]}  # the notice is shown in Vietnamese too


def assert_interface_in_khmer(html: str) -> None:
    texts = TextByLanguage(html).texts
    assert ("km", REVIEW_KM) in texts, "the notice that the Khmer interface awaits review"
    marked_khmer = [text for lang, text in texts if lang == "km" and VIETNAMESE_LETTER.search(text.replace(BRAND, ""))]
    assert marked_khmer == []
    # Text marked as Vietnamese is content that falls back, or the notice; no interface sentence may hide in it.
    shown = "\n".join(text for lang, text in texts if lang == "vi")
    found = sorted(phrase for phrase in vietnamese_interface_phrases() if phrase in shown)
    assert found == [], [text for text in shown.splitlines() if any(phrase in text for phrase in found)]


@pytest.fixture
def bundled(make_client):
    return make_client(content_dir=TEST_CONTENT)


def test_the_journey_pages_in_khmer_have_no_vietnamese_interface_text(bundled):
    code = app_state(bundled.app).catalog.journeys.get(JOURNEY).code
    for path in (f"/journeys/{JOURNEY}", "/journeys", f"/j/{code}"):
        page = bundled.get(path, headers=PHONE)
        assert page.status_code == 200 and '<html lang="km">' in page.text, path
        assert_interface_in_khmer(page.text)
    page = bundled.get(f"/journeys/{JOURNEY}?lang=km", headers=PHONE).text
    assert "ជិះម៉ូតូ · ចំណត 5" in page  # "Đi xe máy · 5 điểm dừng": the travel mode and stop count in Khmer
    assert '<article lang="vi">\n<h1>Về nguồn Ô Môn' in page  # the journey's text, not written in Khmer, falls back


def test_a_site_page_in_khmer_names_its_journey_in_khmer(bundled):
    page = bundled.get("/sites/dinh-thoi-an", headers=PHONE).text
    assert f"<b>{CATALOGUES['km']['journey_part_of']}</b>" in page and "Thuộc hành trình" not in page
    assert "ចំណត 1 នៃ 5" in page and CATALOGUES["km"]["journey_next"] in page


def test_the_class_outing_pages_in_khmer_have_no_vietnamese_interface_text(bundled):
    now = datetime.now(UTC)
    outing = app_state(bundled.app).outings.create(JOURNEY, "Lớp 9A1", "Cần Thơ", now - timedelta(hours=1),
                                                   now + timedelta(hours=2), "lan", now)
    for path in ("/class", f"/class/{outing.code}", f"/class/{outing.code}/recover"):
        page = bundled.get(path, headers=PHONE)
        assert page.status_code == 200 and '<html lang="km">' in page.text, path
        assert_interface_in_khmer(page.text)
    form = bundled.get(f"/class/{outing.code}", headers=PHONE).text
    token = re.search(r'name="token" value="([^"]+)"', form)[1]
    joined = bundled.post(f"/class/{outing.code}/join", data={"token": token, "nickname": "Sokha"}, headers=PHONE)
    assert joined.status_code == 200 and CATALOGUES["km"]["passport_title"] in joined.text
    assert_interface_in_khmer(joined.text)
    stamped = bundled.get("/q/pothi", headers=PHONE)
    assert CATALOGUES["km"]["stamp_done"] in stamped.text
    quiz = bundled.get("/passport/quiz/chua-pothi-somron", headers=PHONE)
    assert quiz.status_code == 200
    assert_interface_in_khmer(quiz.text)
