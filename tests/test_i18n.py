"""Languages as data: the catalogues, the visitor's choice (?lang=, then the remembered choice, then
Accept-Language, else Vietnamese), and the formats of numbers and dates."""

import re
from datetime import datetime

import pytest

from api.templating import TEMPLATES_DIR
from sites.catalog.i18n import (
    CATALOGUES,
    COMPLETE_LANGUAGES,
    INTERFACE_LANGUAGES,
    LOCALES_DIR,
    MAX_REMEMBERED_CHARS,
    REVIEWED_LANGUAGES,
    UNREVIEWED,
    _remembered_choice,
    choose_language,
    format_moment,
    format_number,
    plural,
    strings,
)
from sites.catalog.languages import InvalidLanguageTag, language_tag, native_name


@pytest.mark.parametrize(
    ("lang_param", "accept_language", "expected"),
    [
        (None, None, "vi"),
        (None, "", "vi"),
        (None, "en-US,en;q=0.9", "en"),
        (None, "vi-VN,vi;q=0.9,en;q=0.8", "vi"),
        (None, "fr-FR,en;q=0.5,vi;q=0.4", "en"),
        (None, "vi;q=0,en", "en"),
        (None, "fr, de", "vi"),
        (None, "en;q=abc, vi;q=0.2", "vi"),
        (None, "km-KH,km;q=0.9,vi;q=0.8", "km"),
        ("en", "vi", "en"),
        ("vi", "en", "vi"),
        ("xx", "en", "en"),
        ("KM", "en", "km"),
    ],
)
def test_choose_language(lang_param, accept_language, expected):
    assert choose_language(lang_param, accept_language) == expected


def test_the_remembered_choice_comes_after_the_query_and_before_the_phone():
    assert choose_language(None, "en-US", cookie="km") == "km"
    assert choose_language("vi", "en-US", cookie="km") == "vi"
    assert choose_language(None, "en-US", cookie="not a tag") == "en"


def test_a_long_accept_language_is_chosen_from_as_a_short_one_but_not_remembered():
    """Issue 22: choices for short headers are kept (a bounded cache); a header past MAX_REMEMBERED_CHARS is
    parsed each time, so a client sending huge headers cannot fill the cache with them."""
    _remembered_choice.cache_clear()
    long_header = ", ".join(f"x{number:03d};q=0.1" for number in range(40)) + ", km;q=0.9, en;q=0.5"
    assert len(long_header) > MAX_REMEMBERED_CHARS
    assert choose_language(None, long_header) == "km" == choose_language(None, "km;q=0.9, en;q=0.5")
    assert choose_language(None, long_header) == "km"
    assert _remembered_choice.cache_info().currsize == 1  # the short header only
    assert choose_language(None, "km;q=0.9, en;q=0.5", available=["vi", "en"]) == "en"  # other languages, other key


def test_interface_languages_are_the_catalogues_present():
    folders = sorted(path.name for path in LOCALES_DIR.iterdir() if path.is_dir())
    assert sorted(INTERFACE_LANGUAGES) == folders
    assert INTERFACE_LANGUAGES[0] == "vi" and {"en", "km"} <= set(INTERFACE_LANGUAGES)


@pytest.mark.parametrize("tag", INTERFACE_LANGUAGES)
def test_every_offered_language_has_every_msgid(tag):
    """Issue 28: a msgid missing from any offered language is a page showing another language's words."""
    assert CATALOGUES["vi"].keys() - CATALOGUES[tag].keys() == set()
    assert CATALOGUES[tag].keys() - CATALOGUES["vi"].keys() == set()
    assert tag in COMPLETE_LANGUAGES


@pytest.mark.parametrize("tag", INTERFACE_LANGUAGES)
def test_every_translation_keeps_the_placeholders_of_vietnamese(tag):
    fields = {msgid: sorted(re.findall(r"\{\w*\}", text)) for msgid, text in CATALOGUES["vi"].items()}
    assert {msgid: sorted(re.findall(r"\{\w*\}", text)) for msgid, text in CATALOGUES[tag].items()} == fields


def test_khmer_is_complete_but_every_string_awaits_review_and_staff_labels_stay_reviewed():
    assert UNREVIEWED["km"] == CATALOGUES["km"].keys()  # written by the project, not by a native speaker
    assert UNREVIEWED["vi"] == UNREVIEWED["en"] == frozenset()
    assert COMPLETE_LANGUAGES == ["vi", "en", "km"] and REVIEWED_LANGUAGES == ["vi", "en"]


def test_no_template_uses_a_missing_string():
    used = set()
    for template in TEMPLATES_DIR.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bt\.(\w+)", text))
        used |= {f"precision_{value}" for value in ("exact", "approximate", "district")
                 if 't["precision_" ~' in text}
    assert used and used - CATALOGUES["vi"].keys() == set()


def test_a_partial_catalogue_falls_back_to_vietnamese(monkeypatch):
    monkeypatch.setitem(CATALOGUES, "km", {"review_notice": CATALOGUES["km"]["review_notice"]})
    strings.cache_clear()
    try:
        assert strings("km")["stats_title"] == strings("vi")["stats_title"]
        assert strings("km")["review_notice"] != strings("vi")["review_notice"]
    finally:
        monkeypatch.undo()
        strings.cache_clear()


def test_khmer_catalogue_is_marked_as_awaiting_review():
    header = (LOCALES_DIR / "km/LC_MESSAGES/messages.po").read_text(encoding="utf-8")[:600]
    assert "AWAITING REVIEW BY A NATIVE KHMER SPEAKER" in header


@pytest.mark.parametrize(("tag", "canonical"), [("km", "km"), ("EN", "en"), ("zh-hant", "zh-Hant"), ("pt_BR", "pt-BR")])
def test_language_tags_are_checked_and_canonical(tag, canonical):
    assert language_tag(tag) == canonical


@pytest.mark.parametrize("tag", ["xx", "location", "", "en--US", "../etc"])
def test_unknown_language_tags_are_refused(tag):
    with pytest.raises(InvalidLanguageTag):
        language_tag(tag)


def test_languages_are_named_in_themselves():
    assert [native_name(tag) for tag in ("vi", "en", "km")] == ["Tiếng Việt", "English", "ខ្មែរ"]


def test_numbers_and_dates_in_each_language():
    assert (format_number(12345, "vi"), format_number(12345, "en")) == ("12.345", "12,345")
    moment = datetime(2025, 3, 4, 13, 5)
    assert format_moment(moment, "vi") == "4/3/2025 13:05"
    assert format_moment(moment, "en") == "3/4/2025 13:05"


def test_plural_messages_follow_each_languages_rule_from_the_catalogue():
    """Issue 28: "1 rows have problems" came from a format string; a msgid_plural entry words it per language."""
    words = ("import_bad_rows", "import_bad_rows_plural")
    assert [plural("en", *words, count) for count in (1, 2)] == ["1 row has problems:", "2 rows have problems:"]
    assert [plural("vi", *words, count) for count in (1, 2)] == ["1 dòng có lỗi:", "2 dòng có lỗi:"]
    assert plural("km", *words, 3) == "3 dòng có lỗi:"  # not in Khmer: Vietnamese, as every string
    assert "import_bad_rows" not in strings("vi")  # plural entries are worded by `plural` only
