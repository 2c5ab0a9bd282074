"""The drawing of one plate, in millimetres from its top left: the outline to cut, the mounting holes, and what is
engraved (the organisation, the site's name, its category and ranking, the QR code with its quiet zone, the short
address under it). The SVG, the DXF, the preview and the print check all read this one drawing.

A portrait plate stacks the texts above the code; a landscape one sets them left of it. The code is sized from the
plate alone (about half of it), so a refusal depends on the size asked for, never on the texts.
"""

from dataclasses import dataclass, field

from qr.codes import QUIET_ZONE_MODULES, ErrorCorrection, matrix
from qr.engraving.glyphs import ASCENT_EM, DESCENT_EM, LINE_HEIGHT, Polygon, Shaped, outline, shape
from qr.engraving.modules import merged_loops
from qr.engraving.plates import Plate, PlateRefused, check_code_size
from qr.printing import Box, nfc, printed_url

CODE_SHARE = 0.55  # of a portrait plate's height inside the margins, at most, for the code and its quiet zone
CODE_COLUMN = 0.5  # of a landscape plate's width inside the margins, at most
SHRINK = 0.94  # each step of shrinking the texts when they do not fit


@dataclass(frozen=True)
class PlaqueText:
    """What a plate says: `url` is encoded in the code and printed under it (without `https://`)."""

    organisation: str
    name: str
    details: str  # category and ranking, "Đình · Di tích cấp thành phố, 2004"
    url: str
    lang: str = "vi"


@dataclass
class Drawing:
    """One plate's geometry. `text` holds each glyph's polygons (a glyph is one filled shape, holes included);
    `code` the loops of the code's engraved area (the dark modules, or with an inverted material the light ones and
    the quiet zone); `code_box` the code with its quiet zone; `safe` the area inside the margins (a guide)."""

    plate: Plate
    payload: str
    title: str
    code: list[Polygon]
    code_box: Box
    module_mm: float
    safe: Box
    text: list[list[Polygon]] = field(default_factory=list)
    rules: list[Polygon] = field(default_factory=list)


@dataclass(frozen=True)
class _Block:
    lines: tuple[Shaped, ...]
    em: float

    @property
    def height(self) -> float:
        return (ASCENT_EM + (len(self.lines) - 1) * LINE_HEIGHT + DESCENT_EM) * self.em


def drawing(text: PlaqueText, plate: Plate, ec: ErrorCorrection = ErrorCorrection.M) -> Drawing:
    """The plate's drawing; raises PlateRefused for a code under the minimums or texts that cannot fit."""
    text = PlaqueText(*(nfc(value) for value in (text.organisation, text.name, text.details, text.url)), text.lang)
    grid = matrix(text.url, ec)
    modules = len(grid)
    m = plate.margin_mm
    safe = Box(m, m, plate.width - 2 * m, plate.height - 2 * m)
    portrait = plate.height >= plate.width
    url_em = max(plate.preset.min_em_mm, safe.w * 0.035)
    url_h = _Block((shape("x", False),), url_em).height
    if portrait:
        side = min(safe.w, safe.h * CODE_SHARE)
    else:
        side = min(safe.w * CODE_COLUMN, safe.h - url_h)
    module = side / modules
    check_code_size(plate, module, modules - 2 * QUIET_ZONE_MODULES)
    gap = max(2.0, 0.03 * min(safe.w, safe.h))
    if portrait:
        code_box = Box(safe.x + (safe.w - side) / 2, safe.y + safe.h - url_h - side, side, side)
        column = Box(safe.x, safe.y, safe.w, code_box.y - safe.y - gap)
    else:
        code_box = Box(safe.x + safe.w - side, safe.y + (safe.h - side - url_h) / 2, side, side)
        column = Box(safe.x, safe.y, safe.w - side - gap, safe.h)
    loops = merged_loops(grid, dark=not plate.preset.inverted)
    result = Drawing(plate, text.url, f"{text.name}: {text.url}",
                     [[(code_box.x + x * module, code_box.y + y * module) for x, y in loop] for loop in loops],
                     code_box, module, safe)
    url_block = _fit("url", printed_url(text.url), False, side + 2 * QUIET_ZONE_MODULES * module, url_em, 1,
                     plate.preset.min_em_mm)
    _place(result, url_block, Box(code_box.x - QUIET_ZONE_MODULES * module, code_box.y + side,
                                  side + 2 * QUIET_ZONE_MODULES * module, url_h))
    _set_texts(result, text, column, gap)
    return result


def _set_texts(result: Drawing, text: PlaqueText, column: Box, gap: float) -> None:
    """The organisation, a rule, the name and the details, shrunk together until they fit `column`, the room left
    over shared between them."""
    minimum = result.plate.preset.min_em_mm
    parts = [("organisation", text.organisation, True, 0.05, 2), ("name", text.name, True, 0.1, 3),
             ("details", text.details, False, 0.05, 2)]
    rule_h = max(3 * result.plate.preset.min_line_mm, 0.6)
    scale = 1.0
    while True:
        blocks = [_fit(label, words, bold, column.w, max(minimum, column.w * share * scale), lines, minimum)
                  for label, words, bold, share, lines in parts if words]
        used = sum(block.height for block in blocks) + rule_h + gap * (len(blocks) + 1)
        if used <= column.h:
            break
        if all(block.em <= minimum + 1e-9 for block in blocks):
            raise PlateRefused(f"size={result.plate.width:g}x{result.plate.height:g}: chữ không vừa biển ở cỡ nhỏ nhất "
                               f"{minimum:g} mm; hãy chọn biển lớn hơn / the texts do not fit at the smallest size "
                               f"({minimum:g} mm): choose a larger plate")
        scale *= SHRINK
    spare = (column.h - used) / (len(blocks) + 2)
    y = column.y
    for index, block in enumerate(blocks):
        _place(result, block, Box(column.x, y, column.w, block.height))
        y += block.height + gap + spare
        if index == 0:
            rule_w = column.w * 0.3
            x = column.x + (column.w - rule_w) / 2
            result.rules.append([(x, y), (x + rule_w, y), (x + rule_w, y + rule_h), (x, y + rule_h)])
            y += rule_h + gap + spare


def _fit(label: str, text: str, bold: bool, width: float, em: float, max_lines: int, min_em: float) -> _Block:
    """`text` broken into at most `max_lines` lines `width` mm wide, at `em` mm or as much smaller as needed."""
    words = text.split()
    while True:
        lines = _wrap(words, bold, width / em)
        if lines is not None and len(lines) <= max_lines:
            return _Block(tuple(shape(line, bold) for line in lines), em)
        if em <= min_em + 1e-9:
            raise PlateRefused(f"{label}: '{text[:40]}' quá dài cho biển này ở cỡ chữ nhỏ nhất {min_em:g} mm / "
                               f"is too long for this plate at the smallest size ({min_em:g} mm)")
        em = max(min_em, em * SHRINK)


def _wrap(words: list[str], bold: bool, width_em: float) -> list[str] | None:
    """Greedy lines of whole words at most `width_em` wide, or None if a word alone is wider."""
    lines: list[str] = []
    for word in words:
        if shape(word, bold).advance > width_em:
            return None
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and shape(candidate, bold).advance <= width_em:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _place(result: Drawing, block: _Block, box: Box) -> None:
    """Each line of `block` centred in `box`, from its top."""
    baseline = box.y + ASCENT_EM * block.em
    for line in block.lines:
        result.text += outline(line, box.x + (box.w - line.advance * block.em) / 2, baseline, block.em)
        baseline += LINE_HEIGHT * block.em
