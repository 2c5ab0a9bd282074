"""The check before a file is given: the code's own geometry, as written in the file, is rasterised as the finished
plate will look (engraved areas in the engraved shade, the rest in the plate's) and decoded; a file whose code does
not decode to its exact URL is never given (issue 25).

The decoder is zxing-cpp at run time: a 2 MB wheel with no system library, about 5 ms a code (field notes), so the
check runs on every file rather than only in the tests. resvg (resvg-py, already used for the app icons) rasterises.
"""

import io

from PIL import Image

from qr.engraving.glyphs import Polygon
from qr.engraving.svg_file import path_data
from qr.printing import Box

PIXELS_PER_MODULE = 6
MARGIN_MODULES = 2  # of plate around the quiet zone, in the plate's shade


class PrintCheckFailed(RuntimeError):
    """The drawn code does not decode to its URL: a fault of the drawing, never of the request."""


def check_code(code: list[Polygon], box: Box, module_mm: float, payload: str, inverted: bool) -> None:
    """Decode the code drawn by `code` (polygons in mm) in `box`; raises PrintCheckFailed unless it reads `payload`."""
    decoded = decode(code, box, module_mm, inverted)
    if decoded != payload:
        raise PrintCheckFailed(f"Mã QR vẽ ra không đọc được đúng địa chỉ, tệp không được cấp / the drawn QR code "
                               f"reads {decoded!r}, not {payload!r}: the file is not given")


def decode(code: list[Polygon], box: Box, module_mm: float, inverted: bool) -> str | None:
    """The text zxing-cpp reads from `code` rasterised as the finished plate: dark modules on light."""
    import resvg_py  # imported here, in the print process: the server never loads them (issue 27)
    import zxingcpp

    engraved, plate = ("#fff", "#000") if inverted else ("#000", "#fff")
    margin = MARGIN_MODULES * module_mm
    x, y, side = box.x - margin, box.y - margin, box.w + 2 * margin
    pixels = round(side / module_mm * PIXELS_PER_MODULE)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{pixels}" height="{pixels}" '
           f'viewBox="{x:.3f} {y:.3f} {side:.3f} {side:.3f}"><rect x="{x:.3f}" y="{y:.3f}" width="{side:.3f}" '
           f'height="{side:.3f}" fill="{plate}"/><path fill="{engraved}" d="{path_data(code)}"/></svg>')
    png = bytes(resvg_py.svg_to_bytes(svg_string=svg, width=pixels, height=pixels))
    with Image.open(io.BytesIO(png)) as image:
        found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    return found[0].text if len(found) == 1 else None
