"""A plate's drawing as DXF for a CNC or laser shop, written with ezdxf: AutoCAD R2010, units millimetres
($INSUNITS 4), the plate's bottom left at 0,0. Layers: CUT (the outline, rounded corners as arcs), HOLES (each a
closed polyline of two half circles) and ENGRAVE (each text glyph, the rule and the QR code as closed polylines,
and a solid hatch over the same boundaries, so a viewer and a CAM program that fills hatches both see the fill).
"""

import io
import math

from qr.engraving.glyphs import Polygon
from qr.engraving.layout import Drawing

LAYERS = {"CUT": 1, "HOLES": 5, "ENGRAVE": 7}  # ACI colours: red, blue, black/white
CORNER_BULGE = 0.41421356237309503  # tan(90° / 4): a quarter circle between two polyline vertices


def dxf(drawing: Drawing) -> bytes:
    """The DXF file's bytes (ASCII, as ezdxf writes it)."""
    import ezdxf  # imported here, in the print process: the server never loads it (issue 27)
    from ezdxf import units

    document = ezdxf.new("R2010", units=units.MM)
    for name, colour in LAYERS.items():
        document.layers.add(name, color=colour)
    space = document.modelspace()
    plate = drawing.plate
    height = plate.height

    def flipped(polygon: Polygon) -> list[tuple[float, float]]:
        return [(x, height - y) for x, y in polygon]

    space.add_lwpolyline(_rounded_rect(plate.width, height, plate.corner_mm), format="xyb", close=True,
                         dxfattribs={"layer": "CUT"})
    for x, y in plate.hole_centres():
        r = plate.hole_mm / 2
        space.add_lwpolyline([(x - r, height - y, 1), (x + r, height - y, 1)], format="xyb", close=True,
                             dxfattribs={"layer": "HOLES"})
    for shape in [*(part for glyph in drawing.text for part in filled_parts(glyph)),
                  *([rule] for rule in drawing.rules), drawing.code]:
        hatch = space.add_hatch(color=LAYERS["ENGRAVE"], dxfattribs={"layer": "ENGRAVE"})
        for polygon in shape:
            points = flipped(polygon)
            space.add_lwpolyline(points, format="xy", close=True, dxfattribs={"layer": "ENGRAVE"})
            hatch.paths.add_polyline_path(points, is_closed=True)
    stream = io.StringIO()
    document.write(stream)
    return stream.getvalue().encode()


def filled_parts(glyph: list[Polygon]) -> list[list[Polygon]]:
    """A glyph's contours as parts that a hatch fills right: each outer contour with the holes it holds.

    A glyph is filled by the nonzero rule (the SVG's), and some glyphs have contours that overlap (an accent on its
    letter, Khmer's variable font): a DXF hatch fills by parity, so one hatch for the whole glyph would leave the
    overlaps empty. Outer contours turn one way, holes the other (the largest contour is an outer one); a hole goes
    with the smallest outer contour around it, and overlapping outer contours are separate hatches. A contour drawn
    twice (some Khmer glyphs repeat a loop and its hole) is kept once: a hole counted twice would be filled."""
    glyph = list({tuple(polygon): polygon for polygon in glyph}.values())
    areas = [_signed_area(polygon) for polygon in glyph]
    outer_sign = math.copysign(1, max(areas, key=abs))
    outers = [index for index, area in enumerate(areas) if math.copysign(1, area) == outer_sign]
    parts = {index: [glyph[index]] for index in outers}
    for index in range(len(glyph)):
        if index in parts:
            continue
        point = glyph[index][0]
        around = [outer for outer in outers if _inside(point, glyph[outer])]
        if around:
            parts[min(around, key=lambda outer: abs(areas[outer]))].append(glyph[index])
    return list(parts.values())


def _signed_area(polygon: Polygon) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1], strict=True)) / 2


def _inside(point: tuple[float, float], polygon: Polygon) -> bool:
    """Even-odd ray casting: is `point` inside `polygon`?"""
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _rounded_rect(w: float, h: float, r: float) -> list[tuple[float, float, float]]:
    """The plate's outline anticlockwise from the bottom edge, each corner a quarter circle (a bulge)."""
    return [(r, 0, 0), (w - r, 0, CORNER_BULGE), (w, r, 0), (w, h - r, CORNER_BULGE), (w - r, h, 0),
            (r, h, CORNER_BULGE), (0, h - r, 0), (0, r, CORNER_BULGE)]
