"""Text as outlines: shaped by HarfBuzz (uharfbuzz), each glyph's path read from the font by fontTools and
flattened into closed polygons in millimetres. The fonts are the posters' (qr/printing.py): Be Vietnam Pro, and Noto
Sans Khmer for Khmer letters, so a Khmer name is shaped (subscripts, split vowels) and never shows a dotted circle.

The shop needs no font: a file holds only the outlines. Curves are flattened to within FLATNESS_EM of the font's
own curve (0.045 mm on 15 mm text), and small text to within FLATNESS_MM: both far under any tool's line (0.1 mm
on steel), and fewer points make the DXF faster to write.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import fontpkg

from qr.printing import FONT_FAMILY, SHAPED_FONT_FAMILY

if TYPE_CHECKING:  # HarfBuzz and fontTools are imported where text is shaped: in the print process (issue 27)
    import uharfbuzz as hb

FLATNESS_EM = 0.003
FLATNESS_MM = 0.025
LINE_HEIGHT = 1.3  # em between baselines: room for the stacked marks of Vietnamese (as qr/printing.py)
ASCENT_EM = 1.1  # from a block's top to its first baseline: a stacked mark (Ấ, Ỗ) stays inside
DESCENT_EM = 0.45  # below the last baseline: Khmer subscripts reach lower than Latin descenders
Polygon = list[tuple[float, float]]


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one per font and weight (`face`)
class Face:
    """A font at one weight: its HarfBuzz font for shaping and its glyphs for outlines, in font units."""

    hb_font: hb.Font
    glyph_set: object
    names: list[str]  # glyph names by id
    units: int


@functools.cache
def face(khmer: bool, bold: bool) -> Face:
    """The font for Khmer letters (Noto Sans Khmer) or for every other letter (Be Vietnam Pro), loaded once."""
    import uharfbuzz as hb
    from fontTools.ttLib import TTFont

    if khmer:
        path, location = fontpkg.path(SHAPED_FONT_FAMILY, 400), {"wght": 700 if bold else 400}
    else:
        path, location = fontpkg.path(FONT_FAMILY, 700 if bold else 400), None
    font = TTFont(path)
    hb_font = hb.Font(hb.Face(hb.Blob.from_file_path(str(path))))
    if location:
        hb_font.set_variations(location)
    return Face(hb_font, font.getGlyphSet(location=location), font.getGlyphOrder(), font["head"].unitsPerEm)


def is_khmer(char: str) -> bool:
    """A Khmer letter or sign (U+1780-17FF, Khmer Symbols U+19E0-19FF)."""
    return 0x1780 <= ord(char) <= 0x17FF or 0x19E0 <= ord(char) <= 0x19FF


@dataclass(frozen=True)
class Shaped:
    """A shaped text in em: each glyph's face, id and pen position (x, y up), and the advance of the whole."""

    glyphs: tuple[tuple[Face, int, float, float], ...]
    advance: float


@functools.lru_cache(maxsize=4096)
def shape(text: str, bold: bool) -> Shaped:
    """`text` shaped in runs of one font each (Khmer letters in Noto Sans Khmer, the rest in Be Vietnam Pro); spaces
    and joiners stay in the run they are in."""
    import uharfbuzz as hb

    glyphs, pen = [], 0.0
    for khmer, run in _runs(text):
        font = face(khmer, bold)
        buffer = hb.Buffer()
        buffer.add_str(run)
        buffer.guess_segment_properties()
        hb.shape(font.hb_font, buffer, {})
        for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
            glyphs.append((font, info.codepoint, pen + position.x_offset / font.units, position.y_offset / font.units))
            pen += position.x_advance / font.units
    return Shaped(tuple(glyphs), pen)


def _runs(text: str) -> list[tuple[bool, str]]:
    runs: list[tuple[bool, str]] = []
    for char in text:
        joins = not char.strip() or char in "\u200b\u200c\u200d"  # a space or joiner stays in its run
        khmer = (runs[-1][0] if runs else False) if joins else is_khmer(char)
        if runs and runs[-1][0] == khmer:
            runs[-1] = (khmer, runs[-1][1] + char)
        else:
            runs.append((khmer, char))
    return runs


def outline(shaped: Shaped, x: float, baseline: float, em: float) -> list[list[Polygon]]:
    """The polygons of each glyph of `shaped`, set at `em` mm from pen position (x, baseline) on a y-down page."""
    placed = []
    for font, gid, dx, dy in shaped.glyphs:
        tolerance = max(round(FLATNESS_EM * font.units), round(FLATNESS_MM / em * font.units))  # whole font units
        contours = _glyph_contours(font, gid, tolerance)
        if not contours:
            continue
        scale = em / font.units
        ox, oy = x + dx * em, baseline - dy * em
        placed.append([[(ox + px * scale, oy - py * scale) for px, py in contour] for contour in contours])
    return placed


@functools.lru_cache(maxsize=8192)
def _glyph_contours(font: Face, gid: int, tolerance: int) -> tuple[tuple[tuple[float, float], ...], ...]:
    """A glyph's contours flattened to polygons within `tolerance` font units, in font units (y up)."""
    from qr.engraving.flattening_pen import FlatteningPen

    pen = FlatteningPen(font.glyph_set, tolerance)
    font.glyph_set[font.names[gid]].draw(pen)
    return tuple(tuple(contour) for contour in pen.contours if len(contour) >= 3)
