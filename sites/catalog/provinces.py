"""Vietnam's provinces before and after the 1 July 2025 merger, for checking what staff type.

The current 34 provinces and centrally-run cities come from the maintained `vietnam-provinces` package
(the General Statistics Office's list), which has no former ones. The 63 former provinces and the
current province each became part of are data, `province_merger.csv`, with its sources. Names are
kept short, as addresses write them: "Cần Thơ", not "Thành phố Cần Thơ"; both are accepted, as are
"TP." and "Tỉnh" in front, any case, and accents placed either way ("Thanh Hoá" is "Thanh Hóa").
"""

import csv
import difflib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sites.catalog.text import fold

CITY_PREFIX = "Thành phố "
MERGER_FILE = Path(__file__).parent / "province_merger.csv"


class UnknownProvince(ValueError):
    """A name that is no province (current, or former when `former`); the message suggests the nearest ones."""

    def __init__(self, name: str, suggestions: list[str], former: bool = False):
        self.name, self.suggestions = name, suggestions
        hint_vi = f"; có phải: {', '.join(suggestions)}?" if suggestions else ""
        hint_en = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        what_vi, what_en = ("tỉnh/thành phố trước 1/7/2025", "a province before 1 July 2025") if former else (
            "tỉnh/thành phố hiện nay", "a current province")
        super().__init__(f"'{name}' không phải {what_vi}{hint_vi} / '{name}' is not {what_en}{hint_en}")


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
    with MERGER_FILE.open(encoding="utf-8") as lines:
        rows = csv.DictReader(line for line in lines if not line.startswith("#"))
        return {row["former"]: row["current"] for row in rows}


@cache
def province_names() -> tuple[str, ...]:
    """Every province a filter may name: today's, then the former ones that are not today's names."""
    current = current_provinces()
    return current + tuple(name for name in former_provinces() if name not in current)


@dataclass(frozen=True)
class ProvinceMatch:
    """What a typed province stands for: today's province, and the former one it was typed as (or None)."""

    current: str
    former: str | None = None


def find_province(name: str) -> ProvinceMatch:
    """The current province `name` is (case, accents, "TP."/"Tỉnh"/"Thành phố" aside), or the former province
    it was, with its successor; raises UnknownProvince with the nearest names of either kind otherwise."""
    key = _key(name)
    if key in _current_keys():
        return ProvinceMatch(_current_keys()[key])
    if key in _former_keys():
        former = _former_keys()[key]
        return ProvinceMatch(former_provinces()[former], former)
    raise UnknownProvince(name, _nearest(key, _current_keys() | _former_keys()))


def current_province(name: str) -> str:
    """The current province called `name`, in its short form; raises UnknownProvince with the nearest names
    otherwise (a former province suggests its successor)."""
    match = find_province(name)
    if match.former is not None:
        raise UnknownProvince(name, [match.current])
    return match.current


def former_province(name: str) -> str:
    """The former province (one of the 63) called `name`, in its short form; raises UnknownProvince with the
    nearest former names otherwise."""
    key = _key(name)
    if key in _former_keys():
        return _former_keys()[key]
    raise UnknownProvince(name, _nearest(key, _former_keys()), former=True)


# Abbreviations that lists write for a province; fold() has already taken the accents and dots away.
ABBREVIATIONS = {"hcm": "Hồ Chí Minh", "tphcm": "Hồ Chí Minh"}


@cache
def _current_keys() -> dict[str, str]:
    return {_key(name): name for name in current_provinces()} | ABBREVIATIONS


@cache
def _former_keys() -> dict[str, str]:
    return {_key(name): name for name in former_provinces()}


def _nearest(key: str, names: dict[str, str]) -> list[str]:
    """The names nearest `key`; a former province with its successor: "Quảng Nam (nay/now Đà Nẵng)"."""
    nearest = dict.fromkeys(names[match] for match in difflib.get_close_matches(key, list(names), n=3, cutoff=0.6))
    successors = {former: current for former, current in former_provinces().items() if former != current}
    return [f"{name} (nay/now {successors[name]})" if name in successors and name not in current_provinces() else name
            for name in nearest]


def _key(name: str) -> str:
    """`name` folded, without the "Thành phố", "TP" or "Tỉnh" in front."""
    folded = fold(name)
    for prefix in ("thanh pho ", "tp ", "tinh "):
        folded = folded.removeprefix(prefix)
    return folded
