"""A plate's file as a shop gets it: the drawing made, its code checked (print_check.py), then written as SVG or DXF.
Pure, bytes out: the routes (in the print process), the command line and the bench share it."""

from enum import StrEnum

from qr.codes import ErrorCorrection
from qr.engraving.dxf_file import dxf
from qr.engraving.layout import PlaqueText, drawing
from qr.engraving.plates import Plate
from qr.engraving.print_check import check_code
from qr.engraving.svg_file import svg


class FileFormat(StrEnum):
    """svg: for a laser shop (Inkscape, LightBurn, Illustrator); dxf: for CNC and CAD (AutoCAD, LibreCAD)."""

    svg = "svg"
    dxf = "dxf"


MEDIA_TYPES = {FileFormat.svg: "image/svg+xml", FileFormat.dxf: "image/vnd.dxf"}
WRITERS = {FileFormat.svg: svg, FileFormat.dxf: dxf}


def plaque_file(text: PlaqueText, plate: Plate, fmt: FileFormat, ec: ErrorCorrection = ErrorCorrection.M) -> bytes:
    """The plate's file; raises PlateRefused (a size or text that cannot be made) or PrintCheckFailed."""
    made = drawing(text, plate, ec)
    check_code(made.code, made.code_box, made.module_mm, made.payload, plate.preset.inverted)
    return WRITERS[FileFormat(fmt)](made)
