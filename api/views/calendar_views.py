"""What pages show of calendar occurrences: one row model for /calendar, the home page's "Sắp tới" and a site
page's next event (issue 24)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from api.views.view_models import site_path
from sites.calendar.labels import occurrence_text
from sites.calendar.occurrences import Occurrence
from sites.catalog.i18n import strings


@dataclass(frozen=True)
class EventRow:
    """One occurrence as a page shows it, in the visitor's language."""

    name: str
    name_lang: str  # the language the name is really in
    note: str | None
    kind: str
    kind_value: str
    dates: str  # "15/4 âm lịch · 20/5/2027"
    length: str | None
    years: str | None
    site_name: str | None  # None: a national day
    site_path: str | None
    start: dt.date
    today: bool


@dataclass(frozen=True)
class MonthRows:
    """A month's rows: the first of its `total` occurrences (at most the page's limit)."""

    title: str
    rows: list[EventRow]
    total: int


def event_row(item: Occurrence, lang: str, today: dt.date) -> EventRow:
    text = occurrence_text(item, lang)
    return EventRow(
        name=text.name, name_lang=text.content_lang, note=text.note, kind=text.kind, kind_value=item.kind.value,
        dates=text.dates, length=text.length, years=text.years,
        site_name=text.site_name, site_path=site_path(item.site.slug) if item.site else None,
        start=item.start, today=item.start <= today <= item.last_day)


def event_rows(items: Iterable[Occurrence], lang: str, today: dt.date) -> list[EventRow]:
    return [event_row(item, lang, today) for item in items]


def month_rows(items: list[Occurrence], month: dt.date, lang: str, today: dt.date, limit: int) -> MonthRows:
    """The first `limit` of a month's `items` as rows, titled "Tháng 5/2027"."""
    title = strings(lang)["calendar_month"].format(month=month.month, year=month.year)
    return MonthRows(title, event_rows(items[:limit], lang, today), len(items))
