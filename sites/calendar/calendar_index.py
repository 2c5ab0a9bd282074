"""Every published event of the content and the national days, expanded for a window of days and sorted: what
the calendar page, the home page, a site page and the feeds read.

`CalendarIndex` is made once per registry (content version) and day by `Calendars`, in the thread that asks
first; at 10,000 sites with two events each it holds about 80,000 occurrences and takes about a second to make
(bench/calendar_feeds.py), so pages read it, never expand events themselves.
"""

import bisect
import datetime as dt
import threading
from collections.abc import Iterable
from operator import attrgetter
from typing import NamedTuple

from sites.calendar.national_days import national_days
from sites.calendar.occurrences import Occurrence, occurrences
from sites.catalog.models import MAX_EVENT_DAYS, EventKind
from sites.catalog.registry import Registry
from sites.catalog.site import Site
from sites.catalog.text import fold

FEED_YEARS = 3  # feeds expand the next three years: lunar dates have no RRULE
# A feed holds at most this many occurrences (about 5 MB plain, 0.5 MB gzipped, 4 s of writing): enough for the
# three years of a province's real relics, and what a phone calendar can still read; past it, the first days'.
FEED_EVENTS = 10_000


def window(today: dt.date) -> tuple[dt.date, dt.date]:
    """From the first day of this month (the calendar page shows it whole) to the last day of the same month
    three years on: the same all month long, so feeds written for it are kept a month (sites/calendar/ics.py)."""
    following = dt.date(today.year + FEED_YEARS + today.month // 12, today.month % 12 + 1, 1)
    return today.replace(day=1), following - dt.timedelta(days=1)


class FeedSelection(NamedTuple):
    """What one feed holds: each owner's occurrences in date order (a national day's owner is None), and, when the
    feed had to be cut to FEED_EVENTS, the last day it holds."""

    parts: list[tuple[Site | None, list[Occurrence]]]
    until: dt.date | None


class _SiteOccurrences(NamedTuple):
    """One site's occurrences in an index's window, by date, and the site they were read from."""

    site: Site
    items: list[Occurrence]


class CalendarIndex:
    """The occurrences of `window(today)`, by date then by name, and each site's own.

    With `previous` (the index of an earlier content version, for the same window), a site whose folder did not
    change keeps its occurrences from there: the site cache gives back the very same `Site` for it, so only the
    edited sites' events are read from disk. At 40,000 sites, reading every site's detail took 14 s of CPU after
    each edit, on the serving process; keeping the others' took 0.12 s."""

    def __init__(self, registry: Registry, today: dt.date, previous: "CalendarIndex | None" = None):
        self.today = today
        self.first, self.last = window(today)
        kept = previous._by_site if previous is not None and previous.first == self.first else {}
        found: list[Occurrence] = []
        same_days: dict[dt.date, dt.date] = {}
        for day in national_days():
            found += occurrences(day, None, self.first, self.last, same_days)
        self._by_site: dict[str, _SiteOccurrences] = {}  # every site with events, even with none in the window
        for site in (site for site in registry.all() if site.card.has_events):  # the others' detail stays on disk
            own = kept.get(site.slug)
            if own is None or own.site is not site:
                # read from the site cache; the occurrences keep none of it
                own = _SiteOccurrences(site, sorted((item for event in site.events
                                                     for item in occurrences(event, site, self.first, self.last,
                                                                             same_days)), key=attrgetter("start")))
            self._by_site[site.slug] = own
            found += own.items
        found.sort(key=attrgetter("start"))  # stable: on one day, national days, then sites by name (the registry's)
        self.all = found
        self._starts = [item.start for item in found]
        self._cut_days: dict[str | None, dt.date | None] = {}  # by folded province: a closed set

    def feed(self, province: str | None) -> FeedSelection:
        """The occurrences of the feed of `province`'s sites (None: every site's) and the national days: the whole
        window's or, past FEED_EVENTS, the first ones: whole days, unless a crowded day would leave out more than a
        tenth of FEED_EVENTS (then its first ones, in the index's order); a province's or a site's feed has the rest."""
        items, until = self._held(province)
        parts: dict[str | None, tuple[Site | None, list[Occurrence]]] = {}
        for item in items:
            owner = item.site.slug if item.site else None
            parts.setdefault(owner, (item.site, []))[1].append(item)
        return FeedSelection(list(parts.values()), until)

    def feed_until(self, province: str | None) -> dt.date | None:
        """The last day the feed of `province` (None: every site) holds when cut to FEED_EVENTS, else None."""
        key = fold(province) if province else None
        if key not in self._cut_days:
            self._held(province)
        return self._cut_days[key]

    def _held(self, province: str | None) -> tuple[list[Occurrence], dt.date | None]:
        items = filtered(self.all, province, None) if province else self.all
        until = None
        if len(items) > FEED_EVENTS:
            whole_days = bisect.bisect_left(items, items[FEED_EVENTS].start, hi=FEED_EVENTS, key=attrgetter("start"))
            items = items[:whole_days if whole_days >= FEED_EVENTS * 9 // 10 else FEED_EVENTS]
            until = items[-1].start
        self._cut_days[fold(province) if province else None] = until
        return items, until

    def between(self, first: dt.date, last: dt.date, province: str | None = None,
                kind: EventKind | None = None) -> list[Occurrence]:
        """Occurrences starting in `first`..`last`, of sites of `province` (national days everywhere) and `kind`."""
        low = bisect.bisect_left(self._starts, first)
        high = bisect.bisect_right(self._starts, last)
        return filtered(self.all[low:high], province, kind)

    def upcoming(self, count: int) -> list[Occurrence]:
        """The next `count` occurrences not over yet (one going on today counts)."""
        low = bisect.bisect_left(self._starts, self.today - dt.timedelta(days=10))
        found = []
        for item in self.all[low:]:
            if item.last_day >= self.today:
                found.append(item)
                if len(found) == count:
                    break
        return found

    def of_site(self, site: Site) -> list[Occurrence]:
        """`site`'s own occurrences in the window, by date."""
        own = self._by_site.get(site.slug)
        return own.items if own is not None else []

    def next_of(self, site: Site) -> Occurrence | None:
        """`site`'s next occurrence not over yet, if any."""
        return next((item for item in self.of_site(site) if item.last_day >= self.today), None)


def filtered(items: Iterable[Occurrence], province: str | None, kind: EventKind | None) -> list[Occurrence]:
    """`items` of sites of `province` (today's or former, folded; national days stay) and of `kind`."""
    key = fold(province) if province else None
    return [item for item in items if (kind is None or item.kind == kind)
            and (key is None or item.site is None or key in item.site.province_keys)]


class Calendars:
    """The index of the current registry and day, made once by the first request that needs it (from the last
    one's occurrences for the sites that did not change)."""

    def __init__(self) -> None:
        self._index: CalendarIndex | None = None
        self._registry: Registry | None = None
        self._lock = threading.Lock()

    def index(self, registry: Registry, today: dt.date) -> CalendarIndex:
        """The index of `registry` on `today`, made now if the content or the day changed."""
        with self._lock:
            kept = self._index
            if kept is None or self._registry is not registry or kept.today != today:
                kept = self._index = CalendarIndex(registry, today, previous=kept)
                self._registry = registry
            return kept


def next_of_site(site: Site, today: dt.date) -> Occurrence | None:
    """`site`'s next occurrence not over yet (one going on today counts), from its events alone: a site page
    needs no index of every site."""
    first, last = today - dt.timedelta(days=MAX_EVENT_DAYS), today + dt.timedelta(days=400)
    found = [item for event in site.events for item in occurrences(event, site, first, last)
             if item.last_day >= today]
    return min(found, key=lambda item: (item.start, item.event.id), default=None)


def events_between(sites: Iterable[Site], first: dt.date, last: dt.date) -> list[Occurrence]:
    """The national days' and `sites`' occurrences starting in `first`..`last`, by date (a month's report: no
    index of every site needed)."""
    found = [item for day in national_days() for item in occurrences(day, None, first, last)]
    found += [item for site in sites if site.card.has_events for event in site.events
              for item in occurrences(event, site, first, last)]
    return sorted((item for item in found if first <= item.start), key=attrgetter("start"))
