"""The monthly report for organisers as an A4 PDF: totals, a bar chart of the top sites (vector), every
site's counts, the sites first visited that month (with the day), the plaque problems visitors reported, and
the class outings of each journey. Vietnamese first,
English beside. Same print rules as the posters (qr/printing.py): embedded font, text that fits its box."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from qr.posters import ACCENT_RGB
from qr.printing import Box, draw_header, fit_text, new_document, text_height
from sites.visits.monthly_report import MonthlyReport, SiteMonth

if TYPE_CHECKING:
    from fpdf import FPDF

WIDTH, HEIGHT, MARGIN = 210, 297, 15
ROW_H = 7.0
COLUMNS = (("Di tích / Site", 0.55), ("Lượt quét / Scans", 0.15), ("Lượt xem / Views", 0.15),
           ("Khách / Visitors", 0.15))
FIRST_VISIT_NOTE = ("Ngày tạo di tích không được ghi lại: đây là các di tích có lượt ghé đầu tiên trong tháng. / "
                    "Creation dates are not recorded: these are the sites first visited this month.")
OUTING_NOTE = ("Các chuyến đi có thời gian trong tháng; học sinh hoàn thành khi đủ dấu và trả lời hết câu hỏi. / "
               "Outings whose period meets the month; a student completes with every stamp and every answer.")
EVENTS_NOTE = ("Lễ hội, ngày kỷ niệm của các di tích trong báo cáo và ngày lễ cả nước, để lên kế hoạch chuyến đi. / "
               "Festivals and anniversaries of the sites in this report and the national days, to plan outings.")
PLAQUE_NOTE = ("Du khách báo qua trang di tích; trạng thái là lúc in báo cáo. / "
               "Reported by visitors from the site page; the state is as of this report.")


def report_pdf(report: MonthlyReport, organisation: str, kind_labels: Mapping[str, str]) -> bytes:
    """The report as PDF bytes (a few milliseconds per site); `kind_labels` words each kind of plaque problem."""
    title = f"Báo cáo tháng {report.month:%m/%Y} / Monthly report {report.month:%Y-%m}"
    pdf = new_document(WIDTH, HEIGHT, MARGIN, title, organisation, "Thống kê lượt quét / visit statistics")
    content = Box(MARGIN, MARGIN, WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN)
    pdf.add_page()
    y = MARGIN + draw_header(pdf, organisation, None, Box(content.x, content.y, content.w, 10), 12) + 4
    y += fit_text(pdf, title, "B", Box(content.x, y, content.w, 20), 18, "L") + 1
    scope = report.province or "Tất cả tỉnh, thành / every province"
    total = report.total
    summary = (f"{scope} · {report.month:%d/%m}–{report.end:%d/%m/%Y} · {len(report.rows)} di tích / sites · "
               f"{total.scans} lượt quét / scans · {total.views} lượt xem / views · {total.visitors} khách / visitors")
    y += fit_text(pdf, summary, "", Box(content.x, y, content.w, 15), 10, "L") + 4
    y = _section(pdf, "Di tích nhiều lượt quét nhất / Top sites", content, y)
    y = _bar_chart(pdf, report.top, Box(content.x, y, content.w, 0)) + 4
    y = _section(pdf, "Từng di tích / Every site", content, y)
    y = _table(pdf, report.rows, content, y) + 4
    names = {row.slug: row.name for row in report.rows}
    days = {row.slug: row.first_visit for row in report.rows}
    first = "; ".join(f"{names[slug]} ({days[slug]:%d/%m})" for slug in report.first_visited) or "Không có / none"
    following = report.end + timedelta(days=1)
    for heading, lines in (("Di tích mới trong tháng / New sites this month", (FIRST_VISIT_NOTE, first)),
                           ("Bảng QR có vấn đề / Plaque problems", (PLAQUE_NOTE, *_problems(report, kind_labels))),
                           ("Chuyến đi của lớp / Class outings", (OUTING_NOTE, *_outings(report))),
                           (f"Sự kiện tháng {following:%m/%Y} / Events of {following:%Y-%m}",
                            (EVENTS_NOTE, *_events(report)))):
        y = _section(pdf, heading, content, y)
        for line in lines:
            y = _room(pdf, y, 12)
            y += fit_text(pdf, line, "", Box(content.x, y, content.w, 40), 9, "L") + 1.5
        y += 3
    return bytes(pdf.output())


def _events(report: MonthlyReport) -> list[str]:
    """A line per event of the next month, or one saying there is none."""
    return [f"{event.dates} · {event.name} · {event.site or 'cả nước / nationwide'} · {event.kind}"
            for event in report.next_month_events] or ["Không có / none"]


def _problems(report: MonthlyReport, kind_labels: Mapping[str, str]) -> list[str]:
    """A line per plaque problem reported in the month, or one saying there was none."""
    return [f"{problem.day:%d/%m} · {problem.name} · {kind_labels[problem.kind]} · "
            f"{'đã xử lý / done' if problem.done else 'chưa xử lý / open'}"
            for problem in report.plaque_problems] or ["Không có / none"]


def _outings(report: MonthlyReport) -> list[str]:
    """A line per journey with class outings in the month, or one saying there was none."""
    return [f"{row.journey} · {row.outings} chuyến đi / outings · {row.students} học sinh / students · "
            f"{row.completed} hoàn thành / completed · điểm trung bình / average score "
            f"{row.average_score:.1f}/{row.questions}" for row in report.outings] or ["Không có / none"]


def _room(pdf: FPDF, y: float, needed: float) -> float:
    """`y`, or the top of a new page when `needed` mm do not fit under it."""
    if y + needed <= HEIGHT - MARGIN:
        return y
    pdf.add_page()
    return MARGIN


def _section(pdf: FPDF, heading: str, content: Box, y: float) -> float:
    y = _room(pdf, y, 20)
    pdf.set_fill_color(*ACCENT_RGB)
    pdf.rect(content.x, y + 1, 1.5, 5, style="F")
    pdf.set_fill_color(0)
    return y + fit_text(pdf, heading, "B", Box(content.x + 4, y, content.w - 4, 8), 12, "L") + 2


def _bar_chart(pdf: FPDF, rows: tuple[SiteMonth, ...], box: Box) -> float:
    """One horizontal bar per site, its length in proportion to its scans (views beside, in grey)."""
    if not rows:
        return box.y + fit_text(pdf, "Chưa có lượt ghé / no visits yet", "", Box(box.x, box.y, box.w, 8), 10, "L")
    label_w, bar_h, gap = box.w * 0.38, 4.2, 2.0
    most = max(max(row.scans, row.views) for row in rows) or 1
    y = box.y
    for row in rows:
        fit_text(pdf, row.name, "", Box(box.x, y, label_w - 2, bar_h * 2 + 1), 8, "L")
        length = (box.w - label_w - 18) * row.scans / most
        pdf.set_fill_color(*ACCENT_RGB)
        pdf.rect(box.x + label_w, y, max(length, 0.3), bar_h, style="F")
        pdf.set_fill_color(150)
        pdf.rect(box.x + label_w, y + bar_h, max((box.w - label_w - 18) * row.views / most, 0.3), bar_h * 0.6,
                 style="F")
        pdf.set_fill_color(0)
        fit_text(pdf, f"{row.scans} / {row.views}", "", Box(box.x + label_w + length + 1.5, y, 30,
                 text_height(8, 1)), 8, "L")
        y += bar_h * 1.6 + gap
    legend = "Đỏ: lượt quét · xám: lượt xem / red: scans · grey: views"
    return y + fit_text(pdf, legend, "", Box(box.x + label_w, y, box.w - label_w, 6), 8, "L")


def _table(pdf: FPDF, rows: tuple[SiteMonth, ...], content: Box, y: float) -> float:
    y = _table_head(pdf, content, y)
    for index, row in enumerate(rows):
        if y + ROW_H > HEIGHT - MARGIN:
            pdf.add_page()
            y = _table_head(pdf, content, MARGIN)
        if index % 2:
            pdf.set_fill_color(242)
            pdf.rect(content.x, y, content.w, ROW_H, style="F")
            pdf.set_fill_color(0)
        values = (row.name, str(row.scans), str(row.views), str(row.visitors))
        _cells(pdf, values, content, y, "")
        y += ROW_H
    return y


def _table_head(pdf: FPDF, content: Box, y: float) -> float:
    _cells(pdf, [label for label, _ in COLUMNS], content, y, "B")
    pdf.set_line_width(0.3)
    pdf.line(content.x, y + ROW_H, content.x + content.w, y + ROW_H)
    return y + ROW_H


def _cells(pdf: FPDF, values, content: Box, y: float, style: str) -> None:
    x = content.x
    for (_, share), value, first in zip(COLUMNS, values, (True, False, False, False), strict=True):
        width = content.w * share
        fit_text(pdf, value, style, Box(x + 1, y + 0.5, width - 2, ROW_H - 1), 8, "L" if first else "R", middle=True)
        x += width
