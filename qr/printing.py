"""What every printed PDF shares: the embedded font, text that wraps and shrinks to fit its box, the
vector QR code and the organisation's header. Used by the posters (qr/posters.py) and the journey
leaflets (qr/journey_leaflets.py), so both follow the same print rules:

- Be Vietnam Pro (OFL, from the `fontpkg-be-vietnam-pro` package, so no system font is needed) covers
  every precomposed Vietnamese letter; fpdf2 embeds a subset of it with a ToUnicode map, so the text
  can be searched and copied. Text is normalised to NFC first: decomposed marks would print apart.
- A QR code is vector: one black rectangle per run of dark modules, from the same matrix as the SVG
  (`qr.codes`), on white with its quiet zone of four modules kept clear.
- Scripts that need complex shaping (Khmer) are set with a real shaper: fpdf2's text shaping through
  HarfBuzz (`uharfbuzz`), with Noto Sans Khmer (`fontpkg-noto-sans-khmer`) as the fallback font for
  the letters Be Vietnam Pro lacks. Shaped lines carry their text as /ActualText (PDF 32000-1, 14.9.4):
  fpdf2's ToUnicode map leaves the second glyph of a split vowel unmapped, so copy and search would
  otherwise get stray codes. Vietnamese needs no shaping and is set as before, as fast as before.
- Text and codes are pure grey-scale black (`0 g`), never an RGB black that a printer would mix from
  four inks. Long texts wrap and shrink until they fit their box: nothing overflows or is cut.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import fontpkg
from PIL import Image

from qr.codes import QUIET_ZONE_MODULES, Grid, dark_runs
from qr.formats import MIN_SYMBOL_MM  # noqa: F401 (the posters and leaflets import it from here)

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_FAMILY = "Be Vietnam Pro"
SHAPED_FONT_FAMILY = "Noto Sans Khmer"  # a variable font: its bold is the wght=700 instance
COENG = "\u17d2"  # the Khmer sign that puts the next consonant below the previous one
CREATOR = "Địa chỉ đỏ"
PT_TO_MM = 25.4 / 72
LINE_HEIGHT = 1.3  # in em: room for the stacked marks of Vietnamese (ẩ, ặ, ỗ) between lines
MARK_ROOM = 0.35  # in em: how far a stacked mark rises above the first line's cell
SMALLEST_PT = 4.0  # text is never set smaller; past it, fitting refuses rather than overflow

_Texts = TypeVar("_Texts")


def new_document(width: float, height: float, margin: float, title: str, author: str, subject: str) -> FPDF:
    """An empty PDF of `width` x `height` mm with the font registered, grey-scale black, no automatic page break."""
    from fpdf import FPDF  # here: only the print process draws PDFs (the server never needs fpdf2, issue 27)

    pdf = FPDF(unit="mm", format=(width, height))
    pdf.set_margins(margin, margin, margin)
    pdf.set_auto_page_break(False)  # a page that overflowed would silently start a new one
    pdf.c_margin = 0  # no padding inside text cells: the boxes of the layout are the text's bounds
    pdf.add_font(FONT_FAMILY, "", fontpkg.path(FONT_FAMILY, 400))
    pdf.add_font(FONT_FAMILY, "B", fontpkg.path(FONT_FAMILY, 700))
    pdf.set_title(nfc(title))
    pdf.set_author(nfc(author))
    pdf.set_subject(subject)
    pdf.set_creator(CREATOR)
    pdf.set_lang("vi")
    pdf.set_text_color(0)
    pdf.set_draw_color(0)
    return pdf


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, in millimetres from the top left."""

    x: float
    y: float
    w: float
    h: float


def draw_qr(pdf: FPDF, grid: Grid, x: float, y: float, side: float) -> None:
    """The code as vector rectangles on a white square that keeps the quiet zone clear.

    The dark runs are one path filled once (one `re` per run, then `f`), written straight into the page:
    fpdf2's `rect` per run cost about 0.03 ms each, 200 per code (bench/journeys.py, issue 13).
    """
    module = side / len(grid)
    pdf.set_fill_color(255)
    pdf.rect(x, y, side, side, style="F")
    pdf.set_fill_color(0)
    k, top = pdf.k, pdf.h
    step = module * k
    runs = [f"{(x + column * module) * k:.2f} {(top - y - row * module) * k:.2f} {length * step:.2f} {-step:.2f} re"
            for column, row, length in dark_runs(grid)]
    pdf._out(" ".join(runs) + " f")  # fpdf2's own writer for page content, as its rect() uses


@dataclass(frozen=True)
class FittedText:
    """A text broken into lines at the largest size that fits its box (see `measure_text`)."""

    style: str
    shaped: bool
    size: float
    lines: list[str]
    height: float  # millimetres


def fit_text(pdf: FPDF, text: str, style: str, box: Box, max_pt: float, align: str, middle: bool = False,
             min_pt: float = SMALLEST_PT) -> float:
    """Write `text` in `box` at the largest size up to `max_pt` at which it fits wrapped; returns the height used.

    Sizes step down by half a point. Raises ValueError if it fits at no size down to SMALLEST_PT (or `min_pt`).
    """
    return draw_fitted(pdf, measure_text(pdf, text, style, box, max_pt, min_pt), box, align, middle)


def measure_text(pdf: FPDF, text: str, style: str, box: Box, max_pt: float, min_pt: float = SMALLEST_PT
                 ) -> FittedText:
    """`text` fitted to `box` as `fit_text` would, without writing it: layouts share out the room by its
    height, then write it with `draw_fitted` (at the same width) without fitting it again."""
    shaped = _needs_shaping(text)
    if shaped:
        _add_shaped_fonts(pdf)
    pdf.set_text_shaping(shaped)
    pdf.set_font(FONT_FAMILY, style, max_pt)
    words = text.split()
    # A text's width is proportional to its size: measured once per point, every size is one multiplication.
    per_pt = {piece: pdf.get_string_width(piece) / max_pt for piece in {*words, " "}}
    size = max_pt
    while True:
        lines = _wrap(words, per_pt, box.w / size, lambda piece: pdf.get_string_width(piece) / max_pt)
        height = text_height(size, len(lines))
        if height <= box.h:
            return FittedText(style, shaped, size, lines, height)
        size -= 0.5
        if size < min_pt:
            raise ValueError(f"text does not fit in {box.w:.0f} x {box.h:.0f} mm: {text[:40]}…")


def draw_fitted(pdf: FPDF, fitted: FittedText, box: Box, align: str, middle: bool = False) -> float:
    """Write a measured text in `box` (as wide as the one it was measured in); returns its height."""
    pdf.set_text_shaping(fitted.shaped)
    pdf.set_font(FONT_FAMILY, fitted.style, fitted.size)
    line_h = fitted.size * PT_TO_MM * LINE_HEIGHT
    y = box.y + ((box.h - fitted.height) / 2 if middle else 0) + MARK_ROOM * fitted.size * PT_TO_MM
    for line in fitted.lines:
        pdf.set_xy(box.x, y)
        if fitted.shaped:
            _out_actual_text(pdf, line)
        pdf.cell(box.w, line_h, line, align=align)
        if fitted.shaped:
            pdf._out("EMC")
        y += line_h
    return fitted.height


def _needs_shaping(text: str) -> bool:
    """True when `text` has letters of a script that must be shaped (Khmer, Cham…): the complex-script blocks
    from Hebrew to Mongolian and Cham's. Symbols such as "≈" (U+2248, on every journey leaflet) are drawn one
    code point per glyph: counting them made every leaflet load the shaping font (1.4 s, issue 13)."""
    return any(0x0590 <= ord(char) < 0x1E00 or 0xA800 <= ord(char) < 0xABFF for char in text)


def _add_shaped_fonts(pdf: FPDF) -> None:
    """Register the fallback font for shaped scripts once per document (parsing it costs time)."""
    if SHAPED_FONT_FAMILY.lower() in pdf.fonts:
        return
    pdf.add_font(SHAPED_FONT_FAMILY, "", fontpkg.path(SHAPED_FONT_FAMILY, 400))
    pdf.add_font(SHAPED_FONT_FAMILY, "B", fontpkg.path(SHAPED_FONT_FAMILY, 700), variations={"wght": 700})
    pdf.set_fallback_fonts([SHAPED_FONT_FAMILY], exact_match=False)


def _out_actual_text(pdf: FPDF, text: str) -> None:
    """Open a marked-content span whose /ActualText is `text` (closed by EMC after the line is drawn)."""
    pdf._out(f"/Span <</ActualText <FEFF{text.encode('utf-16-be').hex().upper()}>>> BDC")


def _wrap(words: list[str], per_pt: dict[str, float], width: float, measure: Callable[[str], float]
          ) -> list[str]:
    """Greedy line breaking of `words` into lines at most `width` wide (all widths per point of size).

    A word wider than a line is broken between letters, as a last resort (a very long name in a narrow box).
    fpdf2's own `multi_cell` breaks lines the same way but measures each line again at every letter, which
    made wrapping most of a poster's time.
    """
    lines, current, used = [], [], 0.0
    space = per_pt[" "]
    for word in words:
        word_width = per_pt[word]
        if word_width > width:
            if current:
                lines.append(" ".join(current))
            pieces = _break_word(word, width, measure)
            lines += pieces[:-1]
            current, used = [pieces[-1]], measure(pieces[-1])
        elif current and used + space + word_width > width:
            lines.append(" ".join(current))
            current, used = [word], word_width
        else:
            used += (space if current else 0) + word_width
            current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines or [""]


def _break_word(word: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """`word` cut into pieces at most `width` wide, at least one letter each; a Khmer consonant stays with
    its marks and subscripts (a mark alone at the start of a line would print as a dotted circle)."""
    pieces, piece = [], ""
    for letter in _clusters(word):
        if piece and measure(piece + letter) > width:
            pieces.append(piece)
            piece = ""
        piece += letter
    return pieces + [piece]


def _clusters(word: str) -> list[str]:
    """`word` split into letters with their combining marks, and Khmer subscripts (coeng + consonant)."""
    clusters: list[str] = []
    for char in word:
        if clusters and (unicodedata.category(char).startswith("M") or clusters[-1].endswith(COENG) or char == COENG):
            clusters[-1] += char
        else:
            clusters.append(char)
    return clusters


def text_height(size_pt: float, lines: int) -> float:
    """Millimetres taken by `lines` lines at `size_pt`, with room for the marks above the first line."""
    return (lines * LINE_HEIGHT + MARK_ROOM) * size_pt * PT_TO_MM


def nfc(text: str) -> str:
    """`text` in NFC: precomposed letters, which the font covers."""
    return unicodedata.normalize("NFC", text)


def printed_url(url: str) -> str:
    """The address printed under the code, for people who type it: without `https://`, which browsers add."""
    return url.split("://", 1)[-1]


def draw_header(pdf: FPDF, organisation: str, logo: Path | None, box: Box, size_pt: float) -> float:
    """The logo and, beside it, the organisation's name, over a rule; returns the height used."""
    x, height = box.x, 0.0
    if logo:
        with Image.open(logo) as image:  # reads the header only
            aspect = image.width / image.height
        width = min(box.h * aspect, box.w / 3)  # a wide logo leaves room for the name
        pdf.image(logo, x=box.x, y=box.y + (box.h - width / aspect) / 2, w=width, h=width / aspect)
        x += width + 3
        height = box.h
    text_box = Box(x, box.y, box.x + box.w - x, box.h)
    height = max(height, fit_text(pdf, organisation, "B", text_box, size_pt, "L", middle=bool(logo)))
    rule_y = box.y + height + 2
    pdf.set_line_width(0.3)
    pdf.line(box.x, rule_y, box.x + box.w, rule_y)
    return rule_y - box.y


def draw_photo(pdf: FPDF, photo: Path, box: Box) -> None:
    """A JPEG photo filling `box`, centred and cropped to its aspect (embedded as it is: no re-encoding)."""
    with Image.open(photo) as image:  # reads the header only
        aspect = image.width / image.height
    width, height = (box.h * aspect, box.h) if aspect > box.w / box.h else (box.w, box.w / aspect)
    with pdf.rect_clip(box.x, box.y, box.w, box.h):
        pdf.image(photo, x=box.x + (box.w - width) / 2, y=box.y + (box.h - height) / 2, w=width, h=height)


def qr_side(grid: Grid, symbol_mm: float, max_w: float, max_h: float, min_symbol_mm: float) -> float:
    """Width of the whole code, quiet zone included, for a `symbol_mm` symbol, within the room there is.

    Raises ValueError when the room cannot hold a `min_symbol_mm` symbol.
    """
    modules = len(grid)
    symbol_modules = modules - 2 * QUIET_ZONE_MODULES
    side = min(symbol_mm * modules / symbol_modules, max_w, max_h)
    if side * symbol_modules / modules < min_symbol_mm - 1e-6:
        raise ValueError(f"no room for a {min_symbol_mm / 10:g} cm QR code on this page")
    return side


def normalised(item: _Texts) -> _Texts:
    """The dataclass `item` with every text in NFC (precomposed letters, which the font covers)."""
    changes = {f.name: nfc(value) for f in dataclasses.fields(item) if isinstance(value := getattr(item, f.name), str)}
    return dataclasses.replace(item, **changes)
