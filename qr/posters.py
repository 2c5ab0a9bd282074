"""Printable posters (A4), flyers (A5) and plaque cards (20 x 15 cm) as PDF: site texts in, PDF bytes out.

Pure functions shared by the API, the CLI and the benchmark. One page per site; a batch is one document
with a page per site, the form a print shop takes for a whole district.

Print details (font, vector QR code, grey-scale black, text that fits) are in qr/printing.py; the
code's printed size follows the scanning distance, about a tenth of it and never under 2.5 cm (the
symbol, without the quiet zone), shrunk only if the page has no room for it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from qr.codes import ErrorCorrection, Grid, matrix
from qr.formats import PosterFormat
from qr.printing import (
    MIN_SYMBOL_MM,
    Box,
    draw_header,
    draw_qr,
    fit_text,
    new_document,
    nfc,
    normalised,
    printed_url,
    qr_side,
    text_height,
)

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
# Largest text sizes on the A4 poster, in points; other formats scale them.
NAME_PT, DETAILS_PT, SUMMARY_PT, CTA_PT, CTA_EN_PT, URL_PT, ORGANISATION_PT = 44, 16, 20, 24, 17, 15, 14


@dataclass(frozen=True)
class PosterText:
    """What a poster says about one site; `url` is encoded in the QR code and printed under it (without
    `https://`)."""

    name: str
    category: str
    recognition: str | None
    summary: str
    url: str
    lang: str = "vi"  # BCP 47 tag of the texts, recorded in the PDF for screen readers and search
    call_to_action: tuple[str, str] = CALL_TO_ACTION  # in the poster's language, then in another


@dataclass(frozen=True)
class Branding:
    """The organising unit printed at the top of every page, with its logo (a PNG or JPEG file)."""

    organisation: str
    logo: Path | None = None


def posters(sites: Iterable[PosterText], fmt: PosterFormat, branding: Branding,
            ec: ErrorCorrection = ErrorCorrection.M, title: str | None = None) -> bytes:
    """One PDF with a page per site, in the given order; `sites` is consumed lazily (for progress bars).

    Raises ValueError for no sites, or a text too long to fit even at the smallest size.
    """
    layout = LAYOUTS[PosterFormat(fmt)]
    pdf = _document(layout, branding, title or layout.label)
    branding = normalised(branding)
    for site in sites:
        pdf.set_lang(site.lang)
        pdf.add_page()
        _draw_page(pdf, layout, normalised(site), branding, ec)
    if pdf.page == 0:
        raise ValueError("no site to print")
    return bytes(pdf.output())


def poster(site: PosterText, fmt: PosterFormat, branding: Branding, ec: ErrorCorrection = ErrorCorrection.M) -> bytes:
    """The one-page PDF of one site, titled with its name."""
    return posters([site], fmt, branding, ec, title=f"{nfc(site.name)} – {LAYOUTS[PosterFormat(fmt)].label}")


def qr_symbol_mm(scan_distance_m: float) -> float:
    """Printed width of the code (quiet zone excluded) for a scanning distance: a tenth, at least 2.5 cm."""
    return max(MIN_SYMBOL_MM, scan_distance_m * 100)


def _document(layout: Layout, branding: Branding, title: str) -> FPDF:
    return new_document(layout.width, layout.height, layout.margin, title, branding.organisation,
                        " / ".join(CALL_TO_ACTION))


def _draw_page(pdf: FPDF, layout: Layout, site: PosterText, branding: Branding, ec: ErrorCorrection) -> None:
    s, m = layout.scale, layout.margin
    content = Box(m, m, layout.width - 2 * m, layout.height - 2 * m)
    header_box = Box(content.x, content.y, content.w, 16 * s)
    header_h = draw_header(pdf, branding.organisation, branding.logo, header_box, ORGANISATION_PT * s)
    top = content.y + header_h + 6 * s
    bottom = content.y + content.h
    grid = matrix(site.url, ec)
    cta_h = text_height(CTA_PT * s, 1) + text_height(CTA_EN_PT * s, 1)
    url_h = text_height(URL_PT * s, 1)
    if layout.columns:
        code_w = content.w * 0.52
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
    """Name, then category and recognition, then the summary; each wraps and shrinks to its share of `box`."""
    y = box.y
    used = fit_text(pdf, site.name, "B", Box(box.x, y, box.w, box.h * 0.5), NAME_PT * s, align)
    y += used + 3 * s
    details = " · ".join(part for part in (site.category, site.recognition) if part)
    used = fit_text(pdf, details, "", Box(box.x, y, box.w, (box.y + box.h - y) * 0.3), DETAILS_PT * s, align)
    y += used + 5 * s
    fit_text(pdf, site.summary, "", Box(box.x, y, box.w, box.y + box.h - y), SUMMARY_PT * s, align)


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
