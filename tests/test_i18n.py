"""Choosing the visitor's language: ?lang= first, then Accept-Language by preference, else Vietnamese."""

import pytest

from api.i18n import STRINGS, choose_language


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
        ("en", "vi", "en"),
        ("vi", "en", "vi"),
        ("xx", "en", "en"),
    ],
)
def test_choose_language(lang_param, accept_language, expected):
    assert choose_language(lang_param, accept_language) == expected


def test_every_string_exists_in_both_languages():
    assert STRINGS["vi"].keys() == STRINGS["en"].keys()
