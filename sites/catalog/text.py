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


def nfc_deep(value: object) -> object:
    """`value` with every string inside it (dict values and keys, list items) in NFC form."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, dict):
        return {nfc_deep(key): nfc_deep(item) for key, item in value.items()}
    if isinstance(value, list):
        return [nfc_deep(item) for item in value]
    return value
