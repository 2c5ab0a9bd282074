"""Where the placed sites are (issue 27): the sites nearest a point, found among the points of its neighbourhood.

A site page lists the sites near it. Measuring the distance to every placed site on each page read all of
them (40,000 haversines, then sorting those in reach: many sites share a district centre). Here the sites are
grouped by point (sites at one district centre are one point) and the points by cells of CELL_DEGREES; a page
measures the distances to the points of the cells that can be in reach only, and takes from each point its
first sites in name order.
"""

import math

import numpy

CELL_DEGREES = 0.5  # about 55 km of latitude: a 50 km reach spans 2 or 3 cells each way
EARTH_KM = 6371.0
COLUMNS = round(360 / CELL_DEGREES)


class PlaceIndex:
    """The points of sites numbered 0, 1, … (`points`, latitude and longitude in degrees, in name order)."""

    def __init__(self, points: list[tuple[float, float]]):
        numbers: dict[tuple[float, float], list[int]] = {}
        for number, point in enumerate(points):
            numbers.setdefault(point, []).append(number)
        self._numbers = list(numbers.values())  # the sites at each point, in name order
        self._lat = numpy.radians([lat for lat, _ in numbers])
        self._lon = numpy.radians([lon for _, lon in numbers])
        cells: dict[tuple[int, int], list[int]] = {}
        for point, (lat, lon) in enumerate(numbers):
            cells.setdefault(cell(lat, lon), []).append(point)
        self._cells = {key: numpy.array(points, dtype=numpy.intp) for key, points in cells.items()}

    def nearest(self, lat: float, lon: float, limit: int, max_km: float, skip: int | None = None
                ) -> list[tuple[int, float]]:
        """The numbers of the `limit` sites nearest (`lat`, `lon`) within `max_km`, nearest first, then in name
        order, with their distances in km; the site numbered `skip` left out."""
        points = self._within_reach(lat, lon, max_km)
        km = distances_km(math.radians(lat), math.radians(lon), self._lat[points], self._lon[points])
        inside = km <= max_km
        points, km = points[inside], km[inside]
        found: list[tuple[float, int]] = []
        cut = math.inf  # the distance of the `limit`-th site: a point farther has none of the nearest
        for point, distance in sorted(zip(points.tolist(), km.tolist(), strict=True), key=lambda pair: pair[1]):
            if distance > cut:
                break
            found += [(distance, number) for number in self._numbers[point][:limit + 1] if number != skip][:limit]
            if len(found) >= limit:
                cut = min(cut, distance)
        return [(number, distance) for distance, number in sorted(found)[:limit]]

    def _within_reach(self, lat: float, lon: float, max_km: float) -> numpy.ndarray:
        """The points of every cell that can hold a point within `max_km` of (`lat`, `lon`): a point that far
        differs by at most `max_km / EARTH_KM` radians of latitude, and by at most 2 asin(sin(max_km / 2R) /
        cos(the greater latitude)) of longitude (haversine)."""
        reach = math.degrees(max_km / EARTH_KM) + 1e-9
        rows = range(math.floor((lat - reach) / CELL_DEGREES), math.floor((lat + reach) / CELL_DEGREES) + 1)
        polar = min(90.0, abs(lat) + reach)
        ratio = math.sin(max_km / EARTH_KM / 2) / math.cos(math.radians(polar)) if polar < 90 else math.inf
        width = math.degrees(2 * math.asin(ratio)) + 1e-9 if ratio < 1 else 180.0
        if 2 * width + CELL_DEGREES >= 360:
            columns = range(COLUMNS)
        else:
            columns = range(math.floor((lon - width) / CELL_DEGREES), math.floor((lon + width) / CELL_DEGREES) + 1)
        found = [self._cells[key] for key in ((row, column % COLUMNS) for row in rows for column in columns)
                 if key in self._cells]
        return numpy.concatenate(found) if found else numpy.zeros(0, dtype=numpy.intp)


def cell(lat: float, lon: float) -> tuple[int, int]:
    """The cell of a point: its row of latitude and its column of longitude (180° and -180° in one column)."""
    return math.floor(lat / CELL_DEGREES), math.floor(lon / CELL_DEGREES) % COLUMNS


def distances_km(lat: float, lon: float, lats: numpy.ndarray, lons: numpy.ndarray) -> numpy.ndarray:
    """Great-circle distances in kilometres from one point to many (haversine; radians in), as `distance_km`."""
    a = numpy.sin((lats - lat) / 2) ** 2 + math.cos(lat) * numpy.cos(lats) * numpy.sin((lons - lon) / 2) ** 2
    return EARTH_KM * 2 * numpy.arcsin(numpy.sqrt(a))
