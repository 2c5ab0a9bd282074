"""Calendar feeds as iCalendar (RFC 5545), written with the `icalendar` library: one all-day VEVENT per
occurrence (DATE values, so no VTIMEZONE), its UID made from the occurrence's key, so a phone calendar that
subscribes updates an occurrence instead of adding it twice, whatever the request or content version.

`icalendar` takes about 0.35 ms to write one event (bench/calendar_feeds.py): 80,000 occurrences of 10,000 sites
would take half a minute. So the work is split: `feed_events` turns occurrences into plain `FeedEvent`s (cheap,
in the server), `vevents` writes each site's events in a worker process (api/caches/calendar_feeds.py), once per
site and month, and `feed` puts a calendar's header (`feed_header`, written there too: the server never loads
`icalendar`, issue 27) around the written events: a content edit or a province's
feed writes only what changed. Texts are in Vietnamese, with the site's URL and address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from sites.calendar.labels import occurrence_text
from sites.calendar.occurrences import Occurrence
from sites.catalog.languages import SOURCE_LANGUAGE

if TYPE_CHECKING:
    from icalendar import Event

PRODUCT = "-//Dia chi do//Lich di tich//VI"
REFRESH = dt.timedelta(days=1)  # how often a subscribed calendar should fetch the feed again
END = b"END:VCALENDAR\r\n"
MEDIA_TYPE = "text/calendar; charset=utf-8"


@dataclass(frozen=True)
class FeedEvent:
    """What one VEVENT says, as plain values (picklable: it goes to the worker process)."""

    uid: str
    start: dt.date
    days: int
    summary: str
    description: str
    url: str
    category: str
    location: str | None = None
    geo: tuple[float, float] | None = None


def feed_events(items: Iterable[Occurrence], base_url: str, calendar_url: str) -> list[FeedEvent]:
    """The events of `items`, in Vietnamese; `calendar_url` is the URL of a national day (no site)."""
    host = urlsplit(base_url).hostname or "localhost"
    found = []
    for item in items:
        text = occurrence_text(item, SOURCE_LANGUAGE)
        site = item.site
        url = f"{base_url}/sites/{site.slug}" if site else calendar_url
        details = " · ".join(part for part in (text.kind, text.dates, text.length, text.years) if part)
        location = geo = None
        if site is not None:
            location = site.card.place
            geo = (site.card.location.lat, site.card.location.lon) if site.card.location else None
        found.append(FeedEvent(
            uid=f"{item.key}@{host}", start=item.start, days=item.days,
            summary=f"{text.name} · {text.site_name}" if text.site_name else text.name,
            description="\n".join(part for part in (details, text.note, url) if part),
            url=url, category=text.kind, location=location, geo=geo))
    return found


def vevents(groups: Sequence[Sequence[FeedEvent]], stamp: dt.datetime) -> list[bytes]:
    """Each group's events written as VEVENTs (one bytes per group); `stamp` (UTC) is their DTSTAMP."""
    return [b"".join(_event(event, stamp).to_ical() for event in group) for group in groups]


def cut_note(until: dt.date | None) -> str | None:
    """What a feed cut to its first events (up to `until`) says of itself; None for a whole feed."""
    if until is None:
        return None
    day = f"{until.day}/{until.month}/{until.year}"
    return (f"Lịch này có quá nhiều sự kiện: chỉ gồm những sự kiện đầu tiên, đến ngày {day}. Hãy chọn một tỉnh, hoặc "
            f"một di tích, để có đủ ba năm. / This calendar has too many events: it holds only the first ones, up to "
            f"{day}. Choose a province, or a site, for all three years.")


def feed_header(name: str, note: str | None = None) -> bytes:
    """What a calendar named `name` holds before its events, with `note` as its description (in the worker
    process, as `vevents`)."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    if note:
        calendar.add("description", note)
        calendar.add("x-wr-caldesc", note)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "P1D")
    header = calendar.to_ical()
    assert header.endswith(END)
    return header.removesuffix(END)


def feed(header: bytes, written: Iterable[bytes]) -> bytes:
    """A whole calendar: its `feed_header` around events written by `vevents`."""
    return b"".join([header, *written, END])


def _event(item: FeedEvent, stamp: dt.datetime) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", item.start)
    event.add("dtend", item.start + dt.timedelta(days=item.days))
    event.add("summary", item.summary)
    event.add("description", item.description)
    event.add("categories", [item.category])
    event.add("url", item.url)
    event.add("transp", "TRANSPARENT")
    if item.location:
        event.add("location", item.location)
    if item.geo:
        event.add("geo", item.geo)
    return event
