"""The site page: distances to nearby sites only between known points, and the first photo fetched first."""

import re

import pytest

from tests.support import PageParser, edit_site, one_line, photo_bytes

NEARBY = re.compile(r"<h2>(?:Di tích lân cận|Nearby sites)</h2>\s*<ul>(.*?)</ul>", re.S)


def nearby_lines(html: str) -> list[str]:
    """The visible lines of the page's nearby-sites list."""
    return [one_line(re.sub(r"<[^>]+>", "", item)) for item in re.findall(r"<li>(.*?)</li>", NEARBY.search(html)[1])]


OM_MON = {"vi": ["Chùa Cảm Thiên Đại Đế", "Đình Phú Luông", "Linh Sơn Cổ Miếu"],
          "en": ["Cảm Thiên Đại Đế Temple", "Phú Luông Communal House", "Linh Sơn Ancient Temple"]}
POTHI = {"vi": "Chùa Pôthi Somrôn", "en": "Pothi Somron Pagoda"}
THOI_AN = {"vi": "Đình Thới An", "en": "Thới An Communal House"}


@pytest.mark.parametrize(("lang", "same_area"), [("vi", "cùng khu vực"), ("en", "same area")])
def test_sites_at_a_district_centre_show_no_distance(client, lang, same_area):
    """Four Ô Môn sites share the district centre: "same area" among them, no "(2.2 km)" to or from Pôthi Somrôn."""
    lines = nearby_lines(client.get(f"/sites/dinh-thoi-an?lang={lang}").text)
    assert lines == [f"{name} ({same_area})" for name in OM_MON[lang]] + [POTHI[lang]]
    lines = nearby_lines(client.get(f"/sites/chua-pothi-somron?lang={lang}").text)
    assert len(lines) == 4 and THOI_AN[lang] in lines and not any("km" in line for line in lines)
    api = client.get("/api/sites/dinh-thoi-an").json()["nearby"]
    assert [(near["km"], near["same_area"]) for near in api] == [(None, True)] * 3 + [(None, False)]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_known_points_show_their_distance(content_dir, make_client, lang):
    edit_site(content_dir, "dinh-thoi-an", location={"lat": 10.1244, "lon": 105.6308, "precision": "exact"})
    lines = nearby_lines(make_client().get(f"/sites/chua-pothi-somron?lang={lang}").text)
    assert [line for line in lines if "km" in line] == [f"{THOI_AN[lang]} (2.2 km)"]


def test_the_first_photo_loads_at_once_and_first_the_others_lazily(content_dir, make_client):
    for name in ("cong.jpg", "mai.jpg", "san.jpg"):
        (content_dir / "dinh-thoi-an" / name).write_bytes(photo_bytes((800, 600)))
    edit_site(content_dir, "dinh-thoi-an", photos=[{"file": name, "caption": name, "credit": "Đoàn phường"}
                                                   for name in ("cong.jpg", "mai.jpg", "san.jpg")])
    images = PageParser(make_client().get("/sites/dinh-thoi-an").text).find("img")
    photos = [image for image in images if "srcset" in image]
    assert len(photos) == 3
    assert photos[0].get("fetchpriority") == "high" and "loading" not in photos[0]
    assert [photo.get("loading") for photo in photos[1:]] == ["lazy", "lazy"]
