"""What a plate is made of and how big: the size presets, the materials, the mounting holes, and the refusals of a
code too small to scan. No drawing here: the command line and the routes check the choices before any work is queued.

The minimums (issue 25): a QR module never under 1.5 mm (a worn engraved module under that stops scanning from arm's
length) and the symbol, quiet zone excluded, never under 25 mm (qr/formats.py MIN_SYMBOL_MM, the posters' rule).
The materials' figures are starting values for a shop to confirm on a test piece (docs/printing.md).
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from qr.formats import MIN_SYMBOL_MM

MIN_MODULE_MM = 1.5
MIN_SIDE_MM, MAX_SIDE_MM = 50, 1200  # a plate smaller than a card or larger than a door is a typo
PRESETS = ("100x150", "150x200", "200x300", "300x400")  # width x height in mm, portrait; WxH with W > H is landscape
DEFAULT_SIZE = "150x200"
STROKE_EM = 0.08  # the thinnest stroke of Be Vietnam Pro Regular, in em (measured: stems 0.095, bars about 0.08)
MIN_READABLE_EM = 3.5  # mm: about 10 pt, the smallest text read at arm's length


class Material(StrEnum):
    """What the plate is made of; each has its preset (MATERIALS)."""

    steel = "steel"
    aluminium = "aluminium"
    stone = "stone"
    wood = "wood"


@dataclass(frozen=True)
class MaterialPreset:
    """How a material takes the engraving. `inverted`: the engraving comes out lighter than the plate (anodised
    aluminium, black granite), so the background of the code is engraved and the dark modules are left standing: the
    finished code is still dark on light, which every phone reads."""

    label: str  # Vietnamese / English, for people
    min_line_mm: float  # the thinnest line the shop's tool holds on it
    min_module_mm: float
    inverted: bool
    plate_rgb: tuple[int, int, int]  # the colours of the preview
    engraved_rgb: tuple[int, int, int]

    @property
    def min_em_mm(self) -> float:
        """The smallest text size (em, in mm) whose thinnest stroke is still `min_line_mm`, and readable."""
        return max(MIN_READABLE_EM, self.min_line_mm / STROKE_EM)


MATERIALS = {
    # 304 stainless steel marked by a fibre laser: the mark (annealing or etching) is dark on bright steel.
    Material.steel: MaterialPreset("thép không gỉ 304 / 304 stainless steel", 0.1, MIN_MODULE_MM, False,
                                   (206, 210, 214), (40, 42, 46)),
    # Anodised aluminium: the laser removes the dye and the bare metal shows light.
    Material.aluminium: MaterialPreset("nhôm anod hóa / anodised aluminium", 0.15, MIN_MODULE_MM, True,
                                       (38, 40, 44), (222, 224, 228)),
    # Polished black granite, laser or sandblast: the mark is light grey, the tool wider than on metal.
    Material.stone: MaterialPreset("đá granite đen / black granite", 0.4, 2.0, True, (30, 30, 32), (200, 200, 196)),
    # Wood burnt by a CO2 laser: dark marks on light wood; grain and char blur fine lines.
    Material.wood: MaterialPreset("gỗ / wood", 0.3, 2.0, False, (226, 196, 150), (70, 44, 24)),
}


@dataclass(frozen=True)
class Plate:
    """One plate to draw: its size in mm, material, number of mounting holes (4 corners, 2 centred top and bottom,
    or 0) and corner radius."""

    width: float
    height: float
    material: Material = Material.steel
    holes: int = 4

    @property
    def preset(self) -> MaterialPreset:
        return MATERIALS[self.material]

    @property
    def corner_mm(self) -> float:
        return round(min(self.width, self.height) * 0.05, 2)

    @property
    def hole_mm(self) -> float:
        """The hole's diameter: 5 mm (M4 screws) on plates up to 200 mm wide, 6 mm (M5) above."""
        return 5.0 if min(self.width, self.height) <= 200 else 6.0

    @property
    def hole_inset_mm(self) -> float:
        """From each edge to a hole's centre."""
        return 2 * self.hole_mm

    @property
    def margin_mm(self) -> float:
        """From each edge to the drawing: past the holes when there are any."""
        bare = max(6.0, 0.06 * min(self.width, self.height))
        return max(bare, self.hole_inset_mm + self.hole_mm / 2 + 3) if self.holes else bare

    def hole_centres(self) -> list[tuple[float, float]]:
        """Each hole's centre, in mm from the top left."""
        inset, w, h = self.hole_inset_mm, self.width, self.height
        if self.holes == 4:
            return [(inset, inset), (w - inset, inset), (inset, h - inset), (w - inset, h - inset)]
        if self.holes == 2:
            return [(w / 2, inset), (w / 2, h - inset)]
        return []


def plate_choices() -> dict[str, list[tuple[str, str]]]:
    """The choices a form offers, as (value, label): the size presets, the materials, the holes."""
    return {"size": [(size, f"{size.replace('x', ' x ')} mm") for size in PRESETS],
            "material": [(material.value, preset.label) for material, preset in MATERIALS.items()],
            "holes": [("4", "4 lỗ ở góc / 4 corner holes"), ("2", "2 lỗ trên, dưới / 2 holes, top and bottom"),
                      ("0", "không lỗ / no holes")]}


class PlateRefused(ValueError):
    """A plate that cannot be made: the message names the parameter and the minimum, Vietnamese first."""


def parse_size(size: str) -> tuple[float, float]:
    """`WxH` in whole millimetres ("150x200", "150 x 200", "150×200"); raises PlateRefused naming `size`."""
    match = re.fullmatch(r"\s*(\d{1,4})\s*[x×X]\s*(\d{1,4})\s*", size or "")
    if not match:
        raise PlateRefused(f"size: '{size}' không phải kích thước RỘNGxCAO tính bằng mm (ví dụ {DEFAULT_SIZE}) / "
                           f"is not WIDTHxHEIGHT in whole mm (e.g. {DEFAULT_SIZE}); presets: {', '.join(PRESETS)}")
    width, height = float(match[1]), float(match[2])
    for side in (width, height):
        if not MIN_SIDE_MM <= side <= MAX_SIDE_MM:
            raise PlateRefused(f"size: mỗi cạnh từ {MIN_SIDE_MM} đến {MAX_SIDE_MM} mm / each side must be "
                               f"{MIN_SIDE_MM}-{MAX_SIDE_MM} mm (got {size})")
    return width, height


def plate(size: str = DEFAULT_SIZE, material: str = Material.steel, holes: int = 4) -> Plate:
    """The plate asked for, checked; raises PlateRefused naming the parameter."""
    width, height = parse_size(size)
    try:
        material = Material(material)
    except ValueError:
        raise PlateRefused(f"material: '{material}' không có; chọn / is not one of "
                           f"{', '.join(m.value for m in Material)}") from None
    if holes not in (0, 2, 4):
        raise PlateRefused(f"holes: {holes} lỗ không có; chọn 0, 2 hoặc 4 / must be 0, 2 or 4")
    return Plate(width, height, material, holes)


def check_code_size(plate: Plate, module_mm: float, symbol_modules: int) -> None:
    """Refuse a code whose modules or symbol would be under the minimums, naming the minimum and the size asked."""
    minimum = plate.preset.min_module_mm
    size = f"{plate.width:g}x{plate.height:g}"
    if module_mm < minimum - 1e-9:
        raise PlateRefused(
            f"size={size}: mỗi ô của mã QR chỉ được {module_mm:.2f} mm, tối thiểu {minimum:g} mm cho "
            f"{plate.preset.label.split(' / ')[0]}; hãy chọn biển lớn hơn / a QR module would be {module_mm:.2f} mm, "
            f"the minimum is {minimum:g} mm on {plate.preset.label.split(' / ')[1]}: choose a larger plate")
    symbol = module_mm * symbol_modules
    if symbol < MIN_SYMBOL_MM - 1e-9:
        raise PlateRefused(
            f"size={size}: mã QR chỉ rộng {symbol:.1f} mm, tối thiểu {MIN_SYMBOL_MM:g} mm; hãy chọn biển lớn hơn / "
            f"the QR code would be {symbol:.1f} mm wide, the minimum is {MIN_SYMBOL_MM:g} mm: choose a larger plate")
