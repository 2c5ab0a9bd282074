"""QR codes for site plaques: the scan URL as PNG (pixels or print size) and SVG (print shops).

Pure functions, bytes out; the `qrcode` library does the encoding. A code is drawn with a quiet zone of
four modules, the minimum the QR standard asks for, in black on an opaque white background so it also
scans when printed on a coloured plaque.
"""

import functools
import html
import math
import struct
import zlib
from collections.abc import Iterator, Sequence
from enum import StrEnum
from urllib.parse import urlsplit

import qrcode
import qrcode.constants

QUIET_ZONE_MODULES = 4
Grid = tuple[tuple[bool, ...], ...]  # a code's modules, row by row, True for dark
CM_PER_INCH = 2.54


class ErrorCorrection(StrEnum):
    """How much of a code may be damaged (dirt, wear, a logo) and still scan: L 7%, M 15%, Q 25%, H 30%."""

    L = "L"
    M = "M"
    Q = "Q"
    H = "H"


_LIBRARY_LEVELS = {
    ErrorCorrection.L: qrcode.constants.ERROR_CORRECT_L,
    ErrorCorrection.M: qrcode.constants.ERROR_CORRECT_M,
    ErrorCorrection.Q: qrcode.constants.ERROR_CORRECT_Q,
    ErrorCorrection.H: qrcode.constants.ERROR_CORRECT_H,
}


def scan_url(base_url: str, code: str, uppercase: bool = False, prefix: str = "q") -> str:
    """The payload printed on a site's plaque: `{base_url}/q/{code}` (a journey's: `prefix="j"`, `/j/{code}`).

    Upper-cased, every character is in QR alphanumeric mode (0-9, A-Z, space and $%*+-./:), which
    needs fewer modules than byte mode, so the same code prints with larger modules. The server answers
    `/Q/CODE` like `/q/code`.
    """
    url = f"{base_url.rstrip('/')}/{prefix}/{code}"
    return url.upper() if uppercase else url


def can_uppercase(base_url: str) -> bool:
    """Whether `scan_url(base_url, ..., uppercase=True)` still reaches the server: host names ignore case,
    paths do not (/DIACHIDO/Q/CODE would not reach /diachido/q/code)."""
    return urlsplit(base_url).path in ("", "/")


def module_count(payload: str, ec: ErrorCorrection = ErrorCorrection.M) -> int:
    """Modules across the whole code, quiet zone included."""
    return _matrix_code(payload, ec).modules_count + 2 * QUIET_ZONE_MODULES


def print_pixels(cm: float, dpi: int) -> int:
    """Pixels across an image `cm` centimetres wide printed at `dpi` dots per inch."""
    return round(cm / CM_PER_INCH * dpi)


def png(payload: str, size: int, ec: ErrorCorrection = ErrorCorrection.M, dpi: int | None = None) -> bytes:
    """A square PNG of `size` x `size` pixels (1-bit, black on white).

    Every module is the same whole number of pixels, so edges stay sharp; the pixels left over widen
    the white margin. With `dpi`, the file says its print resolution, so `size` pixels print at
    size / dpi inches. Raises ValueError if `size` is smaller than one pixel per module.
    """
    grid = matrix(payload, ec)
    modules = len(grid)
    if size < modules:
        raise ValueError(f"size {size} px is too small: this code needs at least {modules} px ({modules} modules)")
    module_px = size // modules
    offset = (size - modules * module_px) // 2
    white = _packed_row("1" * size)
    rows = [white] * offset
    for modules_row in grid:
        bits = "1" * offset + "".join("0" * module_px if dark else "1" * module_px for dark in modules_row)
        rows += [_packed_row(bits.ljust(size, "1"))] * module_px
    rows += [white] * (size - len(rows))
    return _png_1bit(rows, size, dpi)


def svg(payload: str, ec: ErrorCorrection = ErrorCorrection.M, cm: float | None = None,
        title: str | None = None) -> bytes:
    """A scalable SVG: one path of black modules on a white square, one SVG unit per module.

    One path leaves no seams between modules. `cm` sets the printed width (default 1 mm per module);
    `title` is read out by screen readers and shown by design tools.
    """
    grid = matrix(payload, ec)
    modules = len(grid)
    runs = [f"M{x} {y}h{length}v1h-{length}z" for x, y, length in dark_runs(grid)]
    width = f"{_round_mm(cm * 10)}mm" if cm else f"{modules}mm"
    title_element = f"<title>{html.escape(title)}</title>" if title else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" height="{width}" '
        f'viewBox="0 0 {modules} {modules}" shape-rendering="crispEdges">{title_element}'
        f'<rect width="{modules}" height="{modules}" fill="#fff"/><path fill="#000" d="{"".join(runs)}"/></svg>\n'
    ).encode()


@functools.lru_cache(maxsize=1024)
def matrix(payload: str, ec: ErrorCorrection = ErrorCorrection.M) -> Grid:
    """The code's modules row by row, True for dark, quiet zone included.

    Kept per (payload, error correction), read-only: qrcode's mask search costs about 12 ms a code, and a
    30-stop leaflet, a batch of posters and the site's PNG and SVG ask for the same codes again.
    """
    return tuple(map(tuple, _matrix_code(payload, ec).get_matrix()))


def dark_runs(grid: Sequence[Sequence[bool]]) -> Iterator[tuple[int, int, int]]:
    """Each horizontal run of dark modules as (x, y, length): one rectangle each draws the code.

    Drawing runs rather than single modules makes SVG and PDF output several times smaller and leaves no
    seams between neighbouring modules of a row.
    """
    for y, row in enumerate(grid):
        x, width = 0, len(row)
        while x < width:
            if row[x]:
                start = x
                while x < width and row[x]:
                    x += 1
                yield start, y, x - start
            x += 1


def _packed_row(bits: str) -> bytes:
    """A PNG scanline of 1-bit pixels ("1" white, "0" black), eight to a byte, with its filter byte (none)."""
    bits = bits.ljust(-(-len(bits) // 8) * 8, "1")
    return b"\0" + int(bits, 2).to_bytes(len(bits) // 8, "big")


def _png_1bit(rows: list[bytes], size: int, dpi: int | None) -> bytes:
    """A grey-scale 1-bit PNG of `size` x `size` from its scanlines, written directly.

    Pillow keeps a 1-bit image at a byte per pixel and draws the code module by module: 100 MB and
    0.1 s at 7000 px (issue 11). Here a pixel is a bit, and the rows of one module row are the same
    object until they are joined for compression (6 MB at 7000 px).
    """
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    data = zlib.compress(b"".join(rows), 9)  # one call: zlib lets other threads run meanwhile
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 1, 0, 0, 0, 0))  # 1 bit, grey, no interlace
    resolution = b""
    if dpi:
        per_metre = round(dpi / CM_PER_INCH * 100)
        resolution = chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1))
    return b"\x89PNG\r\n\x1a\n" + header + resolution + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def _matrix_code(payload: str, ec: ErrorCorrection) -> qrcode.QRCode:
    """The smallest QR version holding `payload` at error correction `ec`."""
    code = qrcode.QRCode(error_correction=_LIBRARY_LEVELS[ErrorCorrection(ec)], border=QUIET_ZONE_MODULES)
    code.add_data(payload)
    code.make(fit=True)
    return code


def _round_mm(mm: float) -> str:
    """Millimetres with at most two decimals, without trailing zeros."""
    return f"{math.floor(mm * 100 + 0.5) / 100:g}"
