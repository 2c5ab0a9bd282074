"""A journey's leaflet from its loaded content: the texts qr/leaflets.py prints, with the QR payloads.

Not a router: the CLI calls it today, and `/journeys/{slug}.pdf` will be a thin call to `journey_leaflet`.
"""

from api.settings import Settings
from qr.codes import scan_url
from qr.leaflets import LeafletFormat, LeafletStop, LeafletText, leaflet
from sites.itinerary import arrival_label, journey_itinerary, minutes_label, total_label
from sites.journeys import Journey
from sites.languages import SOURCE_LANGUAGE

STOPS = {"vi": "{n} điểm", "en": "{n} stops"}
OUTING = {"vi": "cả chuyến {time}", "en": "whole outing {time}"}


def journey_scan_url(journey: Journey, settings: Settings) -> str:
    """What the journey's QR code encodes: `BASE_URL/j/CODE`."""
    return scan_url(settings.base_url, journey.code, settings.qr_uppercase, prefix="j")


def leaflet_text(journey: Journey, settings: Settings, lang: str = SOURCE_LANGUAGE) -> LeafletText:
    """The journey's leaflet texts in `lang`; each stop's QR encodes its site's `/q/CODE`."""
    localized = journey.localized(lang)
    plan = journey_itinerary(journey)
    facts = [localized.travel_mode_label, STOPS[lang].format(n=len(journey.stops)), total_label(plan.itinerary, lang)]
    if journey.meta.duration_hours:
        facts.append(OUTING[lang].format(time=minutes_label(journey.meta.duration_hours * 60, lang)))
    stops = []
    for stop, point, arrival in zip(journey.stops, plan.points, plan.arrivals, strict=True):
        note = stop.note(lang)
        stops.append(LeafletStop(
            number=stop.number,
            name=stop.site.localized(lang).name,
            summary=f"{stop.short_summary(lang)} {note}" if note else stop.short_summary(lang),
            distance=arrival_label(stop.number, arrival, lang),
            url=scan_url(settings.base_url, stop.site.code, settings.qr_uppercase),
            point=(point.lat, point.lon) if point else None,
        ))
    return LeafletText(
        title=localized.name,
        summary=localized.summary,
        facts=" · ".join(facts),
        url=journey_scan_url(journey, settings),
        organisation=settings.organisation,
        stops=tuple(stops),
        logo=settings.organisation_logo,
    )


def journey_leaflet(journey: Journey, settings: Settings, fmt: LeafletFormat = LeafletFormat.a4,
                    lang: str = SOURCE_LANGUAGE) -> bytes:
    """The journey's leaflet as PDF bytes (about 60 ms for 30 stops: call it off the event loop)."""
    return leaflet(leaflet_text(journey, settings, lang), fmt)


