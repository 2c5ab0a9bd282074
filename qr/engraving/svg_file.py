"""A plate's drawing as SVG for a laser shop: width and height in mm with a viewBox of the same millimetres, and one
layer (a group named for the shop, an Inkscape layer too) per operation: CUT (the plate's outline, red hairline),
HOLES (red hairline), ENGRAVE (filled black: text outlines, the rule, the QR code as one path) and GUIDES (blue
hairlines, not to be made). No <text>, no <image>: nothing needs a font or a bitmap.

`preview_svg` draws the same geometry in the material's colours for the admin's preview.
"""

import html
from collections.abc import Iterable

from qr.engraving.glyphs import Polygon
from qr.engraving.layout import Drawing

CUT_STROKE = 'fill="none" stroke="#ff0000" stroke-width="0.1"'
GUIDE_STROKE = 'fill="none" stroke="#0000ff" stroke-width="0.1" stroke-dasharray="1 1"'


def svg(drawing: Drawing) -> bytes:
    """The file a shop opens: black is engraved, red is cut, blue is a guide."""
    return _document(drawing, "#000", CUT_STROKE, None).encode()


def preview_svg(drawing: Drawing) -> str:
    """The plate as it will look: its colour, the engraving in the engraved colour, the holes left white."""
    preset = drawing.plate.preset
    return _document(drawing, _hex(preset.engraved_rgb), 'fill="#fff" stroke="#888" stroke-width="0.3"',
                     _hex(preset.plate_rgb), guides=False)


def _document(drawing: Drawing, ink: str, hole_style: str, plate_fill: str | None, guides: bool = True) -> str:
    plate = drawing.plate
    w, h = f"{plate.width:g}", f"{plate.height:g}"
    outline = _rounded_rect(plate.width, plate.height, plate.corner_mm)
    outline_style = f'fill="{plate_fill}" stroke="#888" stroke-width="0.3"' if plate_fill else CUT_STROKE
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" '
        f'version="1.1" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}">',
        f"<title>{html.escape(drawing.title)}</title>",
        _layer("cut", "CUT", f'<path {outline_style} d="{outline}"/>'),
        _layer("holes", "HOLES", "".join(f'<path {hole_style} d="{_circle(x, y, plate.hole_mm / 2)}"/>'
                                         for x, y in plate.hole_centres())),
        _layer("engrave", "ENGRAVE",
               f'<path id="text" fill="{ink}" d="{path_data(polygon for glyph in drawing.text for polygon in glyph)}"/>'
               f'<path id="rules" fill="{ink}" d="{path_data(drawing.rules)}"/>'
               f'<path id="qr" fill="{ink}" d="{path_data(drawing.code)}"/>'),
    ]
    if guides:
        safe = drawing.safe
        crosses = "".join(f"M{_n(x - 2)} {_n(y)}h4M{_n(x)} {_n(y - 2)}v4" for x, y in plate.hole_centres())
        parts.append(_layer("guides", "GUIDES",
                            f'<path {GUIDE_STROKE} d="M{_n(safe.x)} {_n(safe.y)}h{_n(safe.w)}v{_n(safe.h)}'
                            f'h{_n(-safe.w)}z{crosses}"/>'))
    parts.append("</svg>\n")
    return "".join(parts)


def _layer(name: str, label: str, body: str) -> str:
    return f'<g id="{name}" inkscape:groupmode="layer" inkscape:label="{label}">{body}</g>'


def path_data(polygons: Iterable[Polygon]) -> str:
    """Closed polygons as SVG path data, in mm to the micrometre (the print check draws the code from it too)."""
    return "".join("M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in polygon) + "Z" for polygon in polygons)


def _rounded_rect(w: float, h: float, r: float) -> str:
    return (f"M{_n(r)} 0H{_n(w - r)}A{_n(r)} {_n(r)} 0 0 1 {_n(w)} {_n(r)}V{_n(h - r)}"
            f"A{_n(r)} {_n(r)} 0 0 1 {_n(w - r)} {_n(h)}H{_n(r)}A{_n(r)} {_n(r)} 0 0 1 0 {_n(h - r)}"
            f"V{_n(r)}A{_n(r)} {_n(r)} 0 0 1 {_n(r)} 0Z")


def _circle(x: float, y: float, r: float) -> str:
    return f"M{_n(x - r)} {_n(y)}A{_n(r)} {_n(r)} 0 1 1 {_n(x + r)} {_n(y)}A{_n(r)} {_n(r)} 0 1 1 {_n(x - r)} {_n(y)}Z"


def _n(value: float) -> str:
    """A coordinate in mm to the micrometre, without trailing zeros."""
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{channel:02x}" for channel in rgb)
