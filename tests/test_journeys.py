"""Journeys: strict loading with named errors, one namespace with sites, honest distances and the GeoJSON."""

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import main
from sites.catalog.journey_geojson import journey_geojson
from sites.catalog.journey_itinerary import ROAD_FACTORS, Point, itinerary, journey_itinerary, leg
from sites.catalog.journey_labels import total_label
from sites.catalog.journey_loader import load_all
from sites.catalog.journey_models import TravelMode
from sites.catalog.live import Catalog
from sites.catalog.registry import distance_km
from tests.support import TEST_CONTENT, add_site, edit_site, read_front_matter, write_front_matter

OMON = ["dinh-thoi-an", "dinh-phu-luong", "linh-son-co-mieu", "chua-pothi-somron", "chua-cam-thien-dai-de"]


def journey_file(content_dir: Path, slug: str = "ve-nguon-o-mon") -> Path:
    return content_dir / "journeys" / slug / "index.md"


def edit_journey(content_dir: Path, slug: str = "ve-nguon-o-mon", /, **changes) -> None:
    """Change front-matter fields of a journey; new stops drop its translation (its notes name the old ones)."""
    if "stops" in changes:
        (journey_file(content_dir, slug).parent / "index.en.md").unlink(missing_ok=True)
    front, body = read_front_matter(journey_file(content_dir, slug))
    for key, value in changes.items():
        if value is None:
            front.pop(key, None)
        else:
            front[key] = value
    write_front_matter(journey_file(content_dir, slug), front, body)


def errors_of(content_dir: Path) -> list[str]:
    return [str(error) for error in load_all(content_dir).errors]


def test_bundled_journeys_load_with_their_stops_in_order():
    content = load_all(TEST_CONTENT)
    assert content.errors == []
    omon = content.journeys.resolve("OMON")
    assert [stop.site.slug for stop in omon.stops] == OMON
    assert omon.localized("en").name.startswith("Back to the roots")
    assert omon.stops[1].note("en") == "The communal house stands beside rạch Dì Tho."
    ninh_thuan = content.journeys.get("dia-chi-do-ninh-thuan")
    assert [stop.site.slug for stop in ninh_thuan.stops] == ["bay-da-pi-nang-tac", "tham-sat-lang-thanh-duc-1947"]
    assert [journey.slug for journey in content.journeys.through(omon.stops[0].site)] == ["ve-nguon-o-mon"]
    assert len(content.registry) == 7  # content/journeys is not a site folder


def test_bundled_journeys_print_no_false_distance():
    """Four Ô Môn sites sit on the district centre and Thạnh Đức has no coordinates: every leg is unknown."""
    content = load_all(TEST_CONTENT)
    for journey in content.journeys.all():
        plan = journey_itinerary(journey)
        assert all(not leg.known for leg in plan.itinerary.legs)
        assert total_label(plan.itinerary, "vi") == "chưa rõ quãng đường"
        assert total_label(plan.itinerary, "en") == "distance unknown"


@pytest.mark.parametrize(("stops", "expected"), [
    ([{"site": "khong-co"}], "stops.0.site: no site 'khong-co'"),
    ([{"site": "dinh-thoi-an"}, {"site": "dinh-phu-luong"}, {"site": "dinh-thoi-an"}],
     "stops.2.site: 'dinh-thoi-an' is already stop 1"),
    ([{"site": "dinh-thoi-an"}, {"site": "thoian"}], "stops.1.site: 'thoian' is already stop 1"),
    ([], "stops: List should have at least 1 item"),
    ([{"site": "dinh-thoi-an", "nte": "x"}], "stops.0.nte: unknown field; did you mean 'note'?"),
])
def test_bad_stops_are_named_by_file_and_field(content_dir, stops, expected):
    edit_journey(content_dir, stops=stops)
    [error] = errors_of(content_dir)
    assert error.startswith(f"{journey_file(content_dir)}: {expected}"), error
    assert "ve-nguon-o-mon" not in [journey.slug for journey in load_all(content_dir).journeys.all(True)]


def test_an_unpublished_stop_is_an_error_for_a_published_journey_only(content_dir):
    edit_site(content_dir, "dinh-phu-luong", published=False)
    [error] = errors_of(content_dir)
    assert error == (f"{journey_file(content_dir)}: stops.1.site: 'dinh-phu-luong' is a draft; publish it or the "
                     "journey (published: false) first")
    edit_journey(content_dir, published=False)
    content = load_all(content_dir)
    assert content.errors == []
    assert content.journeys.get("ve-nguon-o-mon", include_drafts=True).stops[1].site.slug == "dinh-phu-luong"


@pytest.mark.parametrize(("field", "value", "owner"), [
    ("code", "thoian", "dinh-thoi-an"), ("code", "DINH-THOI-AN", None), ("code", "ninhthuan", "journeys/dia-chi"),
    ("aliases", ["pothi"], "chua-pothi-somron"),
])
def test_codes_slugs_and_aliases_share_one_namespace_with_sites(content_dir, field, value, owner):
    add_site(content_dir, "old-site", aliases=["cu"])
    edit_journey(content_dir, **{field: value})
    [error] = errors_of(content_dir)
    assert error.startswith(f"{journey_file(content_dir)}: {field}"), error
    if owner:
        assert "is already used by" in error and owner in error


def test_a_journey_slug_must_not_be_a_site_slug(content_dir):
    shutil.copytree(content_dir / "journeys" / "ve-nguon-o-mon", content_dir / "journeys" / "dinh-thoi-an")
    edit_journey(content_dir, "dinh-thoi-an", slug="dinh-thoi-an", code="omon2")
    [error] = errors_of(content_dir)
    assert error == (f"{journey_file(content_dir, 'dinh-thoi-an')}: slug: 'dinh-thoi-an' is already used by "
                     f"{content_dir / 'dinh-thoi-an' / 'index.md'}")


def test_folder_fields_and_translations_are_checked(content_dir):
    index = journey_file(content_dir)
    edit_journey(content_dir, travel_mode="plane", duration_hours=0)
    errors = errors_of(content_dir)
    assert any(error.startswith(f"{index}: travel_mode: Input should be 'walk', 'bicycle'") for error in errors)
    assert any(error.startswith(f"{index}: duration_hours: Input should be greater than 0") for error in errors)
    edit_journey(content_dir, slug="khac", travel_mode="walk", duration_hours=None)
    translation = content_dir / "journeys" / "ve-nguon-o-mon" / "index.en.md"
    front, body = read_front_matter(translation)
    front["notes"]["khong-phai-diem"] = "x"
    write_front_matter(translation, front, body)
    assert sorted(errors_of(content_dir)) == [
        f"{translation}: notes.khong-phai-diem: not a stop of this journey (see index.md)",
        f"{index}: slug: 'khac' must equal the folder name 've-nguon-o-mon'",
    ]


def test_a_site_may_not_take_the_journeys_folder_name(content_dir):
    shutil.rmtree(content_dir / "journeys")
    add_site(content_dir, "journeys")
    result = load_all(content_dir)
    assert result.journeys.all() == [] and "journeys" not in [site.slug for site in result.registry.all()]


def test_check_names_journey_errors(content_dir):
    edit_journey(content_dir, stops=[{"site": "khong-co"}])
    result = CliRunner().invoke(main, ["check", str(content_dir)])
    assert result.exit_code == 1
    assert f"{journey_file(content_dir)}: stops.0.site: no site 'khong-co'" in result.output
    edit_journey(content_dir, stops=[{"site": slug} for slug in OMON])
    result = CliRunner().invoke(main, ["check", str(content_dir)])
    assert result.exit_code == 0 and "2 hành trình / journeys" in result.output


def test_the_catalog_reloads_an_edited_journey(content_dir):
    catalog = Catalog(content_dir)
    assert len(catalog.journeys) == 2
    edit_journey(content_dir, name="Hành trình mới", stops=[{"site": "dinh-thoi-an"}])
    assert catalog.reload_if_changed()
    assert catalog.journeys.get("ve-nguon-o-mon").meta.name == "Hành trình mới"


# Distances

THOI_AN_EXACT = {"lat": 10.1300, "lon": 105.6200, "precision": "exact"}
POTHI = Point(10.1104, 105.6169)


def test_a_leg_is_the_straight_line_times_the_road_factor():
    a, b = Point(10.0, 105.0), Point(10.1, 105.1)
    straight = distance_km(10.0, 105.0, 10.1, 105.1)
    for mode in TravelMode:
        assert leg(a, b, mode).km == pytest.approx(straight * ROAD_FACTORS[mode])
    assert leg(a, b, TravelMode.walk).minutes > leg(a, b, TravelMode.car).minutes


def test_an_unknown_point_makes_the_total_a_lower_bound_or_unknown():
    known = itinerary([Point(10.0, 105.0), Point(10.1, 105.1), Point(10.2, 105.2)], TravelMode.motorbike)
    assert known.complete and total_label(known, "vi").startswith("≈ ") and "chưa rõ" not in total_label(known, "vi")
    partial = itinerary([Point(10.0, 105.0), Point(10.1, 105.1), None], TravelMode.motorbike)
    assert (total_label(partial, "vi").startswith("ít nhất ≈ ")
            and total_label(partial, "vi").endswith("1 chặng chưa rõ"))
    assert total_label(partial, "en").startswith("at least ≈ ") and partial.known_km == known.legs[0].km
    assert total_label(itinerary([None, POTHI], TravelMode.walk), "en") == "distance unknown"


def test_district_points_are_unknown_and_exact_ones_are_placed(content_dir):
    """Only the stops with a real point are measured and drawn; district centres never are."""
    edit_site(content_dir, "dinh-thoi-an", location=THOI_AN_EXACT)
    journey = load_all(content_dir).journeys.get("ve-nguon-o-mon")
    plan = journey_itinerary(journey)
    assert [point is not None for point in plan.points] == [True, False, False, True, False]
    assert plan.arrivals[0] is None and all(not leg.known for leg in plan.arrivals[1:])
    edit_journey(content_dir, stops=[{"site": "dinh-thoi-an"}, {"site": "chua-pothi-somron"}])
    plan = journey_itinerary(load_all(content_dir).journeys.get("ve-nguon-o-mon"))
    expected = distance_km(10.13, 105.62, POTHI.lat, POTHI.lon) * ROAD_FACTORS[TravelMode.motorbike]
    assert plan.arrivals[1].km == pytest.approx(expected) and plan.itinerary.complete


def test_the_geojson_route_has_the_known_stops_in_order_as_lon_lat(content_dir):
    edit_site(content_dir, "dinh-thoi-an", location=THOI_AN_EXACT)
    edit_site(content_dir, "linh-son-co-mieu", location={"lat": 10.14, "lon": 105.63, "precision": "approximate"})
    journey = load_all(content_dir).journeys.get("ve-nguon-o-mon")
    features = journey_geojson(journey, "vi")["features"]
    stops = [feature for feature in features if feature["properties"]["kind"] == "stop"]
    assert [feature["properties"]["number"] for feature in stops] == [1, 2, 3, 4, 5]
    assert [feature["properties"]["slug"] for feature in stops] == OMON
    assert stops[0]["properties"]["url"] == "/sites/dinh-thoi-an" and stops[0]["properties"]["name"] == "Đình Thới An"
    assert [feature["geometry"] is None for feature in stops] == [False, True, False, False, True]
    [route] = [feature for feature in features if feature["geometry"] and feature["geometry"]["type"] == "LineString"]
    assert route["geometry"]["coordinates"] == [[105.62, 10.13], [105.63, 10.14], [105.6169, 10.1104]]
    assert route["properties"]["stops_not_placed"] == [2, 5] and route["properties"]["complete"] is False


def test_the_bundled_geojson_has_no_line_through_unknown_places():
    journey = load_all(TEST_CONTENT).journeys.get("ve-nguon-o-mon")
    features = journey_geojson(journey, "en")["features"]
    assert all(feature["geometry"] is None or feature["geometry"]["type"] == "Point" for feature in features)
    assert [feature["properties"]["number"] for feature in features if feature["geometry"]] == [4]
