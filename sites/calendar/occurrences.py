"""Events expanded into dated occurrences: each year's day of an anniversary, a yearly day or a lunar festival.

Lunar dates do not repeat by a Gregorian rule (RRULE), so every occurrence in a window is computed, once per
content version and day (sites/calendar/calendar_index.py), and feeds list them one by one. An occurrence keeps
what dates it and names its event (`EventRef`, shared by the event's occurrences), not the event itself: at 40,000
sites the pydantic events would keep every site's events in memory (issue 27); names and notes are read from the
site's detail when shown (`Site.event_texts`).
"""

import datetime as dt
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

from sites.calendar.lunar import FIRST_YEAR, LAST_YEAR, LunarDateVN, to_gregorian, to_lunar
from sites.calendar.national_days import NationalDay
from sites.catalog.models import Event, EventKind
from sites.catalog.site import Site

NATIONAL = "quoc-gia"  # the owner part of a national day's key, where a site's slug stands otherwise


class EventRef(NamedTuple):
    """What the occurrences of one event share: its id and kind, whether it follows the lunar calendar, and for a
    national day the day itself (its names in every language; a site event's are read from the site)."""

    id: str
    kind: EventKind
    by_lunar: bool
    national: NationalDay | None = None

    @classmethod
    def of(cls, event: Event) -> "EventRef":
        national = event if isinstance(event, NationalDay) else None
        return cls(sys.intern(event.id), event.kind, event.lunar is not None, national)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One dated occurrence of an event: of `site`, or a national day (`site` None, `event.national` the day)."""

    start: dt.date
    days: int
    event: EventRef
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


def occurrences(event: Event, site: Site | None, first: dt.date, last: dt.date,
                same_days: dict[dt.date, dt.date] | None = None) -> Iterator[Occurrence]:
    """The occurrences of `event` that overlap `first`..`last` (both included), in date order; with `same_days`,
    occurrences on one day share one date object (an index of every site holds hundreds a day)."""
    ref = EventRef.of(event)
    for year in range(max(first.year - 1, FIRST_YEAR), min(last.year, LAST_YEAR) + 1):
        found = _in_year(event, year)
        if found is None:
            continue
        start, days, years = found
        if start <= last and start + dt.timedelta(days=days - 1) >= first:
            if same_days is not None:
                start = same_days.setdefault(start, start)
            yield Occurrence(start, days, ref, site, years)


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
