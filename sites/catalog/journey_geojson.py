"""A journey as GeoJSON (RFC 7946): the route as a LineString and each stop as a numbered Point.

Pure: a journey in, a dict out (the route serialises it). Positions are [lon, lat]. Only known points
(see sites/catalog/journey_itinerary.py) are placed: a stop without coordinates or only at its district centre has a
null geometry, so a map lists it without drawing it anywhere false, and the line joins the known
points in order.
"""

from collections.abc import Callable

from sites.catalog.journey_itinerary import Point, journey_itinerary, known_point
from sites.catalog.journeys import Journey


def site_path(slug: str) -> str:
    """The site page's path, as the stops' `url` property."""
    return f"/sites/{slug}"


def journey_geojson(journey: Journey, lang: str, url: Callable[[str], str] = site_path) -> dict:
    """The FeatureCollection of `journey`: the start point (if any), one Point per stop, then the route."""
    plan = journey_itinerary(journey)
    localized = journey.localized(lang)
    features = []
    start = journey.meta.start
    start_point = known_point(start.location) if start else None
    if start:
        features.append(_feature(start_point, {"kind": "start", "number": 0, "name": localized.start_name}))
    for stop, point, arrival in zip(journey.stops, plan.points, plan.arrivals, strict=True):
        site = stop.site.localized(lang)
        location = stop.site.card.location
        features.append(_feature(point, {
            "kind": "stop",
            "number": stop.number,
            "name": site.name,
            "slug": stop.site.slug,
            "url": url(stop.site.slug),
            "summary": site.summary,
            "note": stop.note(lang),
            "precision": location.precision.value if location else None,
            "km_from_previous": _rounded(arrival.km) if arrival else None,
        }))
    route = [point for point in ([start_point] if start else []) + list(plan.points) if point]
    if len(route) >= 2:
        features.append({
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [_position(point) for point in route]},
            "properties": {
                "kind": "route",
                "name": localized.name,
                "slug": journey.slug,
                "travel_mode": journey.meta.travel_mode.value,
                "approximate": True,
                "known_km": _rounded(plan.itinerary.known_km),
                "complete": plan.itinerary.complete,
                "stops_not_placed": [
                    stop.number for stop, point in zip(journey.stops, plan.points, strict=True) if not point
                ],
            },
        })
    return {"type": "FeatureCollection", "features": features}


def _feature(point: Point | None, properties: dict) -> dict:
    geometry = {"type": "Point", "coordinates": _position(point)} if point else None
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def _position(point: Point) -> list[float]:
    return [round(point.lon, 6), round(point.lat, 6)]


def _rounded(km: float | None) -> float | None:
    return None if km is None else round(km, 2)
