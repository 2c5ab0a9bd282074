"""Events expanded into dated occurrences: each year's day of an anniversary, a yearly day or a lunar festival.

Lunar dates do not repeat by a Gregorian rule (RRULE), so every occurrence in a window is computed, once per
content version and day (sites/calendar/calendar_index.py), and feeds list them one by one.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sites.calendar.lunar import FIRST_YEAR, LAST_YEAR, LunarDateVN, to_gregorian, to_lunar
from sites.catalog.models import Event, EventKind
from sites.catalog.site import Site

NATIONAL = "quoc-gia"  # the owner part of a national day's key, where a site's slug stands otherwise


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One dated occurrence of an event: of `site`, or a national day (`site` None, `national` its event)."""

    start: dt.date
    days: int
    event: Event
    site: Site | None
    years: int | None  # an anniversary's number of years (`date` events), else None

    @property
    def kind(self) -> EventKind:
        return self.event.kind

    @property
    def last_day(self) -> dt.date:
        return self.start + dt.timedelta(days=self.days - 1)

    @property
    def lunar(self) -> LunarDateVN:
        """The lunar date of the first day."""
        return to_lunar(self.start)

    @property
    def key(self) -> str:
        """Stable across requests and content versions: the owner, the event's id and the day; feeds make
        their UID from it, so a phone calendar updates an occurrence instead of adding it again."""
        owner = self.site.slug if self.site else NATIONAL
        return f"{owner}-{self.event.id}-{self.start:%Y%m%d}"


def occurrences(event: Event, site: Site | None, first: dt.date, last: dt.date) -> Iterator[Occurrence]:
    """The occurrences of `event` that overlap `first`..`last` (both included), in date order."""
    for year in range(max(first.year - 1, FIRST_YEAR), min(last.year, LAST_YEAR) + 1):
        found = _in_year(event, year)
        if found is None:
            continue
        start, days, years = found
        if start <= last and start + dt.timedelta(days=days - 1) >= first:
            yield Occurrence(start, days, event, site, years)


def _in_year(event: Event, year: int) -> tuple[dt.date, int, int | None] | None:
    """The start, length and anniversary number of `event` in `year` (a lunar year for a lunar event)."""
    if event.lunar is not None:
        return to_gregorian(year, event.lunar.month, event.lunar.day), event.lunar.days, None
    if event.every_year is not None:
        month, day = map(int, event.every_year.split("-"))
        return dt.date(year, month, day), 1, None
    happened = event.date
    if year < happened.year:
        return None
    try:
        return happened.replace(year=year), 1, year - happened.year
    except ValueError:  # 29/2: the 28th in a common year
        return dt.date(year, 2, 28), 1, year - happened.year
