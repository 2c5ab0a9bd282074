"""The nearest sites from the cells near a point (sites/catalog/place_index.py, issue 27) are those of the distance
to every point: nearest first, then in name order, ties and shared points included, across 180° and near a pole."""

import random

from sites.catalog.place_index import PlaceIndex
from sites.catalog.registry import distance_km


def measured(points: list[tuple[float, float]], lat: float, lon: float, limit: int, max_km: float,
             skip: int | None) -> list[tuple[int, float]]:
    """The nearest as the loop over every site found them."""
    found = sorted((distance_km(lat, lon, *point), number) for number, point in enumerate(points)
                   if number != skip and distance_km(lat, lon, *point) <= max_km)
    return [(number, round(km, 6)) for km, number in found[:limit]]


def test_the_nearest_are_those_of_every_distance():
    chance = random.Random(27)
    centres = [(10.03, 105.77), (21.03, 105.85), (0.1, 179.9), (0.1, -179.95), (89.8, 10.0), (-33.9, 151.2)]
    points = []
    for _ in range(3000):
        lat, lon = chance.choice(centres)
        if chance.random() < 0.3:  # many sites at one district centre
            points.append((lat, lon))
        else:
            points.append((max(-90.0, min(90.0, lat + chance.uniform(-0.8, 0.8))),
                           (lon + chance.uniform(-0.8, 0.8) + 180) % 360 - 180))
    index = PlaceIndex(points)
    for _ in range(300):
        skip = chance.randrange(len(points))
        lat, lon = points[skip] if chance.random() < 0.7 else chance.choice(centres)
        limit, max_km = chance.choice([1, 4, 10]), chance.choice([5.0, 50.0, 120.0])
        got = [(number, round(km, 6)) for number, km in index.nearest(lat, lon, limit, max_km, skip)]
        assert got == measured(points, lat, lon, limit, max_km, skip), (lat, lon, limit, max_km)


def test_sites_at_one_point_come_in_name_order_without_the_site_itself():
    index = PlaceIndex([(10.0, 105.0)] * 1000 + [(10.001, 105.0)])
    assert [number for number, _ in index.nearest(10.0, 105.0, 4, 50.0, skip=1)] == [0, 2, 3, 4]
    assert index.nearest(10.0, 105.0, 4, 50.0)[0] == (0, 0.0)
    assert index.nearest(40.0, 105.0, 4, 50.0) == []
