"""Vietnam's provinces before and after the 1 July 2025 merger, for checking what staff type.

The current 34 provinces and centrally-run cities come from the maintained
`vietnam-provinces` package (the General Statistics Office's list). The 63 former provinces are the
table below (Resolution 202/2025/QH15): each names the current province it became part of. Names are
kept short, as addresses write them: "Cần Thơ", not "Thành phố Cần Thơ"; both are accepted.
"""

import difflib
from functools import cache

from sites.catalog.text import fold

CITY_PREFIX = "Thành phố "

# Current province -> the former provinces merged into it (besides itself, when it kept its name).
MERGED_INTO = {
    "Tuyên Quang": ("Hà Giang",),
    "Lào Cai": ("Yên Bái",),
    "Thái Nguyên": ("Bắc Kạn",),
    "Phú Thọ": ("Vĩnh Phúc", "Hòa Bình"),
    "Bắc Ninh": ("Bắc Giang",),
    "Hưng Yên": ("Thái Bình",),
    "Hải Phòng": ("Hải Dương",),
    "Ninh Bình": ("Hà Nam", "Nam Định"),
    "Quảng Trị": ("Quảng Bình",),
    "Đà Nẵng": ("Quảng Nam",),
    "Quảng Ngãi": ("Kon Tum",),
    "Gia Lai": ("Bình Định",),
    "Khánh Hòa": ("Ninh Thuận",),
    "Lâm Đồng": ("Đắk Nông", "Bình Thuận"),
    "Đắk Lắk": ("Phú Yên",),
    "Hồ Chí Minh": ("Bình Dương", "Bà Rịa - Vũng Tàu"),
    "Đồng Nai": ("Bình Phước",),
    "Tây Ninh": ("Long An",),
    "Cần Thơ": ("Sóc Trăng", "Hậu Giang"),
    "Vĩnh Long": ("Bến Tre", "Trà Vinh"),
    "Đồng Tháp": ("Tiền Giang",),
    "Cà Mau": ("Bạc Liêu",),
    "An Giang": ("Kiên Giang",),
}
RENAMED = {"Thừa Thiên Huế": "Huế"}  # former name -> current name, with no merger


class UnknownProvince(ValueError):
    """A name that is no current province; the message suggests the nearest ones."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name, self.suggestions = name, suggestions
        hint_vi = f"; có phải: {', '.join(suggestions)}?" if suggestions else ""
        hint_en = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"'{name}' không phải tỉnh/thành phố hiện nay{hint_vi} / "
                         f"'{name}' is not a current province{hint_en}")


@cache
def current_provinces() -> tuple[str, ...]:
    """The 34 current provinces and centrally-run cities, short names, in the official order."""
    from vietnam_provinces import Province  # imported on first use: `diachido check` never needs it

    return tuple(province.name.removeprefix(CITY_PREFIX) for province in Province.iter_all())


@cache
def current_wards(province: str) -> tuple[str, ...]:
    """The wards and communes of a current province since 1 July 2025 ("Phường Ô Môn"), from the same
    maintained list; none for a name that is no current province."""
    from vietnam_provinces import Province, Ward

    for found in Province.iter_all():
        if fold(found.name.removeprefix(CITY_PREFIX)) == fold(province.removeprefix(CITY_PREFIX)):
            return tuple(ward.name for ward in Ward.iter_by_province(found.code))
    return ()


@cache
def former_provinces() -> dict[str, str]:
    """The 63 provinces before 1 July 2025 -> the current province each is part of now."""
    former = {name: name for name in current_provinces() if name not in RENAMED.values()}
    former |= {old: new for new, olds in MERGED_INTO.items() for old in olds}
    return former | RENAMED


@cache
def province_names() -> tuple[str, ...]:
    """Every province a filter may name: today's, then the former ones that are not today's names."""
    current = current_provinces()
    return current + tuple(name for name in former_provinces() if name not in current)


def current_province(name: str) -> str:
    """The current province called `name` (case, diacritics and "Thành phố"/"Tỉnh" aside), in its short
    form; raises UnknownProvince with the nearest names otherwise (a former province suggests its successor)."""
    key = _key(name)
    for province in current_provinces():
        if _key(province) == key:
            return province
    merged = {_key(old): new for old, new in former_provinces().items()}
    if key in merged:
        raise UnknownProvince(name, [merged[key]])
    keys = {_key(province): province for province in current_provinces()}
    matches = difflib.get_close_matches(key, list(keys), n=3, cutoff=0.6)
    raise UnknownProvince(name, [keys[match] for match in matches])


def _key(name: str) -> str:
    """`name` folded, without the "Thành phố", "TP" or "Tỉnh" in front."""
    folded = fold(name)
    for prefix in ("thanh pho ", "tp ", "tinh "):
        folded = folded.removeprefix(prefix)
    return folded
