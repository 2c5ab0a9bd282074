"""Text helpers shared by the loader and the search: Unicode normalisation and diacritic folding."""

import re
import unicodedata

_COMBINING_MARK = re.compile(r"[\u0300-\u036f]")
_NON_WORD = re.compile(r"[\W_]+")


def nfc(text: str) -> str:
    """Return `text` in Unicode NFC form (precomposed Vietnamese letters, as fonts and PDFs expect)."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Lower-case `text` and strip Vietnamese diacritics, so "Đình Thới An" matches "dinh thoi an"."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    without_marks = _COMBINING_MARK.sub("", decomposed).replace("đ", "d")
    return _NON_WORD.sub(" ", without_marks).strip()
