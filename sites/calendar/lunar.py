"""The Vietnamese lunar calendar, through `lunar-vn` (Hồ Ngọc Đức's algorithm) at UTC+7.

The Vietnamese calendar is computed for Hanoi's time zone, the Chinese one for UTC+8: a new moon shortly before
midnight in Vietnam falls on the next day in China, so months (and Tết) differ in some years, Tết 1985 and Tết
2030 among them. Only this module knows the library; tests/test_lunar.py checks it against known dates and
against a second implementation (vnlunar's tables).
"""

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from lunar_vn import LunarDate, lunar_to_solar, solar_to_lunar

VIETNAM_UTC_OFFSET = 7.0
FIRST_YEAR, LAST_YEAR = 1901, 2099  # inside lunar-vn's supported range with a year to spare each side


@dataclass(frozen=True)
class LunarDateVN:
    """A day of the Vietnamese lunar calendar; `leap` for a day of a leap month (tháng nhuận)."""

    year: int
    month: int
    day: int
    leap: bool = False


@lru_cache(maxsize=4096)
def to_lunar(day: dt.date) -> LunarDateVN:
    """The lunar date of Gregorian `day`."""
    found = solar_to_lunar(day, time_zone=VIETNAM_UTC_OFFSET)
    return LunarDateVN(found.year, found.month, found.day, found.leap)


@lru_cache(maxsize=4096)
def to_gregorian(year: int, month: int, day: int) -> dt.date:
    """The Gregorian day of lunar `day`/`month` of lunar `year`, in the regular (not the leap) month; day 30 of a
    month that has only 29 days is its last day, the 29th. Raises ValueError outside FIRST_YEAR..LAST_YEAR."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"lunar year {year} is outside {FIRST_YEAR}-{LAST_YEAR}")
    found = lunar_to_solar(LunarDate(day, month, year, False), time_zone=VIETNAM_UTC_OFFSET)
    if day == 30 and to_lunar(found).day != 30:  # the month has 29 days: the 30th would be next month's 1st
        found -= dt.timedelta(days=1)
    return found
