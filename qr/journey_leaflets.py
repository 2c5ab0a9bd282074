"""A journey's printable leaflet as PDF: texts and points in, PDF bytes out (issue 13).

One page: the organisation, the journey's title, summary and facts beside the journey's QR code, a
schematic route drawing (the placed stops numbered and joined in order, a scale bar and a north arrow,
drawn as vectors: no map tiles, so it prints offline), then a card per stop with its number, name,
one-line summary, distance from the previous stop and its own QR code (the symbol at least 2 cm, read
from a hand-held leaflet; STOP_MODULE_MM says what makes it survive a phone's photo). Cards fill one to
three columns (two on A5), the fewest that fit on the page; a journey with more stops than fit under the
drawing (12 on A4, 6 on A5, with a 2 cm code each) continues its cards on further pages, 27 a page on A4
and 14 on A5. Close stops' markers may overlap on
the sketch; the cards are the list that counts. Same font, grey-scale black and fitting rules as the posters
(qr/printing.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qr.codes import QUIET_ZONE_MODULES, ErrorCorrection, Grid, matrix
from qr.formats import LeafletFormat
from qr.printing import (
    PT_TO_MM,
    Box,
    draw_header,
    draw_qr,
    fit_text,
    new_document,
    nfc,
    normalised,
    printed_url,
    qr_side,
    text_height,
)

if TYPE_CHECKING:
    from fpdf import FPDF

JOURNEY_CALL = ("Quét mã xem cả hành trình", "Scan for the whole journey")
UNPLACED = ("Chưa có vị trí chính xác trên sơ đồ: điểm {numbers}", "Exact place not yet known: stops {numbers}")
NO_DRAWING = ("Chưa vẽ được sơ đồ: cần ít nhất hai điểm có vị trí", "No route drawn: it needs two placed stops")
SCHEMATIC = "Sơ đồ, không phải bản đồ / a sketch, not a map"
STOP_SYMBOL_MM = 20.0  # a leaflet is held in the hand (about 20 cm away): 2 cm read easily
# Issue 23: the stop codes of a leaflet printed at 150 dpi and photographed at a 30° tilt, with 1.5 px of blur
# and JPEG quality 40, decoded 1 in 6 (tests/phone_photo.py simulates it). A paper leaflet is not a weathered
# plaque: error correction L (7 %) leaves fewer, larger modules than M, and each module is at least 0.8 mm
# (4.7 dots at 150 dpi), the symbol growing past 2 cm for a long payload. Every stop then decodes in the test.
STOP_EC = ErrorCorrection.L
STOP_MODULE_MM = 0.8
JOURNEY_SYMBOL_MM = {"a4": 30.0, "a5": 25.0}
NICE_STEPS = (1, 2, 5)


@dataclass(frozen=True)
class _Page:
    width: float
    height: float
    margin: float
    scale: float  # text sizes relative to A4
    drawing_h: float
    max_columns: int


PAGES = {
    LeafletFormat.a4: _Page(210, 297, 12, 1.0, 72, 3),
    LeafletFormat.a5: _Page(148, 210, 9, 0.8, 40, 2),
}
TITLE_PT, SUMMARY_PT, FACTS_PT, ORGANISATION_PT, CALL_PT = 22, 11, 9.5, 11, 8
NAME_PT, STOP_SUMMARY_PT, DISTANCE_PT, MIN_STOP_PT = 10, 8, 7.5, 5.5


@dataclass(frozen=True)
class LeafletStop:
    """One stop as printed: `distance` is already worded ("≈ 2,3 km", "chưa rõ"); `point` is (lat, lon)
    when the stop may be placed on the drawing, None otherwise; `url` is what its QR code encodes."""

    number: int
    name: str
    summary: str
    distance: str
    url: str
    point: tuple[float, float] | None


@dataclass(frozen=True)
class LeafletText:
    """What the leaflet says: `facts` is one line (travel mode, stops, total distance); `url` the journey's code."""

    title: str
    summary: str
    facts: str
    url: str
    organisation: str
    stops: tuple[LeafletStop, ...]
    logo: Path | None = None


def leaflet(text: LeafletText, fmt: LeafletFormat = LeafletFormat.a4, ec: ErrorCorrection = ErrorCorrection.M) -> bytes:
    """The journey's leaflet as PDF bytes; `ec` is the journey code's error correction (the stops' is STOP_EC).
    Raises ValueError for a journey without stops."""
    if not text.stops:
        raise ValueError("a journey needs at least one stop")
    page = PAGES[LeafletFormat(fmt)]
    text = normalised(text)
    stops = [normalised(stop) for stop in text.stops]
    pdf = new_document(page.width, page.height, page.margin, text.title, text.organisation, " / ".join(JOURNEY_CALL))
    pdf.add_page()
    s, m = page.scale, page.margin
    content = Box(m, m, page.width - 2 * m, page.height - 2 * m)
    y = content.y + draw_header(pdf, text.organisation, text.logo, Box(content.x, content.y, content.w, 10 * s),
                                ORGANISATION_PT * s) + 4 * s
    y += _draw_title_block(pdf, text, Box(content.x, y, content.w, 0), s, JOURNEY_SYMBOL_MM[fmt], ec) + 4 * s
    y += _draw_route(pdf, stops, Box(content.x, y, content.w, page.drawing_h), s) + 4 * s
    _draw_cards(pdf, stops, Box(content.x, y, content.w, content.y + content.h - y), content, page)
    return bytes(pdf.output())


def _draw_title_block(pdf: FPDF, text: LeafletText, box: Box, s: float, symbol_mm: float, ec: ErrorCorrection
                      ) -> float:
    """Title, summary and facts on the left; the journey's QR with its call and URL on the right. Returns the height."""
    grid = matrix(text.url, ec)
    side = qr_side(grid, symbol_mm, box.w, box.w, symbol_mm)
    call_h = 2 * text_height(CALL_PT * s, 1)
    url_h = text_height(CALL_PT * s, 1)
    column_w = max(side, 42 * s)
    x = box.x + box.w - column_w
    block_h = call_h + side + url_h
    y = box.y
    y += fit_text(pdf, JOURNEY_CALL[0], "B", Box(x, y, column_w, text_height(CALL_PT * s, 1)), CALL_PT * s, "C")
    y += fit_text(pdf, JOURNEY_CALL[1], "", Box(x, y, column_w, text_height(CALL_PT * s, 1)), CALL_PT * s, "C")
    draw_qr(pdf, grid, x + (column_w - side) / 2, y, side)
    fit_text(pdf, printed_url(text.url), "", Box(x, y + side, column_w, url_h), CALL_PT * s, "C")
    left = Box(box.x, box.y, box.w - column_w - 5 * s, block_h)
    y = left.y
    y += fit_text(pdf, text.title, "B", Box(left.x, y, left.w, left.h * 0.45), TITLE_PT * s, "L") + 1.5 * s
    y += fit_text(pdf, text.facts, "B", Box(left.x, y, left.w, (left.y + left.h - y) * 0.3), FACTS_PT * s, "L")
    fit_text(pdf, text.summary, "", Box(left.x, y + 1.5 * s, left.w, left.y + left.h - y - 1.5 * s), SUMMARY_PT * s,
             "L")
    return block_h


def _draw_route(pdf: FPDF, stops: list[LeafletStop], box: Box, s: float) -> float:
    """The schematic: placed stops projected (equirectangular) into `box`, joined in order, numbered. Returns the
    height used: the box's, or with fewer than two placed stops only the line saying so (issue 28: no empty box),
    and the cards move up."""
    placed = [stop for stop in stops if stop.point]
    unplaced = [str(stop.number) for stop in stops if not stop.point]
    numbers = ", ".join(unplaced)
    unplaced_note = f"{UNPLACED[0].format(numbers=numbers)} / {UNPLACED[1].format(numbers=numbers)}"
    if len(placed) < 2:
        message = f"{NO_DRAWING[0]} / {NO_DRAWING[1]}"
        height = fit_text(pdf, message, "B", Box(box.x, box.y, box.w, text_height(9 * s, 2)), 9 * s, "L")
        if unplaced:
            height += fit_text(pdf, unplaced_note, "", Box(box.x, box.y + height + 1, box.w, 9 * s), 8 * s, "L") + 1
        return height
    pdf.set_line_width(0.3)
    pdf.set_draw_color(0)
    pdf.rect(box.x, box.y, box.w, box.h)
    note_h = 0.0
    if unplaced:
        note_h = fit_text(pdf, unplaced_note, "", Box(box.x + 3, box.y + box.h - 11 * s, box.w - 6, 9 * s), 8 * s,
                          "L")
    fit_text(pdf, SCHEMATIC, "", Box(box.x + 3, box.y + 2, box.w - 20 * s, text_height(7 * s, 1)), 7 * s, "L")
    _draw_north_arrow(pdf, box.x + box.w - 8 * s, box.y + 3 * s, s)
    lat0 = sum(stop.point[0] for stop in placed) / len(placed)
    xs = [(stop.point[1]) * 111.32 * math.cos(math.radians(lat0)) for stop in placed]  # km east
    ys = [stop.point[0] * 110.57 for stop in placed]  # km north
    inner = Box(box.x + 10 * s, box.y + 10 * s, box.w - 20 * s, box.h - 20 * s - note_h)
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    mm_per_km = min(inner.w / span_x if span_x else math.inf, inner.h / span_y if span_y else math.inf)
    if math.isinf(mm_per_km):  # every placed stop on one point
        mm_per_km = 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    positions = [(inner.x + inner.w / 2 + (x - cx) * mm_per_km, inner.y + inner.h / 2 - (y - cy) * mm_per_km)
                 for x, y in zip(xs, ys, strict=True)]
    pdf.set_line_width(0.7)
    for (a, stop_a), (b, stop_b) in zip(zip(positions, placed, strict=True),
                                        zip(positions[1:], placed[1:], strict=True), strict=False):
        skipped = stop_b.number - stop_a.number > 1  # an unplaced stop lies between: dashed
        if skipped:
            pdf.set_dash_pattern(dash=2, gap=1.5)
        pdf.line(*a, *b)
        pdf.set_dash_pattern()
    for (x, y), stop in zip(positions, placed, strict=True):
        _draw_marker(pdf, x, y, stop.number, s)
    _draw_scale_bar(pdf, box.x + box.w - 45 * s, box.y + box.h - 6 * s - note_h, 38 * s, mm_per_km, s)
    return box.h


def _draw_marker(pdf: FPDF, x: float, y: float, number: int, s: float) -> None:
    radius = 3.2 * s
    pdf.set_fill_color(0)
    pdf.circle(x=x, y=y, radius=radius, style="F")
    pdf.set_text_color(255)
    size = (8 if number < 10 else 6.5) * s
    pdf.set_font("Be Vietnam Pro", "B", size)
    pdf.set_xy(x - radius, y - size * PT_TO_MM / 2)
    pdf.cell(2 * radius, size * PT_TO_MM, str(number), align="C")
    pdf.set_text_color(0)


def _draw_north_arrow(pdf: FPDF, x: float, y: float, s: float) -> None:
    """An arrow pointing up with B (Bắc) / N under it; the drawing is north-up."""
    pdf.set_fill_color(0)
    pdf.polygon([(x, y), (x + 2.5 * s, y + 7 * s), (x, y + 5.5 * s), (x - 2.5 * s, y + 7 * s)], style="F")
    pdf.set_font("Be Vietnam Pro", "B", 7 * s)
    pdf.set_xy(x - 5 * s, y + 7.5 * s)
    pdf.cell(10 * s, 3 * s, "B / N", align="C")


def _draw_scale_bar(pdf: FPDF, right: float, y: float, max_w: float, mm_per_km: float, s: float) -> None:
    """A bar of a round length (1, 2 or 5 x 10^n km) at most `max_w` mm wide, labelled."""
    km = _nice_length(max_w / mm_per_km)
    width = km * mm_per_km
    x = right + max_w - width
    pdf.set_line_width(0.6)
    pdf.line(x, y, x + width, y)
    pdf.line(x, y - 1.2, x, y + 0.3)
    pdf.line(x + width, y - 1.2, x + width, y + 0.3)
    label = f"{km:g} km" if km >= 1 else f"{km * 1000:g} m"
    pdf.set_font("Be Vietnam Pro", "", 7 * s)
    pdf.set_xy(x, y - 4.2 * s)
    pdf.cell(width, 3 * s, label.replace(".", ","), align="C")


def _nice_length(limit_km: float) -> float:
    """The largest 1, 2 or 5 x 10^n not above `limit_km`."""
    exponent = math.floor(math.log10(limit_km))
    return max(step * 10**exponent for step in NICE_STEPS if step * 10**exponent <= limit_km)


def _draw_cards(pdf: FPDF, stops: list[LeafletStop], room: Box, content: Box, page: _Page) -> None:
    """A card per stop, in the fewest columns that fit the room left on page 1; more pages if none does."""
    grids = [matrix(stop.url, STOP_EC) for stop in stops]
    sides = [qr_side(grid, symbol, content.w, content.h, symbol) for grid in grids
             for symbol in [stop_symbol_mm(grid)]]
    card_h = max(sides) + 2
    rows_here = max(0, int(room.h // card_h))
    columns = next((c for c in range(1, page.max_columns + 1) if rows_here * c >= len(stops)), page.max_columns)
    column_w = (content.w - 4 * (columns - 1)) / columns
    box, row, column = room, 0, 0
    for stop, grid, side in zip(stops, grids, sides, strict=True):
        if row >= int(box.h // card_h):  # this page is full: continue on a new one
            pdf.add_page()
            box, row, column = content, 0, 0
        x, y = box.x + column * (column_w + 4), box.y + row * card_h
        _draw_card(pdf, stop, grid, side, Box(x, y, column_w, card_h - 2), page.scale)
        column += 1
        if column == columns:
            column, row = 0, row + 1


def stop_symbol_mm(grid: Grid) -> float:
    """The printed width of a stop's symbol (quiet zone excluded): 2 cm, or more for STOP_MODULE_MM modules."""
    return max(STOP_SYMBOL_MM, (len(grid) - 2 * QUIET_ZONE_MODULES) * STOP_MODULE_MM)


def _draw_card(pdf: FPDF, stop: LeafletStop, grid: Grid, side: float, box: Box, s: float) -> None:
    draw_qr(pdf, grid, box.x, box.y, side)
    _draw_marker(pdf, box.x + side + 4 * s, box.y + 4 * s, stop.number, s)
    text = Box(box.x + side + 1.5, box.y + 1, box.w - side - 1.5, box.h - 1)
    name_x = text.x + 6.5 * s
    y = text.y
    y += fit_text(pdf, stop.name, "B", Box(name_x, y, text.x + text.w - name_x, text.h * 0.42), NAME_PT * s, "L",
                  min_pt=MIN_STOP_PT * s * 0.75)
    distance_h = text_height(DISTANCE_PT * s, 1)
    _fit_shortened(pdf, stop.summary, Box(text.x, y, text.w, text.y + text.h - y - distance_h), STOP_SUMMARY_PT * s,
                   MIN_STOP_PT * s)
    fit_text(pdf, stop.distance, "", Box(text.x, text.y + text.h - distance_h, text.w, distance_h), DISTANCE_PT * s,
             "L")


def _fit_shortened(pdf: FPDF, text: str, box: Box, max_pt: float, min_pt: float) -> None:
    """`text` fitted in `box` no smaller than `min_pt`, cut at a word with "…" when even that is too long."""
    words = text.split()
    while words:
        shown = " ".join(words) + ("" if len(words) == len(text.split()) else " …")
        try:
            fit_text(pdf, nfc(shown), "", box, max_pt, "L", min_pt=min_pt)
            return
        except ValueError:
            words = words[:-1]
