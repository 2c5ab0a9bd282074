"""A student's certificate of a class outing as a one-page A4 PDF, landscape (issue 14): texts in, bytes out.

The organisation over a rule, the title, the student's nickname (any script: Khmer is shaped, see
qr/printing.py), the journey, the class outing, the quiz score and the date, Vietnamese first with English
beside, in a red frame; a QR code in the corner opens `/verify/{id}`, whose id states the same facts
signed (sites/outings/certificate_ids.py). Same font, grey-scale black text and fitting rules as the posters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qr.codes import QUIET_ZONE_MODULES, ErrorCorrection, matrix
from qr.posters import ACCENT_RGB
from qr.printing import Box, draw_header, draw_qr, fit_text, new_document, normalised, qr_side, text_height

if TYPE_CHECKING:
    from fpdf import FPDF

WIDTH, HEIGHT, MARGIN = 297.0, 210.0, 18.0
FRAME_INSET = 7.0
SYMBOL_MM = 34.0  # held in the hand; the id makes a dense code (version 10-19), so larger than a leaflet's 20 mm
MODULE_MM = 0.5  # the smallest module phones read from paper at hand's length: long names make the code larger
MAX_SYMBOL_MM = 60.0
TITLE = ("GIẤY CHỨNG NHẬN", "Certificate of completion")
CERTIFIES = "Chứng nhận / This certifies that"
COMPLETED = "đã hoàn thành hành trình / has completed the journey"
WITH_CLASS = "cùng chuyến đi của lớp / on the class outing"
SCORE = "Điểm câu đố / Quiz score: {score}/{questions}"
DATE = "Ngày / Date: {day}"
VERIFY = ("Quét mã để kiểm tra", "Scan to verify")


@dataclass(frozen=True)
class CertificateText:
    """What one certificate prints; `day` is already formatted (dd/mm/yyyy) and `url` is its `/verify/` URL."""

    nickname: str
    outing: str
    journey: str
    day: str
    score: int
    questions: int
    url: str
    organisation: str
    logo: Path | None = None


def certificate(text: CertificateText, ec: ErrorCorrection = ErrorCorrection.M) -> bytes:
    """The certificate's PDF; raises ValueError for a text that fits at no size (none within the length limits)."""
    text = normalised(text)
    pdf = new_document(WIDTH, HEIGHT, MARGIN, f"{TITLE[0]} – {text.nickname}", text.organisation,
                       f"{TITLE[1]}: {text.journey}")
    pdf.add_page()
    _draw_frame(pdf)
    content = Box(MARGIN, MARGIN, WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN)
    y = content.y + draw_header(pdf, text.organisation, text.logo, Box(content.x, content.y, content.w, 12), 13) + 6
    grid = matrix(text.url, ec)
    symbol = min(max(SYMBOL_MM, (len(grid) - 2 * QUIET_ZONE_MODULES) * MODULE_MM), MAX_SYMBOL_MM)
    side = qr_side(grid, symbol, 80, 80, symbol)
    # The texts keep clear of the code's column on both sides, so they stay centred on the page.
    centre = Box(content.x + side + 6, y, content.w - 2 * (side + 6), content.y + content.h - y)
    y += fit_text(pdf, TITLE[0], "B", Box(centre.x, y, centre.w, text_height(34, 1)), 34, "C")
    y += fit_text(pdf, TITLE[1], "", Box(centre.x, y, centre.w, text_height(16, 1)), 16, "C") + 6
    for line, style, size, room in ((CERTIFIES, "", 13, 1), (text.nickname, "B", 30, 2), (COMPLETED, "", 13, 1),
                                    (text.journey, "B", 20, 2), (WITH_CLASS, "", 13, 1), (text.outing, "B", 16, 2)):
        y += fit_text(pdf, line, style, Box(centre.x, y, centre.w, text_height(size, room)), size, "C") + 1.5
    y += 3
    score = SCORE.format(score=text.score, questions=text.questions)
    y += fit_text(pdf, score, "B", Box(centre.x, y, centre.w, text_height(16, 1)), 16, "C")
    fit_text(pdf, DATE.format(day=text.day), "", Box(centre.x, y + 1, centre.w, text_height(12, 1)), 12, "C")
    _draw_verify_code(pdf, grid, side, Box(content.x + content.w - side, content.y + content.h - side - 12, side, 12))
    return bytes(pdf.output())


def _draw_frame(pdf: FPDF) -> None:
    """A red frame inside the page and a thin black one inside it: the certificate's only colour."""
    pdf.set_draw_color(*ACCENT_RGB)
    pdf.set_line_width(2.2)
    pdf.rect(FRAME_INSET, FRAME_INSET, WIDTH - 2 * FRAME_INSET, HEIGHT - 2 * FRAME_INSET)
    pdf.set_draw_color(0)
    pdf.set_line_width(0.3)
    inner = FRAME_INSET + 3
    pdf.rect(inner, inner, WIDTH - 2 * inner, HEIGHT - 2 * inner)


def _draw_verify_code(pdf: FPDF, grid, side: float, call: Box) -> None:
    """"Scan to verify" in both languages over the code, in the bottom right corner."""
    y = call.y
    for line, style in zip(VERIFY, ("B", ""), strict=True):
        y += fit_text(pdf, line, style, Box(call.x - 10, y, call.w + 20, text_height(9, 1)), 9, "C")
    draw_qr(pdf, grid, call.x, call.y + call.h, side)
