"""A recognition as decisions and lists word it: its level, its kinds and the decision's number and date.

"Di tích quốc gia đặc biệt", "cấp tỉnh", "Quốc gia" are levels; "Di tích lịch sử và kiến trúc nghệ thuật"
is two kinds. Case, accents, the "Di tích" and "cấp" in front and the joining words ("và", "-", ",") do not
matter. The stored values are the canonical ones (`special-national`, `architecture-art`); these accept
them too. Kinds follow the Law on Cultural Heritage: lịch sử, kiến trúc nghệ thuật, khảo cổ, danh lam thắng
cảnh, and the "lịch sử - văn hóa" that many decisions use.
"""

import datetime
import re
from dataclasses import dataclass

from sites.catalog.text import fold

# Folded words -> the level's value. "Di tích" and "cấp" in front are taken off before looking up.
LEVEL_WORDS = {
    "quoc gia dac biet": "special-national", "special national": "special-national",
    "quoc gia": "national", "national": "national",
    "tinh": "provincial", "provincial": "provincial",
    "thanh pho": "city", "city": "city",
}
# What a level cell may say, in the words staff use, for messages.
LEVELS_ACCEPTED = "quốc gia đặc biệt, quốc gia, cấp tỉnh, cấp thành phố ('Di tích' ở đầu tùy ý)"
LEVELS_ACCEPTED_EN = "special-national, national, provincial, city"

# Folded phrases -> the kind's value; the longest phrase that fits is taken first.
KIND_WORDS = {
    "lich su van hoa": "history-culture", "history culture": "history-culture",
    "lich su cach mang": "history", "lich su": "history", "history": "history",
    "kien truc nghe thuat": "architecture-art", "architecture art": "architecture-art",
    "khao co hoc": "archaeology", "khao co": "archaeology", "archaeology": "archaeology",
    "danh lam thang canh": "landscape", "danh thang": "landscape", "landscape": "landscape",
}
KINDS_ACCEPTED = ("lịch sử, lịch sử - văn hóa, kiến trúc nghệ thuật, khảo cổ, danh lam thắng cảnh "
                  "('Di tích' ở đầu tùy ý; nhiều loại nối bằng 'và', '-' hoặc ',')")
KINDS_ACCEPTED_EN = "history, history-culture, architecture-art, archaeology, landscape (several joined by ',')"
_KIND_PHRASES = sorted((tuple(phrase.split()) for phrase in KIND_WORDS), key=len, reverse=True)
_JOINING = {"va", "and", "di", "tich"}  # "và", and the "Di tích" that may stand before each kind
_WORD_SPLIT = re.compile(r"[\W_]+")  # where fold() splits words


class UnknownWords(ValueError):
    """Text that is no level, or no list of kinds; `part` is what was not understood."""

    def __init__(self, text: str, part: str):
        super().__init__(part)
        self.text, self.part = text, part


def recognition_level(text: str) -> str:
    """The level value `text` words ("Di tích Quốc gia đặc biệt" -> special-national); UnknownWords otherwise."""
    key = fold(text).removeprefix("di tich ").removeprefix("cap ")
    if key not in LEVEL_WORDS:
        raise UnknownWords(text, text)
    return LEVEL_WORDS[key]


def relic_kinds(text: str) -> list[str]:
    """The kind values `text` names, in order, each once ("Di tích lịch sử và kiến trúc nghệ thuật" ->
    [history, architecture-art]); empty for a bare "Di tích"; UnknownWords naming the first words not understood."""
    words, found, at = fold(text).split(), [], 0
    written = [word for word in _WORD_SPLIT.split(text) if word]  # the same words, as written
    while at < len(words):
        if words[at] in _JOINING:
            at += 1
            continue
        phrase = next((phrase for phrase in _KIND_PHRASES if tuple(words[at:at + len(phrase)]) == phrase), None)
        if phrase is None:
            raise UnknownWords(text, " ".join(written[at:] if len(written) == len(words) else words[at:]))
        found.append(KIND_WORDS[" ".join(phrase)])
        at += len(phrase)
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Decision:
    """What a decision's text says: its number ("2383/QĐ-TTg"), the issuer's abbreviation in it ("TTg") and
    its date; each None when the text does not say it in a known form."""

    number: str | None
    issuer: str | None
    date: datetime.date | None


# A decision number holds "QĐ": 2383/QĐ-TTg, 04/2000/QĐ-BVHTT, 43-VH/QĐ, 2009-QĐ/BT.
_NUMBER = re.compile(r"(?<![\w/])\d+[\w/.\-–]*?(?:QĐ|QD)[\w/.\-–]*", re.IGNORECASE)
_DATE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\b"
                   r"|(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})\b", re.IGNORECASE)


def parse_decision(text: str) -> Decision | None:
    """The number, issuer and date of a decision as lists write it ("Quyết định số 2383/QĐ-TTg ngày
    09/12/2013"); None when none of the three is found, so the text is kept whole only."""
    number_match = _NUMBER.search(text)
    number = number_match[0].rstrip(".-–/") if number_match else None
    rest = text.replace(number_match[0], " ") if number_match else text
    date = None
    for match in _DATE.finditer(rest):
        day, month, year = (int(part) for part in (match.groups()[:3] if match[1] else match.groups()[3:]))
        try:
            date = datetime.date(year, month, day)
            break
        except ValueError:
            continue
    if number is None and date is None:
        return None
    return Decision(number, _issuer(number) if number else None, date)


def _issuer(number: str) -> str | None:
    """The issuer's part of a number: what is left without the digits, the year and "QĐ" ("QĐ-TTg" -> TTg)."""
    parts = [part for part in re.split(r"[/\-–]", number) if part and not part.isdigit()
             and fold(part) not in ("qd", "")]
    return "-".join(parts) or None
