"""What the journey pages and the journey API show, as view models built from a loaded journey: one shape
for the HTML (api/templates/journey*.html) and the JSON (/api/journeys...)."""

from pydantic import BaseModel, Field

from api.listing import SiteFilters
from api.views.schemas import CountsOut, LanguageTag, StatsOut
from api.views.view_models import site_path
from sites.catalog.i18n import COMPLETE_LANGUAGES, strings, travel_mode_label
from sites.catalog.journey_itinerary import journey_itinerary
from sites.catalog.journey_labels import arrival_label, minutes_label, total_label
from sites.catalog.journeys import Journey, JourneyRegistry
from sites.catalog.languages import SOURCE_LANGUAGE
from sites.catalog.site import Site
from sites.visits.visit import Counts


def journey_path(slug: str) -> str:
    """Path of a journey's canonical page."""
    return f"/journeys/{slug}"


class JourneyStopOut(BaseModel):
    number: int = Field(description="Place in the journey, from 1")
    slug: str = Field(description="The site's slug")
    name: str
    summary: str = Field(description="The site's summary, to its first clause")
    note: str | None = Field(description="What the journey says about this stop")
    url: str = Field(description="Absolute address of the site page")
    placed: bool = Field(description="False when the stop has no known place (none, or only the district centre)")
    km_from_previous: float | None = Field(description="Estimated road km from the previous stop; null: unknown")
    arrival: str = Field(description="The same, written for people (≈, or unknown)")


class JourneySummaryOut(BaseModel):
    slug: str
    code: str = Field(description="Short id printed in the journey's QR code (/j/CODE)")
    name: str
    summary: str
    province: str
    travel_mode: str = Field(description="walk, bicycle, motorbike, car or boat")
    travel_mode_label: str
    stop_count: int
    url: str = Field(description="Absolute address of the journey page")
    lang: LanguageTag = Field(description="Language of the interface labels (BCP 47)")
    content_lang: LanguageTag = Field(description="Language the texts are really in (BCP 47)")


class JourneyOut(JourneySummaryOut):
    intro_html: str = Field(description="The journey's introduction as sanitised HTML")
    start_name: str | None = Field(description="Where the group meets, if stated")
    duration_hours: float | None = Field(description="The organisers' estimate of the whole outing")
    known_km: float = Field(description="Sum of the known legs (a lower bound when `complete` is false)")
    complete: bool = Field(description="True when every leg's distance is known")
    total: str = Field(description="Distance and time for people: estimates, labelled as such")
    outing: str | None = Field(description="The whole outing's duration, written for people")
    stops: list[JourneyStopOut]
    qr_url: str = Field(description="What the journey's QR code encodes")
    leaflet_url: str = Field(description="The printable leaflet (PDF)")
    geojson_url: str


class JourneyListOut(BaseModel):
    count: int
    journeys: list[JourneySummaryOut]


class OutingFiguresOut(BaseModel):
    """The class outings of one journey (issue 14), from the outing store's summary."""

    outings: int = Field(description="Class outings on the journey, as long as their data is kept")
    students: int = Field(description="Students (passports) of those outings")
    completed: int = Field(description="Students with every stop stamped and every quiz question answered")
    completion_rate: float = Field(description="completed / students, 0 without students")
    average_score: float = Field(description="Right answers per student, on average; 0 without students")


class JourneyStatsOut(CountsOut):
    slug: str
    code: str
    name: str
    url: str
    class_outings: OutingFiguresOut


class StatsWithJourneysOut(StatsOut):
    journeys: list[JourneyStatsOut] = Field(
        description="Every published journey: scans of its QR code (/j/CODE) and views of its page; not in `total`")


class PartOfOut(BaseModel):
    """A journey through the site shown: "Điểm 2/5" with the previous and next stops."""

    name: str
    url: str
    label: str
    previous: tuple[str, str] | None  # (name, path)
    next: tuple[str, str] | None


def journey_language(lang: str) -> str:
    """The language a journey's labels can be written in: `lang` when the interface is complete in it,
    else Vietnamese (the distance and travel-mode words exist in the complete languages only)."""
    return lang if lang in COMPLETE_LANGUAGES else SOURCE_LANGUAGE


def filter_journeys(journeys: JourneyRegistry, filters: SiteFilters) -> list[Journey]:
    """The published journeys matching the list filters of `/` (api/listing.py): of the province asked for,
    and passing through at least one site of the category asked for."""
    found = journeys.filter(filters.province)
    if filters.category is None:
        return found
    return [journey for journey in found if any(stop.site.card.category == filters.category for stop in journey.stops)]


def journey_summary_out(journey: Journey, lang: str, base_url: str) -> JourneySummaryOut:
    lang = journey_language(lang)
    text = journey.localized(lang)
    return JourneySummaryOut(
        slug=journey.slug, code=journey.code, name=text.name, summary=text.summary, province=journey.meta.province,
        travel_mode=journey.meta.travel_mode.value, travel_mode_label=travel_mode_label(journey.meta.travel_mode, lang),
        stop_count=len(journey.stops), url=base_url + journey_path(journey.slug), lang=lang,
        content_lang=text.content_lang,
    )


def journey_out(journey: Journey, lang: str, base_url: str, qr_url: str) -> JourneyOut:
    """Everything the journey page shows, in `lang`; `qr_url` is what its QR code encodes."""
    lang = journey_language(lang)
    plan = journey_itinerary(journey)
    hours = journey.meta.duration_hours
    stops = [
        JourneyStopOut(
            number=stop.number, slug=stop.site.slug, name=stop.site.localized(lang).name,
            summary=stop.short_summary(lang), note=stop.note(lang), url=base_url + site_path(stop.site.slug),
            placed=point is not None,
            km_from_previous=None if arrival is None or arrival.km is None else round(arrival.km, 2),
            arrival=arrival_label(stop.number, arrival, lang),
        )
        for stop, point, arrival in zip(journey.stops, plan.points, plan.arrivals, strict=True)
    ]
    path = journey_path(journey.slug)
    return JourneyOut(
        **journey_summary_out(journey, lang, base_url).model_dump(),
        intro_html=journey.body_html(lang), start_name=journey.localized(lang).start_name, duration_hours=hours,
        known_km=round(plan.itinerary.known_km, 2), complete=plan.itinerary.complete,
        total=total_label(plan.itinerary, lang), outing=minutes_label(hours * 60, lang) if hours else None,
        stops=stops, qr_url=qr_url, leaflet_url=f"{base_url}{path}.pdf", geojson_url=f"{base_url}/api{path}.geojson",
    )


def part_of(journeys: list[Journey], site: Site, lang: str) -> list[PartOfOut]:
    """The "Thuộc hành trình / Part of" box of a site page: each journey through `site`, its stop number
    and the stops before and after it."""
    lang = journey_language(lang)
    texts = strings(lang)
    boxes = []
    for journey in journeys:
        stop = journey.stop_of(site)
        if stop is None:
            continue
        before = journey.stops[stop.number - 2] if stop.number > 1 else None
        after = journey.stops[stop.number] if stop.number < len(journey.stops) else None
        boxes.append(PartOfOut(
            name=journey.localized(lang).name, url=journey_path(journey.slug),
            label=texts["journey_stop_of"].format(n=stop.number, total=len(journey.stops)),
            previous=(before.site.localized(lang).name, site_path(before.site.slug)) if before else None,
            next=(after.site.localized(lang).name, site_path(after.site.slug)) if after else None,
        ))
    return boxes


def journeys_with_counts(journeys: list[Journey], totals: dict[str, Counts]) -> list[tuple[Journey, Counts]]:
    """Each journey with its all-time counts, most scanned first (then by name)."""
    rows = [(journey, journey_counts(totals, journey)) for journey in journeys]
    return sorted(rows, key=lambda row: (-row[1].scans, -row[1].views))


def journey_counts(totals: dict[str, Counts], journey: Journey) -> Counts:
    """A journey's all-time counts: visits are stored under its slug (slugs and codes share the sites'
    namespace, so they never mix with a site's), gathered over its other keys too."""
    return sum((totals.get(key, Counts()) for key in journey.keys()), Counts())

