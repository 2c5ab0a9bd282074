"""The class sheet of an outing as a one-page A4 PDF (issue 14): what a teacher prints or projects so that a
class joins. The class code in large letters, a QR code that opens `/class/{CODE}`, the outing, its journey
and period, and the five steps a student takes, Vietnamese first with English under each. Same font,
grey-scale black and fitting rules as the posters (qr/printing.py)."""

from dataclasses import dataclass
from pathlib import Path

from qr.codes import ErrorCorrection, matrix
from qr.posters import ACCENT_RGB
from qr.printing import Box, draw_header, draw_qr, fit_text, new_document, normalised, printed_url, qr_side, text_height

WIDTH, HEIGHT, MARGIN = 210.0, 297.0, 15.0
SYMBOL_MM = 60.0  # read from a desk or from a projected sheet across a classroom
CODE_LABEL = "Mã lớp / Class code"
SCAN_CALL = "Quét mã hoặc mở địa chỉ này để tham gia / Scan or open this address to join"
STEPS_TITLE = "Các bước cho học sinh / What students do"
STEPS = (
    ("Mở mã QR ở trên bằng điện thoại, nhập biệt danh (không cần họ tên, e-mail hay số điện thoại).",
     "Open the QR code above on your phone and type a nickname (no full name, e-mail or phone number)."),
    ("Chép lại mã khôi phục hiện trên hộ chiếu: đổi điện thoại hay xoá trình duyệt vẫn tiếp tục được.",
     "Write down the recovery code your passport shows: with it you can go on from another phone."),
    ("Tại mỗi điểm dừng, quét mã QR trên bảng di tích để nhận dấu mộc.",
     "At each stop, scan the QR code on the site's plaque to get its stamp."),
    ("Trả lời câu đố của di tích ngay sau khi quét.",
     "Answer the site's quiz right after scanning."),
    ("Khi đủ dấu mộc và đã trả lời mọi câu đố, tải giấy chứng nhận từ trang hộ chiếu.",
     "With every stamp and every quiz answered, download your certificate from the passport page."),
)


@dataclass(frozen=True)
class OutingSheetText:
    """What a class sheet prints: `code` the class code, `url` what its QR code opens, `period` already formatted."""

    code: str
    url: str
    outing: str
    journey: str
    period: str
    organisation: str
    logo: Path | None = None


def outing_sheet_pdf(text: OutingSheetText, ec: ErrorCorrection = ErrorCorrection.M) -> bytes:
    """The class sheet's PDF; raises ValueError for a text that fits at no size."""
    text = normalised(text)
    pdf = new_document(WIDTH, HEIGHT, MARGIN, f"{CODE_LABEL}: {text.code} – {text.outing}", text.organisation,
                       text.journey)
    pdf.add_page()
    content = Box(MARGIN, MARGIN, WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN)
    y = content.y + draw_header(pdf, text.organisation, text.logo, Box(content.x, content.y, content.w, 12), 12) + 5
    y += fit_text(pdf, text.outing, "B", Box(content.x, y, content.w, text_height(22, 2)), 22, "C") + 1
    y += fit_text(pdf, text.journey, "", Box(content.x, y, content.w, text_height(15, 2)), 15, "C")
    y += fit_text(pdf, text.period, "", Box(content.x, y, content.w, text_height(12, 1)), 12, "C") + 5
    y += fit_text(pdf, CODE_LABEL, "", Box(content.x, y, content.w, text_height(14, 1)), 14, "C")
    pdf.set_fill_color(*ACCENT_RGB)
    pdf.rect(content.x + content.w / 2 - 30, y + text_height(56, 1) + 1, 60, 1.2, style="F")
    y += fit_text(pdf, text.code, "B", Box(content.x, y, content.w, text_height(56, 1)), 56, "C") + 5
    grid = matrix(text.url, ec)
    side = qr_side(grid, SYMBOL_MM, content.w, content.w, SYMBOL_MM)
    y += fit_text(pdf, SCAN_CALL, "B", Box(content.x, y, content.w, text_height(11, 2)), 11, "C")
    draw_qr(pdf, grid, content.x + (content.w - side) / 2, y, side)
    y += side
    y += fit_text(pdf, printed_url(text.url), "", Box(content.x, y, content.w, text_height(13, 1)), 13, "C") + 6
    y += fit_text(pdf, STEPS_TITLE, "B", Box(content.x, y, content.w, text_height(13, 1)), 13, "L") + 2
    room = (content.y + content.h - y) / len(STEPS)
    for number, (vi, en) in enumerate(STEPS, start=1):
        fit_text(pdf, f"{number}.", "B", Box(content.x, y, 7, text_height(11, 1)), 11, "L")
        used = fit_text(pdf, vi, "B", Box(content.x + 7, y, content.w - 7, room * 0.55), 11, "L")
        fit_text(pdf, en, "", Box(content.x + 7, y + used, content.w - 7, room - used), 10, "L")
        y += room
    return bytes(pdf.output())
