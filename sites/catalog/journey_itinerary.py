"""Distances and travel times between a journey's stops, estimated honestly.

A leg's distance is the straight line between two stops (haversine) times a road factor for the travel
mode, because roads, paths and canals wind; studies of road networks find straight-to-road ratios of
about 1.2-1.5 (Ballou, Rahardja and Sakai, "Selected country circuity factors for road travel distance
estimation", Transportation Research A 36, 2002). Every figure is an estimate and is labelled "≈"
(sites/catalog/journey_labels.py writes them, in the words of the Babel catalogues).

Which points are known (decided for issue 13):
- `exact` and `approximate` points are used. An approximate point is near the site itself (its
  neighbourhood), an error of the same order as the road factor's, so the leg's figure is still honest.
- A `district` point is the district centre, not the site: four Ô Môn sites share one, and "0 km" or
  "2.2 km" between them would be false. Such a leg, like one to a stop without coordinates, is unknown.
The total of a journey with unknown legs is only a lower bound ("at least ≈ X km") or, when no leg is
known, unknown: never a number that looks complete.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sites.catalog.journey_models import TravelMode
from sites.catalog.journeys import Journey
from sites.catalog.models import KNOWN_PRECISIONS, Location
from sites.catalog.registry import distance_km

# Road distance / straight-line distance. Paths on foot and by bicycle cut corners that cars cannot;
# boats follow rivers and canals, which wind most.
ROAD_FACTORS: dict[TravelMode, float] = {
    TravelMode.walk: 1.3,
    TravelMode.bicycle: 1.3,
    TravelMode.motorbike: 1.3,
    TravelMode.car: 1.4,
    TravelMode.boat: 1.5,
}
# Average speeds of a group (a class with its teacher), in km/h, stops excluded: a group walks slower
# than one adult (5 km/h); motorbikes and cars keep to rural and town limits (40-60 km/h) with traffic.
SPEEDS_KMH: dict[TravelMode, float] = {
    TravelMode.walk: 4.0,
    TravelMode.bicycle: 12.0,
    TravelMode.motorbike: 30.0,
    TravelMode.car: 40.0,
    TravelMode.boat: 10.0,
}


@dataclass(frozen=True)
class Point:
    """A known position in degrees (WGS 84)."""

    lat: float
    lon: float


@dataclass(frozen=True)
class Leg:
    """The way from one point to the next: estimated road km and minutes, both None when unknown."""

    km: float | None
    minutes: float | None

    @property
    def known(self) -> bool:
        return self.km is not None


@dataclass(frozen=True)
class Itinerary:
    """The legs between consecutive points, and their sum.

    `known_km` and `known_minutes` add up the known legs only; they are the total when `complete`,
    and a lower bound otherwise.
    """

    mode: TravelMode
    legs: tuple[Leg, ...]

    @property
    def unknown_legs(self) -> int:
        return sum(not leg.known for leg in self.legs)

    @property
    def complete(self) -> bool:
        return self.unknown_legs == 0

    @property
    def known_km(self) -> float:
        return sum(leg.km for leg in self.legs if leg.km is not None)

    @property
    def known_minutes(self) -> float:
        return sum(leg.minutes for leg in self.legs if leg.minutes is not None)


@dataclass(frozen=True)
class JourneyItinerary:
    """A journey's itinerary with, for each stop in order, the leg that arrives there.

    `arrivals[0]` is the leg from the start point, or None when the journey has none.
    """

    itinerary: Itinerary
    arrivals: tuple[Leg | None, ...]
    points: tuple[Point | None, ...]  # of the stops, in order; None where unknown


def known_point(location: Location | None) -> Point | None:
    """The location as a point that distances may use, or None (no coordinates, or only the district centre)."""
    if location is None or location.precision not in KNOWN_PRECISIONS:
        return None
    return Point(location.lat, location.lon)


def leg(start: Point | None, end: Point | None, mode: TravelMode) -> Leg:
    """The estimated leg from `start` to `end`: unknown if either point is."""
    if start is None or end is None:
        return Leg(None, None)
    km = distance_km(start.lat, start.lon, end.lat, end.lon) * ROAD_FACTORS[mode]
    return Leg(km, km / SPEEDS_KMH[mode] * 60)


def itinerary(points: Sequence[Point | None], mode: TravelMode) -> Itinerary:
    """The legs between each point and the next, in order."""
    return Itinerary(mode, tuple(leg(a, b, mode) for a, b in zip(points, points[1:], strict=False)))


def journey_itinerary(journey: Journey) -> JourneyItinerary:
    """The journey's legs from its start point (if any) through every stop in order."""
    points = tuple(known_point(stop.site.card.location) for stop in journey.stops)
    start = journey.meta.start
    route = ([known_point(start.location)] if start else []) + list(points)
    plan = itinerary(route, journey.meta.travel_mode)
    arrivals = plan.legs if start else (None, *plan.legs)
    return JourneyItinerary(plan, arrivals, points)

