"""The formats and default sizes of what is printed, apart from the drawing code, so a command line can offer them
without loading the PDF library."""

from enum import StrEnum


class PosterFormat(StrEnum):
    """What is printed: an A4 poster for a notice board, an A5 flyer or a 20 x 15 cm plaque card."""

    a4 = "a4"
    a5 = "a5"
    plaque = "plaque"


class LeafletFormat(StrEnum):
    """An A4 leaflet for a class, or an A5 flyer."""

    a4 = "a4"
    a5 = "a5"


MIN_SYMBOL_MM = 25.0  # the smallest printed code (quiet zone excluded) that phone cameras read reliably
DEFAULT_SIZE = 600  # pixels of a QR code PNG when no size is asked for
DEFAULT_DPI = 300  # print resolution of a QR code PNG asked for in centimetres
