"""Printable posters (A4), flyers (A5) and plaque cards (20 x 15 cm) as PDF: site texts in, PDF bytes out.

Pure functions shared by the API, the CLI and the benchmark. One page per site; a batch is one document
with a page per site, the form a print shop takes for a whole district.

Print details (font, vector QR code, grey-scale black, text that fits) are in qr/printing.py; the
code's printed size follows the scanning distance, about a tenth of it and never under 2.5 cm (the
symbol, without the quiet zone), shrunk only if the page has no room for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from qr.codes import ErrorCorrection, Grid, matrix
from qr.formats import PosterFormat
from qr.printing import (
    MIN_SYMBOL_MM,
    Box,
    draw_fitted,
    draw_header,
    draw_photo,
    draw_qr,
    fit_text,
    measure_text,
    new_document,
    nfc,
    normalised,
    printed_url,
    qr_side,
    text_height,
)

if TYPE_CHECKING:
    from fpdf import FPDF

CALL_TO_ACTION = ("Quét mã để tìm hiểu", "Scan to learn more")


@dataclass(frozen=True)
class Layout:
    """The page of one format, in millimetres, and how far away its QR code is meant to be scanned."""

    label: str
    width: float
    height: float
    margin: float
    scan_distance_m: float
    scale: float  # text sizes relative to the A4 poster
    columns: bool  # text left and code right (landscape), or everything stacked (portrait)


LAYOUTS = {
    # Read on a notice board from a step back, about 80 cm: an 8 cm code.
    PosterFormat.a4: Layout("Áp phích A4 / A4 poster", 210, 297, 15, 0.8, 1.0, False),
    # Held in the hand or lying on a table, about half a metre away: a 5 cm code.
    PosterFormat.a5: Layout("Tờ rơi A5 / A5 flyer", 148, 210, 10, 0.5, 0.72, False),
    # A plate at the site, read at arm's length (about 70 cm) and often worn: a 7 cm code.
    PosterFormat.plaque: Layout("Bảng 20 x 15 cm / plaque card", 200, 150, 10, 0.7, 0.7, True),
}

CODE_SHARE = 0.6  # of a portrait page's height below the header, at most, for the call to action, code and URL
# Largest text sizes on the A4 poster, in points; other formats scale them. The summary grows up to
# SUMMARY_PT to fill the room the code leaves, and shrinks below it when it is long.
NAME_PT, NAME_EN_PT, DETAILS_PT, SUMMARY_PT, CTA_PT, CTA_EN_PT, URL_PT, ORGANISATION_PT, CREDIT_PT = (
    44, 22, 16, 30, 24, 17, 15, 14, 8)
# The Youth Union's red (Đoàn TNCS Hồ Chí Minh), as RGB #D8232A: only the bands and rule are in colour;
# text, photo credit and code stay grey-scale black.
ACCENT_RGB = (216, 35, 42)
BLEED_MM = 3.0  # the print shop's usual bleed: the accent runs this far past the trim edge
SLUG_MM = 8.0  # from the trim edge to the sheet's edge when bleeding: the bleed, then the crop marks
PHOTO_ASPECT = 4 / 3  # the photo box, width over height; the photo is cropped to it, centred


@dataclass(frozen=True)
class PosterText:
    """What a poster says about one site; `url` is encoded in the QR code and printed under it (without
    `https://`). `name_en` is printed under the name; `photo` (a JPEG file) beside or above the summary,
    with `photo_credit` under it."""

    name: str
    category: str
    recognition: str | None
    summary: str
    url: str
    lang: str = "vi"  # BCP 47 tag of the texts, recorded in the PDF for screen readers and search
    call_to_action: tuple[str, str] = CALL_TO_ACTION  # in the poster's language, then in another
    name_en: str | None = None
    photo: Path | None = None
    photo_credit: str | None = None


@dataclass(frozen=True)
class Branding:
    """The organising unit printed at the top of every page, with its logo (a PNG or JPEG file)."""

    organisation: str
    logo: Path | None = None


def posters(sites: Iterable[PosterText], fmt: PosterFormat, branding: Branding,
            ec: ErrorCorrection = ErrorCorrection.M, title: str | None = None, bleed: bool = False) -> bytes:
    """One PDF with a page per site, in the given order; `sites` is consumed lazily (for progress bars).

    With `bleed`, each sheet is larger than the page by SLUG_MM on every side: the accent runs BLEED_MM past
    the trim edge and crop marks stand outside it, for a print shop that trims.
    Raises ValueError for no sites, or a text too long to fit even at the smallest size.
    """
    layout = LAYOUTS[PosterFormat(fmt)]
    offset = SLUG_MM if bleed else 0.0
    pdf = _document(layout, branding, title or layout.label, offset)
    branding = normalised(branding)
    for site in sites:
        pdf.set_lang(site.lang)
        pdf.add_page()
        _draw_accent(pdf, layout, offset, BLEED_MM if bleed else 0.0)
        _draw_page(pdf, layout, normalised(site), branding, ec, offset)
    if pdf.page == 0:
        raise ValueError("no site to print")
    return bytes(pdf.output())


def poster(site: PosterText, fmt: PosterFormat, branding: Branding, ec: ErrorCorrection = ErrorCorrection.M,
           bleed: bool = False) -> bytes:
    """The one-page PDF of one site, titled with its name."""
    return posters([site], fmt, branding, ec, title=f"{nfc(site.name)} – {LAYOUTS[PosterFormat(fmt)].label}",
                   bleed=bleed)


def qr_symbol_mm(scan_distance_m: float) -> float:
    """Printed width of the code (quiet zone excluded) for a scanning distance: a tenth, at least 2.5 cm."""
    return max(MIN_SYMBOL_MM, scan_distance_m * 100)


def _document(layout: Layout, branding: Branding, title: str, offset: float) -> FPDF:
    return new_document(layout.width + 2 * offset, layout.height + 2 * offset, layout.margin + offset, title,
                        branding.organisation, " / ".join(CALL_TO_ACTION))


def _draw_accent(pdf: FPDF, layout: Layout, offset: float, bleed: float) -> None:
    """The red bands along the top and bottom edges (into the bleed when there is one), then the crop marks."""
    top_h, bottom_h = layout.margin * 0.55, layout.margin * 0.3
    x, w = offset - bleed, layout.width + 2 * bleed
    pdf.set_fill_color(*ACCENT_RGB)
    pdf.rect(x, offset - bleed, w, top_h + bleed, style="F")
    pdf.rect(x, offset + layout.height - bottom_h, w, bottom_h + bleed, style="F")
    pdf.set_fill_color(0)
    if bleed:
        _draw_crop_marks(pdf, layout, offset, bleed)


def _draw_crop_marks(pdf: FPDF, layout: Layout, offset: float, bleed: float) -> None:
    """Hairlines in line with the trim edges, from the bleed's edge outwards, at each corner."""
    pdf.set_line_width(0.25)
    far = offset - bleed  # a mark's length: from the bleed's edge to the sheet's edge
    for edge_x in (offset, offset + layout.width):
        for start_y in (0.0, offset + layout.height + bleed):
            pdf.line(edge_x, start_y, edge_x, start_y + far)
    for edge_y in (offset, offset + layout.height):
        for start_x in (0.0, offset + layout.width + bleed):
            pdf.line(start_x, edge_y, start_x + far, edge_y)


def _draw_page(pdf: FPDF, layout: Layout, site: PosterText, branding: Branding, ec: ErrorCorrection,
               offset: float) -> None:
    s, m = layout.scale, layout.margin
    content = Box(offset + m, offset + m, layout.width - 2 * m, layout.height - 2 * m)
    header_box = Box(content.x, content.y, content.w, 16 * s)
    header_h = draw_header(pdf, branding.organisation, branding.logo, header_box, ORGANISATION_PT * s)
    top = content.y + header_h + 6 * s
    bottom = content.y + content.h
    grid = matrix(site.url, ec)
    cta_h = text_height(CTA_PT * s, 1) + text_height(CTA_EN_PT * s, 1)
    url_h = text_height(URL_PT * s, 1)
    if layout.columns:
        code_w = content.w * 0.5
        code_col = Box(content.x + content.w - code_w, top, code_w, bottom - top)
        text_col = Box(content.x, top, content.w - code_w - 6 * s, bottom - top)
        wanted = qr_symbol_mm(layout.scan_distance_m)
        side = qr_side(grid, wanted, code_col.w, code_col.h - cta_h - url_h, MIN_SYMBOL_MM)
        y = code_col.y + (code_col.h - cta_h - side - url_h) / 2
        _draw_code_block(pdf, site.url, site.call_to_action, grid, Box(code_col.x, y, code_col.w, code_col.h),
                         side, s)
        _draw_texts(pdf, site, text_col, s, "L")
    else:
        room = (bottom - top) * CODE_SHARE - cta_h - url_h
        side = qr_side(grid, qr_symbol_mm(layout.scan_distance_m), content.w, room, MIN_SYMBOL_MM)
        block_h = cta_h + side + url_h
        block = Box(content.x, bottom - block_h, content.w, block_h)
        _draw_code_block(pdf, site.url, site.call_to_action, grid, block, side, s)
        _draw_texts(pdf, site, Box(content.x, top, content.w, bottom - block_h - top - 4 * s), s, "C")


def _draw_texts(pdf: FPDF, site: PosterText, box: Box, s: float, align: str) -> None:
    """Name, English name, a red rule, category and recognition, then the photo and the summary.

    The summary takes the room the rest leaves (growing up to SUMMARY_PT, shrinking when long); what is left
    over is shared out between the parts, so the page has no empty band. A portrait page (centred) puts
    the photo beside the summary; the plaque's text column puts it above.
    """
    beside = align == "C"
    name = measure_text(pdf, site.name, "B", Box(box.x, 0, box.w, box.h * 0.4), NAME_PT * s)
    name_en = measure_text(pdf, site.name_en, "", Box(box.x, 0, box.w, box.h * 0.12), NAME_EN_PT * s) \
        if site.name_en else None
    rule_h = 1.2 * s
    details_text = " · ".join(part for part in (site.category, site.recognition) if part)
    details = measure_text(pdf, details_text, "", Box(box.x, 0, box.w, box.h * 0.15), DETAILS_PT * s)
    gap = 3 * s
    fixed = name.height + (name_en.height if name_en else 0) + rule_h + details.height + 4 * gap
    body = Box(box.x, 0, box.w, box.h - fixed)
    photo_box = None
    credit_h = text_height(CREDIT_PT * s, 1) if site.photo_credit else 0
    if site.photo and beside:
        photo_w = box.w * 0.45
        photo_box = Box(box.x, 0, photo_w, min(photo_w / PHOTO_ASPECT, body.h - credit_h))
        summary_box = Box(box.x + photo_w + 5 * s, 0, box.w - photo_w - 5 * s, body.h)
    elif site.photo:
        photo_box = Box(box.x, 0, box.w, min(box.w / 2, body.h * 0.45))  # wider than tall in a narrow column
        summary_box = Box(box.x, 0, box.w, body.h - photo_box.h - credit_h - gap)
    else:
        summary_box = body
    summary = measure_text(pdf, site.summary, "", summary_box, SUMMARY_PT * s)
    photo_total = photo_box.h + credit_h if photo_box else 0
    body_h = max(summary.height, photo_total) if beside else summary.height + (photo_total + gap if photo_box else 0)
    spare = max(0.0, body.h - body_h) / 4  # shared between the four gaps below the name
    y = box.y + draw_fitted(pdf, name, Box(box.x, box.y, box.w, name.height), align) + gap
    if name_en:
        y += draw_fitted(pdf, name_en, Box(box.x, y, box.w, name_en.height), align)
    y += gap + spare
    rule_w = 40 * s
    pdf.set_fill_color(*ACCENT_RGB)
    pdf.rect(box.x + (box.w - rule_w) / 2 if beside else box.x, y, rule_w, rule_h, style="F")
    pdf.set_fill_color(0)
    y += rule_h + gap + spare
    y += draw_fitted(pdf, details, Box(box.x, y, box.w, details.height), align) + gap + spare
    if photo_box and beside:
        _draw_photo(pdf, site, Box(box.x, y + (body_h - photo_total) / 2, photo_box.w, photo_box.h), s, "L")
        draw_fitted(pdf, summary, Box(summary_box.x, y + (body_h - summary.height) / 2, summary_box.w,
                                      summary.height), "L")
        return
    if photo_box:
        _draw_photo(pdf, site, Box(box.x, y, photo_box.w, photo_box.h), s, align)
        y += photo_total + gap
    draw_fitted(pdf, summary, Box(box.x, y, box.w, summary.height), align)


def _draw_photo(pdf: FPDF, site: PosterText, box: Box, s: float, align: str) -> None:
    """The site's photo cropped to `box`, its credit in small type under it."""
    draw_photo(pdf, site.photo, box)
    if site.photo_credit:
        credit = Box(box.x, box.y + box.h, box.w, text_height(CREDIT_PT * s, 1))
        fit_text(pdf, site.photo_credit, "", credit, CREDIT_PT * s, align)


def _draw_code_block(pdf: FPDF, url: str, call_to_action: tuple[str, str], grid: Grid, box: Box,
                     side: float, s: float) -> None:
    """The call to action, the QR code `side` mm wide (quiet zone included) and the URL under it."""
    y = box.y
    first, second = call_to_action
    y += fit_text(pdf, first, "B", Box(box.x, y, box.w, text_height(CTA_PT * s, 1)), CTA_PT * s, "C")
    y += fit_text(pdf, second, "", Box(box.x, y, box.w, text_height(CTA_EN_PT * s, 1)), CTA_EN_PT * s, "C")
    draw_qr(pdf, grid, box.x + (box.w - side) / 2, y, side)
    y += side
    fit_text(pdf, printed_url(url), "", Box(box.x, y, box.w, box.y + box.h - y), URL_PT * s, "C")
