"""A printed page as a phone photographs it (issue 23): the page, framed by the table around it, seen at a tilt
through a pinhole camera as far from the page as the page is tall, blurred, then saved as a low-quality JPEG."""

import io
import math

import pypdfium2 as pdfium
from PIL import Image, ImageFilter

PRINT_DPI = 150  # an office printer's draft mode, or a school's photocopy
TILT_DEGREES = 30.0
BLUR_PX = 1.5
JPEG_QUALITY = 40


def printed(data: bytes, index: int = 0, dpi: int = PRINT_DPI) -> Image.Image:
    """Page `index` of the PDF as a `dpi` print, grey-scale."""
    return pdfium.PdfDocument(data)[index].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")


def photographed(page: Image.Image, degrees: float = TILT_DEGREES, axis: str = "y", blur: float = BLUR_PX,
                 quality: int = JPEG_QUALITY) -> Image.Image:
    """`page` tilted by `degrees` about its vertical (`axis="y"`) or horizontal (`"x"`) centre line, the far side
    smaller; then a Gaussian blur of radius `blur` px and a JPEG round trip at `quality`."""
    margin = page.width // 10  # the photo frames the sheet with a little of the table
    framed = Image.new("L", (page.width + 2 * margin, page.height + 2 * margin), 255)
    framed.paste(page, (margin, margin))
    width, height = framed.size
    distance, angle = float(height), math.radians(degrees)

    def seen(x: float, y: float) -> tuple[float, float]:
        across, down = x - width / 2, y - height / 2
        if axis == "x":
            depth = distance + down * math.sin(angle)
            return width / 2 + distance * across / depth, height / 2 + distance * down * math.cos(angle) / depth
        depth = distance + across * math.sin(angle)
        return width / 2 + distance * across * math.cos(angle) / depth, height / 2 + distance * down / depth

    corners = [(0, 0), (width, 0), (width, height), (0, height)]
    tilted = framed.transform(framed.size, Image.Transform.PERSPECTIVE,
                              _perspective([seen(*corner) for corner in corners], corners),
                              Image.Resampling.BICUBIC, fillcolor=255)
    jpeg = io.BytesIO()
    tilted.filter(ImageFilter.GaussianBlur(blur)).save(jpeg, "JPEG", quality=quality)
    return Image.open(io.BytesIO(jpeg.getvalue())).convert("L")


def _perspective(seen: list[tuple[float, float]], source: list[tuple[float, float]]) -> list[float]:
    """The 8 coefficients of PIL's PERSPECTIVE transform that map each point of `seen` (the photo) back to the
    point of `source` (the page): 8 linear equations, solved by Gaussian elimination."""
    rows = []
    for (x, y), (u, v) in zip(seen, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, u])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y, v])
    for column in range(8):
        pivot = max(range(column, 8), key=lambda row: abs(rows[row][column]))
        rows[column], rows[pivot] = rows[pivot], rows[column]
        for row in range(8):
            if row != column:
                factor = rows[row][column] / rows[column][column]
                rows[row] = [a - factor * b for a, b in zip(rows[row], rows[column], strict=True)]
    return [rows[i][8] / rows[i][i] for i in range(8)]
