"""How an occurrence reads in a language: its name, its site, its kind, and its dates side by side
("15/4 âm lịch · 20/5/2027"), from the interface strings (sites/catalog/locales)."""

import datetime as dt
from dataclasses import dataclass

from sites.calendar.lunar import LunarDateVN
from sites.calendar.occurrences import Occurrence
from sites.catalog.i18n import strings
from sites.catalog.models import EventKind


@dataclass(frozen=True)
class OccurrenceText:
    """What a page or a feed says of one occurrence, in `lang` (`content_lang`: the language of its name)."""

    name: str
    note: str | None
    content_lang: str
    site_name: str | None
    kind: str
    dates: str  # the first day's dates, the lunar one first for a lunar event: "15/4 âm lịch · 20/5/2027"
    length: str | None  # "2 ngày" for a festival of more than a day
    years: str | None  # "80 năm" for an anniversary


def kind_label(kind: EventKind, lang: str) -> str:
    """For example "Lễ hội", "Festival"."""
    return strings(lang)[f"event_kind.{kind.value}"]


def gregorian_label(day: dt.date, lang: str) -> str:
    return strings(lang)["gregorian_date"].format(day=day.day, month=day.month, year=day.year)


def lunar_label(day: LunarDateVN, lang: str) -> str:
    return strings(lang)["lunar_date_leap" if day.leap else "lunar_date"].format(day=day.day, month=day.month)


def occurrence_text(item: Occurrence, lang: str) -> OccurrenceText:
    """`item` in `lang`; names fall back to Vietnamese (a site's translation, a national day's `translations`)."""
    texts = strings(lang)
    if item.site is not None:
        text = item.site.event_texts(lang)[item.event.id]
        site_name = item.site.localized(lang).name
    else:
        text, site_name = item.event.national.text(lang), None
    gregorian, lunar = gregorian_label(item.start, lang), lunar_label(item.lunar, lang)
    dates = f"{lunar} · {gregorian}" if item.event.by_lunar else f"{gregorian} · {lunar}"
    return OccurrenceText(
        name=text.name, note=text.note, content_lang=text.lang, site_name=site_name,
        kind=kind_label(item.kind, lang), dates=dates,
        length=texts["event_days"].format(count=item.days) if item.days > 1 else None,
        years=texts["event_years"].format(years=item.years) if item.years else None,
    )
