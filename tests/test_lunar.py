"""The Vietnamese lunar calendar (issue 24): lunar-vn at UTC+7 against known dates and against a second
implementation, vnlunar's tables of Hồ Ngọc Đức (the calendar as published), and not the Chinese calendar."""

import datetime as dt

import pytest
import vnlunar
from lunar_vn import LunarDate, lunar_to_solar

from sites.calendar.lunar import to_gregorian, to_lunar

# Tết Nguyên Đán (1/1 âm lịch) and lunar 15/4 (Phật Đản, and Thượng Điền at Đình Thới An), 2026-2030.
TET = {2026: dt.date(2026, 2, 17), 2027: dt.date(2027, 2, 6), 2028: dt.date(2028, 1, 26),
       2029: dt.date(2029, 2, 13), 2030: dt.date(2030, 2, 2)}
LUNAR_15_4 = {2026: dt.date(2026, 5, 31), 2027: dt.date(2027, 5, 20), 2028: dt.date(2028, 5, 9),
              2029: dt.date(2029, 5, 27), 2030: dt.date(2030, 5, 16)}


@pytest.mark.parametrize("year", sorted(TET))
def test_tet_and_lunar_15_4_fall_on_their_known_days(year):
    assert to_gregorian(year, 1, 1) == TET[year]
    assert to_gregorian(year, 4, 15) == LUNAR_15_4[year]
    assert to_lunar(LUNAR_15_4[year]).month == 4 and to_lunar(LUNAR_15_4[year]).day == 15


def test_the_vietnamese_calendar_is_not_the_chinese_one():
    """A new moon just before midnight in Hanoi is the next day in Beijing: Tết 1985 and Tết 2030 differ."""
    assert to_gregorian(1985, 1, 1) == dt.date(1985, 1, 21)
    assert lunar_to_solar(LunarDate(1, 1, 1985), time_zone=8) == dt.date(1985, 2, 20)
    assert to_gregorian(2030, 1, 1) == dt.date(2030, 2, 2)
    assert lunar_to_solar(LunarDate(1, 1, 2030), time_zone=8) == dt.date(2030, 2, 3)


def test_every_day_from_2025_to_2035_agrees_with_a_second_implementation():
    day, differences = dt.date(2025, 1, 1), []
    while day <= dt.date(2035, 12, 31):
        ours, theirs = to_lunar(day), vnlunar.get_lunar_date(day.day, day.month, day.year)
        if (ours.day, ours.month, ours.year, ours.leap) != (theirs["day"], theirs["month"], theirs["year"],
                                                            bool(theirs["leap"])):
            differences.append(day)
        day += dt.timedelta(days=1)
    assert differences == []


@pytest.mark.parametrize("month, day", [(1, 1), (4, 15), (7, 15), (8, 15), (12, 15), (12, 23)])
def test_festival_days_agree_with_the_second_implementation_for_ten_years(month, day):
    for year in range(2026, 2036):
        theirs = vnlunar.convert_lunar_to_solar(day, month, year, 0)
        assert to_gregorian(year, month, day) == dt.date(theirs[2], theirs[1], theirs[0]), year


def test_a_leap_year_keeps_the_festival_in_the_regular_month():
    """2028 has a leap 5th month (tháng 5 nhuận): lunar 15/5 is in the first, regular, 5th month."""
    leap_days = [d for d in (dt.date(2028, 1, 1) + dt.timedelta(n) for n in range(366)) if to_lunar(d).leap]
    assert {to_lunar(d).month for d in leap_days} == {5}
    regular = to_gregorian(2028, 5, 15)
    assert regular < leap_days[0] and not to_lunar(regular).leap


def test_day_30_of_a_29_day_month_is_its_last_day():
    """Tháng Chạp of lunar 2026 has 29 days: its "30th" is the 29th, the eve of Tết 2027, not Tết itself."""
    assert to_gregorian(2026, 12, 30) == TET[2027] - dt.timedelta(days=1)
    assert to_lunar(to_gregorian(2026, 12, 30)).day == 29
