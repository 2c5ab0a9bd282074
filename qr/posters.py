"""Printable posters (A4), flyers (A5) and plaque cards (20 x 15 cm) as PDF: site texts in, PDF bytes out.

Pure functions shared by the API, the CLI and the benchmark. One page per site; a batch is one document
with a page per site, the form a print shop takes for a whole district.

Print details:
- Be Vietnam Pro (OFL, from the `fontpkg-be-vietnam-pro` package, so no system font is needed) covers
  every precomposed Vietnamese letter; fpdf2 embeds a subset of it with a ToUnicode map, so the text
  can be searched and copied. Text is normalised to NFC first: decomposed marks would print apart.
- The QR code is vector: one black rectangle per run of dark modules, from the same matrix as the SVG
  (`qr.codes`), on white with its quiet zone of four modules kept clear.
- Its printed size follows the scanning distance, about a tenth of it and never under 2.5 cm (the
  symbol, without the quiet zone), shrunk only if the page has no room for it.
- Scripts that need complex shaping (Khmer) are set with a real shaper: fpdf2's text shaping through
  HarfBuzz (`uharfbuzz`), with Noto Sans Khmer (`fontpkg-noto-sans-khmer`) as the fallback font for
  the letters Be Vietnam Pro lacks. Shaped lines carry their text as /ActualText (PDF 32000-1, 14.9.4):
  fpdf2's ToUnicode map leaves the second glyph of a split vowel unmapped, so copy and search would
  otherwise get stray codes. Vietnamese needs no shaping and is set as before, as fast as before.
- Text and code are pure grey-scale black (`0 g`), never an RGB black that a printer would mix from
  four inks. Long texts wrap and shrink until they fit their box: nothing overflows or is cut.
"""

import dataclasses
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

import fontpkg
from fpdf import FPDF
from PIL import Image

from qr.codes import QUIET_ZONE_MODULES, ErrorCorrection, dark_runs, matrix

FONT_FAMILY = "Be Vietnam Pro"
SHAPED_FONT_FAMILY = "Noto Sans Khmer"  # a variable font: its bold is the wght=700 instance
MIN_SYMBOL_MM = 25.0  # the smallest code that phone cameras read reliably
CALL_TO_ACTION = ("Quét mã để tìm hiểu", "Scan to learn more")
CREATOR = "Địa chỉ đỏ"
PT_TO_MM = 25.4 / 72
LINE_HEIGHT = 1.3  # in em: room for the stacked marks of Vietnamese (ẩ, ặ, ỗ) between lines
MARK_ROOM = 0.35  # in em: how far a stacked mark rises above the first line's cell
COENG = "\u17d2"  # the Khmer sign that puts the next consonant below the previous one
SMALLEST_PT = 4.0  # text is never set smaller; past it, `posters` refuses rather than overflow


class PosterFormat(StrEnum):
    """What is printed: an A4 poster for a notice board, an A5 flyer or a 20 x 15 cm plaque card."""

    a4 = "a4"
    a5 = "a5"
    plaque = "plaque"


@dataclass(frozen=True)
class Layout:
    """The page of one format, in millimetres, and how far away its QR code is meant to be scanned."""

    label: str
    width: float
    height: float
    margin: float
    scan_distance_m: float
    scale: float  # text sizes relative to the A4 poster
    columns: bool  # text left and code right (landscape), or everything stacked (portrait)


LAYOUTS = {
    # Read on a notice board from a step back, about 80 cm: an 8 cm code.
    PosterFormat.a4: Layout("Áp phích A4 / A4 poster", 210, 297, 15, 0.8, 1.0, False),
    # Held in the hand or lying on a table, about half a metre away: a 5 cm code.
    PosterFormat.a5: Layout("Tờ rơi A5 / A5 flyer", 148, 210, 10, 0.5, 0.72, False),
    # A plate at the site, read at arm's length (about 70 cm) and often worn: a 7 cm code.
    PosterFormat.plaque: Layout("Bảng 20 x 15 cm / plaque card", 200, 150, 10, 0.7, 0.7, True),
}

CODE_SHARE = 0.6  # of a portrait page's height below the header, at most, for the call to action, code and URL
# Largest text sizes on the A4 poster, in points; other formats scale them.
NAME_PT, DETAILS_PT, SUMMARY_PT, CTA_PT, CTA_EN_PT, URL_PT, ORGANISATION_PT = 44, 16, 20, 24, 17, 15, 14


@dataclass(frozen=True)
class PosterText:
    """What a poster says about one site; `url` is encoded in the QR code and printed under it (without
    `https://`)."""

    name: str
    category: str
    recognition: str | None
    summary: str
    url: str
    lang: str = "vi"  # BCP 47 tag of the texts, recorded in the PDF for screen readers and search
    call_to_action: tuple[str, str] = CALL_TO_ACTION  # in the poster's language, then in another


@dataclass(frozen=True)
class Branding:
    """The organising unit printed at the top of every page, with its logo (a PNG or JPEG file)."""

    organisation: str
    logo: Path | None = None


_Texts = TypeVar("_Texts", PosterText, Branding)


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    w: float
    h: float


def posters(sites: Iterable[PosterText], fmt: PosterFormat, branding: Branding,
            ec: ErrorCorrection = ErrorCorrection.M, title: str | None = None) -> bytes:
    """One PDF with a page per site, in the given order; `sites` is consumed lazily (for progress bars).

    Raises ValueError for no sites, or a text too long to fit even at the smallest size.
    """
    layout = LAYOUTS[PosterFormat(fmt)]
    pdf = _document(layout, branding, title or layout.label)
    branding = _normalised(branding)
    for site in sites:
        pdf.set_lang(site.lang)
        pdf.add_page()
        _draw_page(pdf, layout, _normalised(site), branding, ec)
    if pdf.page == 0:
        raise ValueError("no site to print")
    return bytes(pdf.output())


def poster(site: PosterText, fmt: PosterFormat, branding: Branding, ec: ErrorCorrection = ErrorCorrection.M) -> bytes:
    """The one-page PDF of one site, titled with its name."""
    return posters([site], fmt, branding, ec, title=f"{_nfc(site.name)} – {LAYOUTS[PosterFormat(fmt)].label}")


def qr_symbol_mm(scan_distance_m: float) -> float:
    """Printed width of the code (quiet zone excluded) for a scanning distance: a tenth, at least 2.5 cm."""
    return max(MIN_SYMBOL_MM, scan_distance_m * 100)


def _document(layout: Layout, branding: Branding, title: str) -> FPDF:
    pdf = FPDF(unit="mm", format=(layout.width, layout.height))
    pdf.set_margins(layout.margin, layout.margin, layout.margin)
    pdf.set_auto_page_break(False)  # a page that overflowed would silently start a new one
    pdf.c_margin = 0  # no padding inside text cells: the boxes of the layout are the text's bounds
    pdf.add_font(FONT_FAMILY, "", fontpkg.path(FONT_FAMILY, 400))
    pdf.add_font(FONT_FAMILY, "B", fontpkg.path(FONT_FAMILY, 700))
    pdf.set_title(_nfc(title))
    pdf.set_author(_nfc(branding.organisation))
    pdf.set_subject(" / ".join(CALL_TO_ACTION))
    pdf.set_creator(CREATOR)
    pdf.set_text_color(0)
    pdf.set_draw_color(0)
    return pdf


def _draw_page(pdf: FPDF, layout: Layout, site: PosterText, branding: Branding, ec: ErrorCorrection) -> None:
    s, m = layout.scale, layout.margin
    content = _Box(m, m, layout.width - 2 * m, layout.height - 2 * m)
    header_h = _draw_header(pdf, branding, _Box(content.x, content.y, content.w, 16 * s), ORGANISATION_PT * s)
    top = content.y + header_h + 6 * s
    bottom = content.y + content.h
    grid = matrix(site.url, ec)
    cta_h = _text_height(CTA_PT * s, 1) + _text_height(CTA_EN_PT * s, 1)
    url_h = _text_height(URL_PT * s, 1)
    if layout.columns:
        code_w = content.w * 0.52
        code_col = _Box(content.x + content.w - code_w, top, code_w, bottom - top)
        text_col = _Box(content.x, top, content.w - code_w - 6 * s, bottom - top)
        side = _qr_side(grid, layout.scan_distance_m, code_col.w, code_col.h - cta_h - url_h)
        y = code_col.y + (code_col.h - cta_h - side - url_h) / 2
        _draw_code_block(pdf, site.url, site.call_to_action, grid, _Box(code_col.x, y, code_col.w, code_col.h),
                         side, s)
        _draw_texts(pdf, site, text_col, s, "L")
    else:
        side = _qr_side(grid, layout.scan_distance_m, content.w, (bottom - top) * CODE_SHARE - cta_h - url_h)
        block_h = cta_h + side + url_h
        _draw_code_block(pdf, site.url, site.call_to_action, grid, _Box(content.x, bottom - block_h, content.w, block_h),
                         side, s)
        _draw_texts(pdf, site, _Box(content.x, top, content.w, bottom - block_h - top - 4 * s), s, "C")


def _draw_header(pdf: FPDF, branding: Branding, box: _Box, size_pt: float) -> float:
    """The logo and, beside it, the organisation's name, over a rule; returns the height used."""
    x, height = box.x, 0.0
    if branding.logo:
        with Image.open(branding.logo) as image:  # reads the header only
            aspect = image.width / image.height
        width = min(box.h * aspect, box.w / 3)  # a wide logo leaves room for the name
        pdf.image(branding.logo, x=box.x, y=box.y + (box.h - width / aspect) / 2, w=width, h=width / aspect)
        x += width + 3
        height = box.h
    text_box = _Box(x, box.y, box.x + box.w - x, box.h)
    height = max(height, _fit(pdf, branding.organisation, "B", text_box, size_pt, "L", middle=bool(branding.logo)))
    rule_y = box.y + height + 2
    pdf.set_line_width(0.3)
    pdf.line(box.x, rule_y, box.x + box.w, rule_y)
    return rule_y - box.y


def _draw_texts(pdf: FPDF, site: PosterText, box: _Box, s: float, align: str) -> None:
    """Name, then category and recognition, then the summary; each wraps and shrinks to its share of `box`."""
    y = box.y
    used = _fit(pdf, site.name, "B", _Box(box.x, y, box.w, box.h * 0.5), NAME_PT * s, align)
    y += used + 3 * s
    details = " · ".join(part for part in (site.category, site.recognition) if part)
    used = _fit(pdf, details, "", _Box(box.x, y, box.w, (box.y + box.h - y) * 0.3), DETAILS_PT * s, align)
    y += used + 5 * s
    _fit(pdf, site.summary, "", _Box(box.x, y, box.w, box.y + box.h - y), SUMMARY_PT * s, align)


def printed_url(url: str) -> str:
    """The address printed under the code, for people who type it: without `https://`, which browsers add."""
    return url.split("://", 1)[-1]


def _draw_code_block(pdf: FPDF, url: str, call_to_action: tuple[str, str], grid: list[list[bool]], box: _Box,
                     side: float, s: float) -> None:
    """The call to action, the QR code `side` mm wide (quiet zone included) and the URL under it."""
    y = box.y
    first, second = call_to_action
    y += _fit(pdf, first, "B", _Box(box.x, y, box.w, _text_height(CTA_PT * s, 1)), CTA_PT * s, "C")
    y += _fit(pdf, second, "", _Box(box.x, y, box.w, _text_height(CTA_EN_PT * s, 1)), CTA_EN_PT * s, "C")
    _draw_qr(pdf, grid, box.x + (box.w - side) / 2, y, side)
    y += side
    _fit(pdf, printed_url(url), "", _Box(box.x, y, box.w, box.y + box.h - y), URL_PT * s, "C")


def _qr_side(grid: list[list[bool]], scan_distance_m: float, max_w: float, max_h: float) -> float:
    """Width of the whole code, quiet zone included, for the scanning distance, within the room there is."""
    modules = len(grid)
    symbol_modules = modules - 2 * QUIET_ZONE_MODULES
    wanted = qr_symbol_mm(scan_distance_m) * modules / symbol_modules
    side = min(wanted, max_w, max_h)
    if side * symbol_modules / modules < MIN_SYMBOL_MM - 1e-6:
        raise ValueError(f"no room for a {MIN_SYMBOL_MM / 10:g} cm QR code on this page")
    return side


def _draw_qr(pdf: FPDF, grid: list[list[bool]], x: float, y: float, side: float) -> None:
    """The code as vector rectangles on a white square that keeps the quiet zone clear."""
    module = side / len(grid)
    pdf.set_fill_color(255)
    pdf.rect(x, y, side, side, style="F")
    pdf.set_fill_color(0)
    for column, row, length in dark_runs(grid):
        pdf.rect(x + column * module, y + row * module, length * module, module, style="F")


def _fit(pdf: FPDF, text: str, style: str, box: _Box, max_pt: float, align: str, middle: bool = False) -> float:
    """Write `text` in `box` at the largest size up to `max_pt` at which it fits wrapped; returns the height used.

    Sizes step down by half a point. Raises ValueError if it fits at no size down to SMALLEST_PT.
    """
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
        height = _text_height(size, len(lines))
        if height <= box.h:
            break
        size -= 0.5
        if size < SMALLEST_PT:
            raise ValueError(f"text does not fit in {box.w:.0f} x {box.h:.0f} mm: {text[:40]}…")
    pdf.set_font(FONT_FAMILY, style, size)
    line_h = size * PT_TO_MM * LINE_HEIGHT
    y = box.y + ((box.h - height) / 2 if middle else 0) + MARK_ROOM * size * PT_TO_MM
    for line in lines:
        pdf.set_xy(box.x, y)
        if shaped:
            _out_actual_text(pdf, line)
        pdf.cell(box.w, line_h, line, align=align)
        if shaped:
            pdf._out("EMC")
        y += line_h
    return height


def _needs_shaping(text: str) -> bool:
    """True when `text` has letters of a script that must be shaped (Khmer): beyond the Latin, Vietnamese
    and punctuation blocks that Be Vietnam Pro draws one code point per glyph."""
    return any(ord(char) >= 0x0590 and not 0x1E00 <= ord(char) <= 0x20CF for char in text)


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


def _text_height(size_pt: float, lines: int) -> float:
    """Millimetres taken by `lines` lines at `size_pt`, with room for the marks above the first line."""
    return (lines * LINE_HEIGHT + MARK_ROOM) * size_pt * PT_TO_MM


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _normalised(item: _Texts) -> _Texts:
    """`item` with every text in NFC (precomposed letters, which the font covers)."""
    changes = {f.name: _nfc(value) for f in dataclasses.fields(item) if isinstance(value := getattr(item, f.name), str)}
    return dataclasses.replace(item, **changes)
