"""Sticker sheets: A4 pages of square vinyl stickers, each a site's QR code with its short name under it, and cut marks
at every sticker's corners (issue 25). Pure, bytes out, like the posters.

Each code is at least MIN_SYMBOL_MM (25 mm, quiet zone excluded), and each is decoded from the rectangles drawn
on the page before the sheet is given (qr/engraving/print_check.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qr.codes import QUIET_ZONE_MODULES, ErrorCorrection, dark_runs, matrix
from qr.engraving.print_check import check_code
from qr.formats import MIN_SYMBOL_MM
from qr.printing import Box, draw_qr, fit_text, new_document, nfc

if TYPE_CHECKING:
    from fpdf import FPDF

PAGE_W, PAGE_H, SHEET_MARGIN, GUTTER = 210.0, 297.0, 10.0, 6.0  # A4; the gutter holds the cut marks
MIN_STICKER_MM, MAX_STICKER_MM, DEFAULT_STICKER_MM = 30, 120, 50
PADDING_SHARE, NAME_SHARE = 0.04, 0.18  # of a sticker's side: inside it, and under the code for the name
NAME_MAX_CHARS = 48  # a longer name is cut at a word, with an ellipsis
MARK_GAP = 0.5  # mm between a sticker's corner and its cut marks
TITLE = "Nhãn dán mã QR / QR code stickers"


@dataclass(frozen=True)
class Sticker:
    """One sticker: the site's name and the URL its code encodes."""

    name: str
    url: str


def stickers(items: Sequence[Sticker], size_mm: float = DEFAULT_STICKER_MM, organisation: str = "",
             ec: ErrorCorrection = ErrorCorrection.M) -> bytes:
    """A PDF of A4 sheets with a `size_mm` square sticker per item, in order; raises ValueError naming `size` when a
    code would be under 25 mm, or for no items."""
    if not items:
        raise ValueError("no site to print")
    if not MIN_STICKER_MM <= size_mm <= MAX_STICKER_MM:
        raise ValueError(f"size: nhãn từ {MIN_STICKER_MM} đến {MAX_STICKER_MM} mm / a sticker must be "
                         f"{MIN_STICKER_MM}-{MAX_STICKER_MM} mm (got {size_mm:g})")
    columns = int((PAGE_W - 2 * SHEET_MARGIN + GUTTER) // (size_mm + GUTTER))
    rows = int((PAGE_H - 2 * SHEET_MARGIN + GUTTER) // (size_mm + GUTTER))
    pdf = new_document(PAGE_W, PAGE_H, SHEET_MARGIN, TITLE, organisation, TITLE)
    left = (PAGE_W - columns * size_mm - (columns - 1) * GUTTER) / 2
    top = (PAGE_H - rows * size_mm - (rows - 1) * GUTTER) / 2
    for index, item in enumerate(items):
        place = index % (columns * rows)
        if place == 0:
            pdf.add_page()
        x = left + (place % columns) * (size_mm + GUTTER)
        y = top + (place // columns) * (size_mm + GUTTER)
        _draw_sticker(pdf, item, Box(x, y, size_mm, size_mm), ec)
    return bytes(pdf.output())


def _draw_sticker(pdf: FPDF, item: Sticker, box: Box, ec: ErrorCorrection) -> None:
    grid = matrix(item.url, ec)
    pad, name_h = box.w * PADDING_SHARE, box.w * NAME_SHARE
    side = box.w - 2 * pad - name_h
    modules = len(grid)
    symbol = side * (modules - 2 * QUIET_ZONE_MODULES) / modules
    if symbol < MIN_SYMBOL_MM - 1e-9:
        raise ValueError(f"size={box.w:g}: mã QR chỉ rộng {symbol:.1f} mm, tối thiểu {MIN_SYMBOL_MM:g} mm; hãy chọn "
                         f"nhãn lớn hơn / the QR code would be {symbol:.1f} mm wide, the minimum is "
                         f"{MIN_SYMBOL_MM:g} mm: choose larger stickers")
    x, y = box.x + (box.w - side) / 2, box.y + pad
    draw_qr(pdf, grid, x, y, side)
    module = side / modules
    drawn = [[(x + c * module, y + r * module), (x + (c + n) * module, y + r * module),
              (x + (c + n) * module, y + (r + 1) * module), (x + c * module, y + (r + 1) * module)]
             for c, r, n in dark_runs(grid)]
    check_code(drawn, Box(x, y, side, side), module, item.url, inverted=False)
    name_box = Box(box.x + pad, y + side, box.w - 2 * pad, box.y + box.h - pad - y - side)
    fit_text(pdf, short_name(item.name), "B", name_box, box.w * 0.22, "C", middle=True)
    _cut_marks(pdf, box)


def short_name(name: str, limit: int = NAME_MAX_CHARS) -> str:
    """`name` in NFC, cut at a word to at most `limit` characters with an ellipsis."""
    name = nfc(name).strip()
    if len(name) <= limit:
        return name
    cut = name[:limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-–") + "…"


def _cut_marks(pdf: FPDF, box: Box) -> None:
    """Hairlines in line with each edge, outside each corner, in the sticker's half of the gutter."""
    pdf.set_line_width(0.2)
    near, far = MARK_GAP, GUTTER / 2
    for cx in (box.x, box.x + box.w):
        for cy, out in ((box.y, -1), (box.y + box.h, 1)):
            pdf.line(cx, cy + out * near, cx, cy + out * far)
    for cy in (box.y, box.y + box.h):
        for cx, out in ((box.x, -1), (box.x + box.w, 1)):
            pdf.line(cx + out * near, cy, cx + out * far, cy)
