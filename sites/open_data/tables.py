"""The tables of the open data: for each, its columns (which become its Table Schema) and its rows, from the
loaded content and the visit store. A column is declared once, so the schema and the file cannot disagree."""

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from sites.catalog.journey_models import TravelMode
from sites.catalog.journeys import JourneyRegistry
from sites.catalog.models import Category, LocationPrecision, RecognitionLevel
from sites.catalog.photos import variant_name, variant_widths
from sites.catalog.registry import Registry, SiteNotFound
from sites.visits.store import VisitStore

VISIT_DAYS = 365  # the daily totals cover the last year of complete days: the file stays small


@dataclass(frozen=True)
class Column:
    """A column of a table: its Table Schema field (name, type, description, constraints)."""

    name: str
    type: str
    description: str
    required: bool = False
    enum: tuple[str, ...] = ()
    minimum: int | None = None

    def schema(self) -> dict:
        constraints: dict = {}
        if self.required:
            constraints["required"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if self.minimum is not None:
            constraints["minimum"] = self.minimum
        return {"name": self.name, "type": self.type, "description": self.description,
                **({"constraints": constraints} if constraints else {})}


@dataclass(frozen=True)
class Table:
    """A CSV resource: its columns, primary key and description."""

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = field(default=())

    def schema(self) -> dict:
        return {"fields": [column.schema() for column in self.columns], "primaryKey": list(self.primary_key),
                "missingValues": [""]}

    def csv(self, rows: Iterable[dict]) -> bytes:
        """The rows as UTF-8 CSV with a header row; None is an empty cell, booleans `true`/`false`."""
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([column.name for column in self.columns])
        for row in rows:
            writer.writerow([_cell(row.get(column.name)) for column in self.columns])
        return out.getvalue().encode()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _values(kind: type) -> tuple[str, ...]:
    return tuple(member.value for member in kind)


SITES = Table("sites", "Di tích / Sites", "Mỗi di tích đã công bố, một dòng cho mỗi ngôn ngữ có bài viết / every "
              "published site, one row per language its text is written in", (
    Column("slug", "string", "Stable id of the site (its page: /sites/SLUG)", required=True),
    Column("lang", "string", "BCP 47 tag of the row's language (vi: the source text)", required=True),
    Column("code", "string", "Short id printed in the plaque's QR code (/q/CODE)", required=True),
    Column("name", "string", "Name in this language", required=True),
    Column("summary", "string", "One or two sentences in this language", required=True),
    Column("translation_reviewed", "boolean", "False while a translation awaits a native speaker's review",
           required=True),
    Column("category", "string", "Kind of site", required=True, enum=_values(Category)),
    Column("province", "string", "Province or centrally-run city today (after 1 July 2025)", required=True),
    Column("former_province", "string", "Province before 1 July 2025, when different"),
    Column("address", "string", "Address as the sources write it"),
    Column("lat", "number", "Latitude (WGS 84); empty while unknown"),
    Column("lon", "number", "Longitude (WGS 84); empty while unknown"),
    Column("location_precision", "string", "How exact the point is", enum=_values(LocationPrecision)),
    Column("recognition_level", "string", "Level of the state's recognition as a relic",
           enum=_values(RecognitionLevel)),
    Column("recognition_year", "integer", "Year of the recognition decision"),
    Column("recognition_kind", "string", "Type of relic (history, history-culture, architecture-art, archaeology, "
           "landscape); several are separated by ';'"),
    Column("recognition_decision", "string", "Number and date of the decision, as written"),
    Column("wikidata", "string", "The site's Wikidata item (Q-number)"),
    Column("url", "string", "Address of the site's page in this language", required=True),
), ("slug", "lang"))

PHOTOS = Table("photos", "Ảnh / Photos", "Ảnh của các di tích; mỗi ảnh giữ tác giả và giấy phép riêng, không theo "
               "giấy phép của gói / the sites' photos; each keeps its own credit and licence, not the package's", (
    Column("slug", "string", "The site the photo shows", required=True),
    Column("position", "integer", "Place among the site's photos, from 1 (1 leads)", required=True, minimum=1),
    Column("url", "string", "Address of the photo, 1200 px wide at most", required=True),
    Column("caption", "string", "Caption in Vietnamese", required=True),
    Column("caption_en", "string", "Caption in English"),
    Column("credit", "string", "Who took the photo, and its licence, as the site's editors wrote it", required=True),
    Column("licence", "string", "The photo's licence, when stated on its own"),
    Column("licence_url", "string", "Address of that licence's text"),
), ("slug", "position"))

JOURNEYS = Table("journeys", "Hành trình / Journeys", "Mỗi điểm dừng của mỗi hành trình đã công bố, theo thứ tự / "
                 "every stop of every published journey, in order", (
    Column("journey_slug", "string", "Stable id of the journey (its page: /journeys/SLUG)", required=True),
    Column("journey_code", "string", "Short id printed in the journey's QR code (/j/CODE)", required=True),
    Column("journey_name", "string", "Name of the journey in Vietnamese", required=True),
    Column("province", "string", "Province or centrally-run city today", required=True),
    Column("travel_mode", "string", "How the group travels", required=True, enum=_values(TravelMode)),
    Column("stop", "integer", "Number of the stop, from 1", required=True, minimum=1),
    Column("site_slug", "string", "The site of this stop (the `slug` of sites.csv)", required=True),
    Column("site_name", "string", "Name of the site in Vietnamese", required=True),
), ("journey_slug", "stop"))

VISITS = Table("visits-daily", "Lượt ghé thăm theo ngày / Daily visits", "Lượt quét và lượt xem mỗi ngày (giờ Việt "
               "Nam) của mỗi di tích, trong một năm đến hôm qua; ngày không có lượt nào thì không có dòng / scans and "
               "views per site and day (Vietnam time) over the year up to yesterday; days without visits have no row", (
    Column("date", "date", "The day, in Vietnam time", required=True),
    Column("slug", "string", "The site (the `slug` of sites.csv)", required=True),
    Column("scans", "integer", "Counted plaque scans", required=True, minimum=0),
    Column("views", "integer", "Counted page views", required=True, minimum=0),
    Column("unique_visitors", "integer", "Distinct visitors that day", required=True, minimum=0),
), ("date", "slug"))


def site_rows(registry: Registry, base_url: str) -> Iterator[dict]:
    """A row per published site and language of its text, Vietnamese first."""
    for site in registry.all():
        meta, location, recognition = site.meta, site.card.location, site.meta.recognition
        shared = {
            "slug": site.slug, "code": site.code, "category": meta.category.value, "province": meta.address.province,
            "former_province": meta.address.former_province, "address": meta.address.text,
            "lat": location.lat if location else None, "lon": location.lon if location else None,
            "location_precision": location.precision.value if location else None,
            "recognition_level": recognition.level.value if recognition else None,
            "recognition_year": recognition.year if recognition else None,
            "recognition_kind": _joined(recognition.kind) if recognition else None,
            "recognition_decision": recognition.decision if recognition else None,
            "wikidata": meta.wikidata,
        }
        for lang in site.languages:
            text = site.localized(lang)
            yield {**shared, "lang": lang, "name": text.name, "summary": text.summary,
                   "translation_reviewed": text.reviewed, "url": f"{base_url}/sites/{site.slug}?lang={lang}"}


def _joined(kind: object) -> str | None:
    """A relic kind, or several, as written in the column."""
    if kind is None:
        return None
    kinds = kind if isinstance(kind, list | tuple) else [kind]
    return ";".join(getattr(item, "value", str(item)) for item in kinds) or None


def photo_rows(registry: Registry, base_url: str) -> Iterator[dict]:
    """A row per photo of each published site, in the site's order; its address is the largest variant the site
    page offers (`/photos/SLUG/NAME`, as api/views/view_models.py serves it)."""
    for site in registry.all():
        for position, (photo, stored) in enumerate(zip(site.meta.photos, site.photos, strict=True), start=1):
            name = variant_name(stored, variant_widths(stored)[-1])
            yield {"slug": site.slug, "position": position, "url": f"{base_url}/photos/{site.slug}/{name}",
                   "caption": photo.caption, "caption_en": photo.caption_en, "credit": photo.credit,
                   "licence": photo.licence, "licence_url": photo.licence_url}


def journey_rows(journeys: JourneyRegistry) -> Iterator[dict]:
    """A row per stop of each published journey, in order."""
    for journey in journeys.all():
        meta = journey.meta
        for stop in journey.stops:
            yield {"journey_slug": journey.slug, "journey_code": journey.code, "journey_name": meta.name,
                   "province": meta.province, "travel_mode": meta.travel_mode.value, "stop": stop.number,
                   "site_slug": stop.site.slug, "site_name": stop.site.card.name}


def visit_rows(store: VisitStore, registry: Registry, last_day: date) -> list[dict]:
    """The counted visits of each published site per day, for VISIT_DAYS days up to `last_day`; visits kept under
    an old slug (now an alias) are counted with the site."""
    totals: dict[tuple[date, str], list[int]] = {}
    for stored_slug, days in store.daily(last_day - timedelta(days=VISIT_DAYS - 1), last_day).items():
        try:
            slug = registry.resolve(stored_slug).slug
        except SiteNotFound:  # a journey's visits, or a site no longer published
            continue
        for day, counts in days.items():
            row = totals.setdefault((day, slug), [0, 0, 0])
            row[0] += counts.scans
            row[1] += counts.views
            row[2] += counts.unique_visitors
    return [{"date": day.isoformat(), "slug": slug, "scans": scans, "views": views, "unique_visitors": visitors}
            for (day, slug), (scans, views, visitors) in sorted(totals.items())]
