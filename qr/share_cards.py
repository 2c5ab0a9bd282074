"""Share cards (issue 23): the 1200x630 PNG that Zalo, Facebook and messaging apps show when a site's or a
journey's page is shared (`og:image`). Texts and a photo path in, PNG bytes out.

With a photo, the card is the photo, cropped to fill, with the name and a line of facts on a dark band; without
one, a clean card: the name, the facts and the plaque's QR code on white. Text is set by Pillow through libraqm
(HarfBuzz), so Khmer clusters are shaped; it wraps at spaces only and shrinks to fit, never breaking inside a
word (a Khmer name has no spaces: a cluster split across lines would draw a dotted circle).
"""

import functools
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import fontpkg
from PIL import Image, ImageDraw, ImageFont, ImageOps

from qr.codes import ErrorCorrection, matrix

WIDTH, HEIGHT = 1200, 630  # the size Facebook and Zalo ask for (1.91:1)
RED, INK, GREY, PAPER = (164, 22, 26), (25, 25, 25), (80, 80, 80), (255, 255, 255)
LATIN_FAMILY, SHAPED_FAMILY = "Be Vietnam Pro", "Noto Sans Khmer"
TITLE_SIZES = range(76, 35, -4)  # px, largest first; the name takes the largest that fits in three lines
MAX_TITLE_LINES = 3
QR_SIDE = 330  # px, quiet zone included: about 9 px a module for a 37-module code


@dataclass(frozen=True)
class CardText:
    """What a card shows: `facts` is one line ("Đình · Cần Thơ"); `url` what its QR code encodes (drawn only
    on a card without a photo); `photo` a JPEG at least WIDTH wide when there is one."""

    brand: str
    title: str
    facts: str
    url: str
    photo: Path | None = None


def share_card(card: CardText) -> bytes:
    """The card as PNG bytes, WIDTH x HEIGHT."""
    card = CardText(*(unicodedata.normalize("NFC", value) if isinstance(value, str) else value
                      for value in (card.brand, card.title, card.facts, card.url, card.photo)))
    image = _photo_card(card) if card.photo else _clean_card(card)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=6)
    return out.getvalue()


def _clean_card(card: CardText) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 23, HEIGHT), fill=RED)
    qr_x, qr_y = WIDTH - 60 - QR_SIDE, (HEIGHT - QR_SIDE) // 2
    image.paste(_qr_image(card.url, QR_SIDE), (qr_x, qr_y))
    left, right = 80, qr_x - 40
    draw_line(draw, (left, 60), card.brand, 36, RED)
    size, lines = fitted_lines(card.title, right - left)
    y = max(150, (HEIGHT - round(size * 1.3) * len(lines) - 60) // 2)
    for line in lines:
        draw_line(draw, (left, y), line, size, INK)
        y += round(size * 1.3)
    facts_size, facts = fitted_lines(card.facts, right - left, sizes=range(34, 19, -2), max_lines=2, bold=False)
    for line in facts:
        draw_line(draw, (left, y + 16), line, facts_size, GREY, bold=False)
        y += round(facts_size * 1.3)
    return image


def _photo_card(card: CardText) -> Image.Image:
    with Image.open(card.photo) as photo:
        image = ImageOps.fit(ImageOps.exif_transpose(photo).convert("RGB"), (WIDTH, HEIGHT),
                             Image.Resampling.LANCZOS)
    size, lines = fitted_lines(card.title, WIDTH - 120, sizes=range(64, 35, -4), max_lines=2)
    facts_size, facts = fitted_lines(card.facts, WIDTH - 120, sizes=range(32, 19, -2), max_lines=1, bold=False)
    band = 60 + round(size * 1.3) * len(lines) + round(facts_size * 1.3) * len(facts)
    shade = Image.new("RGB", (WIDTH, band), (0, 0, 0))
    image.paste(Image.blend(image.crop((0, HEIGHT - band, WIDTH, HEIGHT)), shade, 0.62), (0, HEIGHT - band))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 36, 40 + line_length(card.brand, 30) + 36, 36 + 54), fill=RED)
    draw_line(draw, (58, 44), card.brand, 30, PAPER)
    y = HEIGHT - band + 30
    for line in lines:
        draw_line(draw, (60, y), line, size, PAPER)
        y += round(size * 1.3)
    for line in facts:
        draw_line(draw, (60, y), line, facts_size, (235, 235, 235), bold=False)
        y += round(facts_size * 1.3)
    return image


def fitted_lines(text: str, width: int, sizes: range = TITLE_SIZES, max_lines: int = MAX_TITLE_LINES,
                 bold: bool = True) -> tuple[int, list[str]]:
    """The largest of `sizes` (px) at which `text`, wrapped at spaces, fits `width` in `max_lines`, and its
    lines; at the smallest size the last line is cut at a word with "…" (a word too long is left whole)."""
    for size in sizes:
        lines = _wrapped(text, size, bold, width)
        if len(lines) <= max_lines and all(line_length(line, size, bold) <= width for line in lines):
            return size, lines
    kept = lines[:max_lines]
    if len(lines) > max_lines:
        kept[-1] += " …"
    return size, kept


def _wrapped(text: str, size: int, bold: bool, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and line_length(f"{lines[-1]} {word}", size, bold) <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def draw_line(draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int, fill: tuple[int, ...],
              bold: bool = True) -> None:
    """One line of text, each run in the font that has its letters (see `runs`)."""
    x, y = xy
    for run, font in runs(text, size, bold):
        draw.text((x, y), run, font=font, fill=fill)
        x += font.getlength(run)


def line_length(text: str, size: int, bold: bool = True) -> int:
    """The width in px that `draw_line` gives `text`."""
    return round(sum(font.getlength(run) for run, font in runs(text, size, bold)))


def runs(text: str, size: int, bold: bool) -> list[tuple[str, ImageFont.FreeTypeFont]]:
    """`text` cut where the script changes, each piece with its font: Noto Sans Khmer for Khmer (spaces and
    punctuation stay with the run before them, so a cluster is never cut), Be Vietnam Pro for the rest."""
    pieces: list[tuple[str, bool]] = []
    for char in text:
        shaped = _is_khmer(char)
        if pieces and (pieces[-1][1] == shaped or not (char.isalnum() or unicodedata.category(char) == "Mn")):
            pieces[-1] = (pieces[-1][0] + char, pieces[-1][1])
        else:
            pieces.append((char, shaped))
    return [(piece, _font(SHAPED_FAMILY if shaped else LATIN_FAMILY, size, bold)) for piece, shaped in pieces]


def _is_khmer(char: str) -> bool:
    return 0x1780 <= ord(char) <= 0x17FF or 0x19E0 <= ord(char) <= 0x19FF


@functools.lru_cache(maxsize=64)
def _font(family: str, size: int, bold: bool) -> ImageFont.FreeTypeFont:
    """The font at `size` px, laid out by libraqm (HarfBuzz), which every Pillow wheel since 10 carries."""
    font = ImageFont.truetype(fontpkg.path(family, 700 if bold else 400), size, layout_engine=ImageFont.Layout.RAQM)
    if family == SHAPED_FAMILY:  # a variable font (axes: weight, width): its bold is the wght=700 instance
        font.set_variation_by_axes([700 if bold else 400, 100])
    return font


def _qr_image(payload: str, side: int) -> Image.Image:
    """The QR code, quiet zone included, as a grey-scale image `side` px square (whole pixels per module)."""
    grid = matrix(payload, ErrorCorrection.M)
    modules = Image.new("1", (len(grid), len(grid)), 1)
    modules.putdata([0 if dark else 1 for row in grid for dark in row])
    scale = max(1, side // len(grid))
    code = modules.resize((len(grid) * scale,) * 2, Image.Resampling.NEAREST).convert("L")
    framed = Image.new("L", (side, side), 255)
    framed.paste(code, ((side - code.width) // 2,) * 2)
    return framed.convert("RGB")
