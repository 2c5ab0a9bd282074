"""Text written for the eye turned into text for the ear, before eSpeak NG reads it.

Markdown becomes plain sentences (a heading is read as a sentence of its own). Vietnamese text is
normalised fully, so no digit reaches eSpeak NG: its Vietnamese number rules misread years and hang on
long digit runs (espeak-ng #2442). Years and numbers are read as cardinals ("năm 1735": "năm một nghìn
bảy trăm ba mươi lăm"), decimals with a comma ("1,5": "một phẩy năm"), dates dd/mm/yyyy as "ngày ...
tháng ... năm ...", decision numbers such as "3446/QĐ-UBND" by their number alone, common
abbreviations (TP, Q., P., UBND) in full, and Roman numerals (thế kỷ XX) as numbers. English keeps
eSpeak NG's own number reading, with dates, decision numbers and Roman numerals rewritten, and long
digit runs spelt digit by digit.
"""

import re

from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False})
_SENTENCE_END = (".", "!", "?", ":", ";", "…")
_BLOCK_ENDS = {"heading_close", "paragraph_close", "list_item_close", "th_close", "td_close"}
LONGEST_NUMBER = 12  # digits read as one number; a longer run is spelt digit by digit

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_SCALES = ["", "nghìn", "triệu", "tỷ"]
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_ROMAN_NUMERAL = r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_ENGLISH_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"]

# (pattern, replacement) read in order; \b cannot be used around Vietnamese capitals in every case,
# so lookarounds name what may stand beside an abbreviation.
_VIETNAMESE_ABBREVIATIONS = [
    (r"(?<!\w)TP\.?\s*HCM(?!\w)", "Thành phố Hồ Chí Minh"),
    (r"(?<!\w)(?:TP|Tp)\.?(?=\s)", "thành phố"),
    (r"(?<!\w)TX\.?(?=\s)", "thị xã"),
    (r"(?<!\w)UBND(?!\w)", "Ủy ban nhân dân"),
    (r"(?<!\w)HĐND(?!\w)", "Hội đồng nhân dân"),
    (r"(?<!\w)QĐ(?!\w)", "quyết định"),
    (r"(?<!\w)Q\.\s*(?=[\dA-ZĐÀ-Ỹ])", "quận "),
    (r"(?<!\w)P\.\s*(?=[\dA-ZĐÀ-Ỹ])", "phường "),
    (r"(?<!\w)H\.\s*(?=[A-ZĐÀ-Ỹ])", "huyện "),
    (r"(?<!\w)TT\.\s*(?=[A-ZĐÀ-Ỹ])", "thị trấn "),
    (r"(?<!\w)(?:tr|Tr)\.\s*CN(?!\w)", "trước Công nguyên"),
    (r"(?<!\w)CN(?!\w)", "Công nguyên"),
]
_VIETNAMESE_UNITS = {"km": "ki lô mét", "m²": "mét vuông", "m2": "mét vuông", "m": "mét", "ha": "héc ta",
                     "%": "phần trăm", "kg": "ki lô gam", "cm": "xen ti mét"}


def plain_text(markdown: str) -> str:
    """The words of a Markdown body, one block per line, each ending like a sentence so eSpeak NG pauses."""
    lines, current = [], []
    for token in _markdown.parse(markdown):
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    current.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    current.append(" ")
        elif token.type in _BLOCK_ENDS and current:
            line = re.sub(r"\s+", " ", "".join(current)).strip()
            if line:
                lines.append(line if line.endswith(_SENTENCE_END) else line + ".")
            current = []
    return "\n".join(lines)


def vietnamese_number(number: int) -> str:
    """`number` (0 up to 10^12 - 1) in Vietnamese words: 1735 -> "một nghìn bảy trăm ba mươi lăm"."""
    if number == 0:
        return _DIGITS[0]
    groups = []
    while number:
        number, group = divmod(number, 1000)
        groups.append(group)
    if len(groups) > len(_SCALES):
        raise ValueError("too large to read as one number")
    words = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words += _hundreds(group, full=index < len(groups) - 1)
        if _SCALES[index]:
            words.append(_SCALES[index])
    return " ".join(words)


def _hundreds(group: int, full: bool) -> list[str]:
    """A group of three digits; `full` when a higher group precedes it (1035: "không trăm ba mươi lăm")."""
    hundreds, rest = divmod(group, 100)
    tens, units = divmod(rest, 10)
    words = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            words += (["linh"] if words else []) + [_DIGITS[units]]
        return words
    if tens == 1:
        words.append("mười")
    else:
        words += [_DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _vietnamese_digits(digits: str) -> str:
    """A run of digits: one number when short enough and without a leading zero, else digit by digit."""
    if len(digits) <= LONGEST_NUMBER and not (len(digits) > 1 and digits[0] == "0"):
        return vietnamese_number(int(digits))
    return " ".join(_DIGITS[int(digit)] for digit in digits)


def _month(number: str) -> str:
    return "tư" if int(number) == 4 else _vietnamese_digits(number)


def roman_value(numeral: str) -> int | None:
    """The value of a well-formed Roman numeral (XVIII -> 18), or None."""
    if not numeral or not re.fullmatch(_ROMAN_NUMERAL, numeral):
        return None
    values = [_ROMAN[letter] for letter in numeral]
    return sum(-value if value < following else value
               for value, following in zip(values, values[1:] + [0], strict=True))


def _roman_to_digits(text: str, after: str) -> str:
    """Roman numerals as digits: any run of I, V, X, L of two letters or more, and any numeral after `after`."""
    def replace(match: re.Match) -> str:
        value = roman_value(match.group(2))
        return match.group(1) + str(value) if value else match.group(0)
    text = re.sub(rf"((?:{after})\s+)([IVXLCDM]+)(?!\w)", replace, text, flags=re.IGNORECASE)
    return re.sub(r"((?<![\w.]))([IVXL]{2,})(?![\w.])", replace, text)


def speakable_vietnamese(text: str) -> str:
    """Vietnamese text with every number, date, decision number, abbreviation and Roman numeral in words."""
    text = re.sub(r"(\d+)/(?:[A-ZĐ][A-ZĐa-z0-9]*)(?:[-/][A-ZĐ0-9][A-ZĐa-z0-9]*)*", r"\1", text)
    text = re.sub(r"(?:(?<!\w)ngày\s+)?(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)",
                  lambda m: f"ngày {_vietnamese_digits(m[1])} tháng {_month(m[2])} năm {m[3]}", text)
    text = re.sub(r"(?:(?<!\w)ngày\s+)?(\d{1,2})/(\d{1,2})(?![\d/])",
                  lambda m: f"ngày {_vietnamese_digits(m[1])} tháng {_month(m[2])}", text)
    text = re.sub(r"(?<!\w)tháng\s+(\d{1,2})(?!\d)", lambda m: f"tháng {_month(m[1])}", text)
    for pattern, replacement in _VIETNAMESE_ABBREVIATIONS:
        text = re.sub(pattern, replacement, text)
    text = _roman_to_digits(text, after="thế kỷ|thế kỉ|đời|khóa|lần thứ")
    text = re.sub(r"(\d)\s*[–—-]\s*(?=\d)", r"\1 đến ", text)
    text = re.sub(r"(?<!\d)(\d{1,3}(?:\.\d{3})+)(?![\d,.]\d)", lambda m: m[1].replace(".", ""), text)
    units = "|".join(re.escape(unit) for unit in sorted(_VIETNAMESE_UNITS, key=len, reverse=True))
    text = re.sub(rf"(\d)\s*({units})(?!\w)", lambda m: f"{m[1]} {_VIETNAMESE_UNITS[m[2]]}", text)
    text = re.sub(r"(\d+),(\d+)", lambda m: f"{m[1]} phẩy {_decimals(m[2])}", text)
    text = re.sub(r"\d+", lambda m: _vietnamese_digits(m[0]), text)
    return _tidy(text)


def _decimals(digits: str) -> str:
    return _vietnamese_digits(digits) if len(digits) <= 2 and digits[0] != "0" else \
        " ".join(_DIGITS[int(digit)] for digit in digits)


def speakable_english(text: str) -> str:
    """English text with dates, decision numbers and Roman numerals rewritten and long digit runs spelt."""
    text = re.sub(r"(\d+)/(?:[A-ZĐ][A-ZĐa-z0-9]*)(?:[-/][A-ZĐ0-9][A-ZĐa-z0-9]*)*", r"number \1", text)
    text = re.sub(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)", _english_date, text)
    text = re.sub(r"(?<!\w)([IVXL]+)(?=\s+century)", lambda m: _ordinal(roman_value(m[1])) or m[0], text)
    text = _roman_to_digits(text, after="king|emperor|pope")
    text = re.sub(r"(\d)\s*[–—]\s*(?=\d)", r"\1 to ", text)
    text = re.sub(r"(\d)\s*km(?!\w)", r"\1 kilometres", text)
    text = re.sub(rf"\d{{{LONGEST_NUMBER + 1},}}", lambda m: " ".join(m[0]), text)
    return _tidy(text)


def _ordinal(number: int | None) -> str | None:
    """20 -> "20th", 21 -> "21st" (None stays None)."""
    if number is None:
        return None
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _english_date(match: re.Match) -> str:
    day, month, year = int(match[1]), int(match[2]), match[3]
    return f"{day} {_ENGLISH_MONTHS[month - 1]} {year}" if 1 <= month <= 12 else match[0]


def _tidy(text: str) -> str:
    """Brackets and quotes as pauses or nothing, and single spaces (line breaks kept)."""
    text = re.sub(r"[()\[\]]", ", ", text)
    text = re.sub(r"[\"“”«»*_#`]", "", text)
    text = re.sub(r"\s*,(\s*,)+", ",", text)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r" ([,.;:!?])", r"\1", text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def speakable(text: str, lang: str) -> str:
    """`text` normalised for speaking in `lang` (a BCP 47 tag); languages other than Vietnamese get the
    lighter English rules, which only touch digits and Roman numerals."""
    return speakable_vietnamese(text) if lang.split("-")[0] == "vi" else speakable_english(text)
