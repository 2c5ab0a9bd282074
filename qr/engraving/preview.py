"""The preview of a plate on the admin's edit page: the same drawing as the files, in the material's colours, as
a PNG drawn by resvg."""

from qr.codes import ErrorCorrection
from qr.engraving.layout import PlaqueText, drawing
from qr.engraving.plates import Plate
from qr.engraving.svg_file import preview_svg

PREVIEW_WIDTH = 480  # px: the edit page shows it at most this wide
MM_DPI = 96  # resvg-py's default of 0 dpi makes a width in mm zero: "SVG has an invalid size"


def preview_png(text: PlaqueText, plate: Plate, width: int = PREVIEW_WIDTH, ec: ErrorCorrection = ErrorCorrection.M
                ) -> bytes:
    """A PNG `width` px wide of the plate as it will look; raises PlateRefused as the files do."""
    import resvg_py  # imported here, in the print process: the server never loads it (issue 27)

    height = round(width * plate.height / plate.width)
    return bytes(resvg_py.svg_to_bytes(svg_string=preview_svg(drawing(text, plate, ec)), width=width, height=height,
                                       dpi=MM_DPI))
