"""Journey pages, API, QR scans and counts (issue 13), against the app on a copy of the bundled content."""

import io

import pypdf
import pytest

from qr.codes import ErrorCorrection, matrix
from tests.support import BASE_URL, PHONE_BROWSER, edit_site, fonts, page_text, phone

# Three Ô Môn sites get a place of their own (the bundled ones sit on the district centre, so no leg is known).
PLACES = {
    "dinh-thoi-an": (10.1400, 105.6200),
    "dinh-phu-luong": (10.1300, 105.6400),
    "linh-son-co-mieu": (10.1200, 105.6300),
}
BOT = {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}


@pytest.fixture
def placed(content_dir):
    for slug, (lat, lon) in PLACES.items():
        edit_site(content_dir, slug, location={"lat": lat, "lon": lon, "precision": "approximate"})
    return content_dir


def journey_counts(client, slug: str) -> dict:
    journey = next(row for row in client.get("/api/stats").json()["journeys"] if row["slug"] == slug)
    return {key: journey[key] for key in ("scans", "views", "unique_visitors")}


def test_the_list_shows_every_journey_with_diacritics_and_filters_by_province(client):
    page = client.get("/journeys")
    assert page.status_code == 200
    assert "Về nguồn Ô Môn: 5 di tích" in page.text and "Địa chỉ đỏ Ninh Thuận: Bác Ái và Thuận Nam" in page.text
    only = client.get("/journeys", params={"province": "can tho"}).text  # case and diacritics ignored
    assert "Về nguồn Ô Môn" in only and "Ninh Thuận: Bác Ái" not in only
    assert '<a href="/journeys">Hành trình</a>' in client.get("/").text  # in every page's header


def test_the_journey_page_lists_numbered_stops_with_links_and_honest_distances(client):
    page = client.get("/journeys/ve-nguon-o-mon")
    assert page.status_code == 200
    text = page.text
    names = ["Đình Thới An", "Đình Phú Luông", "Linh Sơn Cổ Miếu", "Chùa Pôthi Somrôn", "Chùa Cảm Thiên Đại Đế"]
    positions = [text.index(f">{name}</a></h3>") for name in names]
    assert positions == sorted(positions)  # in order
    assert '<a href="/sites/dinh-phu-luong">Đình Phú Luông</a>' in text
    assert "Điểm 2/5" in text
    assert "<dd>chưa rõ quãng đường</dd>" in text  # district-level places: no invented kilometres
    assert "Ước tính" in text
    assert 'id="journey-map"' in text and "/static/journey_map.js" in text
    assert "<svg" in text and f"{BASE_URL}/j/omon" in text  # the journey's own QR code
    assert "/journeys/ve-nguon-o-mon.pdf" in text
    assert "script-src 'self'" in page.headers["content-security-policy"]


def test_known_legs_show_estimates_and_the_english_page_is_in_english(placed, client):
    text = client.get("/journeys/ve-nguon-o-mon", params={"lang": "en"}).text
    assert "From the previous stop: ≈" in text and "at least ≈" in text and "1 legs unknown" in text
    assert "Stop 2 of 5" in text


def test_the_api_lists_and_describes_journeys(placed, client):
    listed = client.get("/api/journeys").json()
    assert listed["count"] == 2
    assert {j["slug"] for j in listed["journeys"]} == {"ve-nguon-o-mon", "dia-chi-do-ninh-thuan"}
    assert client.get("/api/journeys", params={"province": "Khánh Hòa"}).json()["count"] == 1
    through_pagodas = client.get("/api/journeys", params={"category": "chua"}).json()["journeys"]
    assert [j["slug"] for j in through_pagodas] == ["ve-nguon-o-mon"]
    assert "category" in client.get("/api/journeys", params={"category": "khong-co"}).text  # a 422 naming it
    one = client.get("/api/journeys/ve-nguon-o-mon").json()
    assert one["name"] == "Về nguồn Ô Môn: 5 di tích"
    assert [stop["number"] for stop in one["stops"]] == [1, 2, 3, 4, 5]
    assert one["stops"][1]["name"] == "Đình Phú Luông" and one["stops"][1]["km_from_previous"] > 0
    assert one["stops"][4]["placed"] is False and one["complete"] is False
    assert one["qr_url"] == f"{BASE_URL}/j/omon"
    assert client.get("/api/journeys/nope").status_code == 404


def test_the_geojson_route_joins_the_placed_stops_in_order_as_lon_lat(placed, client):
    response = client.get("/api/journeys/ve-nguon-o-mon.geojson")
    assert response.status_code == 200 and response.headers["content-type"] == "application/geo+json"
    features = response.json()["features"]
    route = next(f for f in features if f["geometry"] and f["geometry"]["type"] == "LineString")
    pothi = (10.1104, 105.6169)
    expected = [[lon, lat] for lat, lon in [*PLACES.values(), pothi]]
    assert route["geometry"]["coordinates"] == expected
    stops = [f for f in features if f["properties"]["kind"] == "stop"]
    assert [s["properties"]["number"] for s in stops] == [1, 2, 3, 4, 5]
    assert stops[4]["geometry"] is None  # on the district centre only: not drawn anywhere false


def test_the_leaflet_pdf_is_served_in_both_formats_and_bad_parameters_are_named(client):
    for fmt in ("a4", "a5"):
        response = client.get("/journeys/ve-nguon-o-mon.pdf", params={"format": fmt, "lang": "en"})
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        again = client.get("/journeys/ve-nguon-o-mon.pdf", params={"format": fmt, "lang": "en"},
                           headers={"If-None-Match": response.headers["etag"]})
        assert again.status_code == 304
    assert "format" in client.get("/journeys/ve-nguon-o-mon.pdf", params={"format": "a3"}).text
    assert "lang" in client.get("/journeys/ve-nguon-o-mon.pdf", params={"lang": "?!"}).text
    moved = client.get("/journeys/omon.pdf", follow_redirects=False)
    assert moved.headers["location"] == "/journeys/ve-nguon-o-mon.pdf"


@pytest.mark.parametrize("path", ["/j/omon", "/J/OMON", "/j/Ve-Nguon-O-Mon"])
def test_a_journey_scan_serves_the_page_and_counts_once(backend, client, path):
    for _ in range(3):
        response = client.get(path, headers=PHONE_BROWSER, follow_redirects=False)
        assert response.status_code == 200 and "<h1>Về nguồn Ô Môn: 5 di tích</h1>" in response.text
        assert response.headers["cache-control"] == "no-store"
    assert journey_counts(client, "ve-nguon-o-mon") == {"scans": 1, "views": 0, "unique_visitors": 1}


def test_bots_and_head_requests_do_not_count_and_site_numbers_stay_unchanged(client):
    before = client.get("/api/stats").json()
    assert client.get("/j/omon", headers=BOT).status_code == 200
    assert client.head("/j/omon", headers=PHONE_BROWSER).status_code == 200
    assert client.get("/journeys/ve-nguon-o-mon", headers=BOT).status_code == 200
    assert journey_counts(client, "ve-nguon-o-mon") == {"scans": 0, "views": 0, "unique_visitors": 0}
    client.get("/j/omon", headers=phone(1))
    client.get("/journeys/ve-nguon-o-mon", headers=phone(2))
    after = client.get("/api/stats").json()
    assert after["sites"] == before["sites"] and after["total"] == before["total"]
    assert journey_counts(client, "ve-nguon-o-mon") == {"scans": 1, "views": 1, "unique_visitors": 2}
    page = client.get("/stats").text
    journeys_table = page.split('id="journey-stats"', 1)[1]
    assert "Về nguồn Ô Môn: 5 di tích" in journeys_table


def test_a_journey_code_or_alias_on_the_page_address_redirects_and_an_unknown_one_is_a_404(client):
    assert client.get("/journeys/OMON", follow_redirects=False).headers["location"] == "/journeys/ve-nguon-o-mon"
    assert client.get("/journeys/khong-co").status_code == 404
    assert client.get("/j/khong-co").status_code == 404


def test_the_site_page_says_which_journeys_it_is_part_of_with_previous_and_next_stops(client):
    text = client.get("/sites/dinh-phu-luong").text
    box = text.split('class="part-of"', 1)[1].split("</aside>", 1)[0]
    assert "Thuộc hành trình" in box and "Về nguồn Ô Môn: 5 di tích" in box and "Điểm 2/5" in box
    assert '<a href="/sites/dinh-thoi-an" rel="prev">← Điểm trước: Đình Thới An</a>' in box
    assert '<a href="/sites/linh-son-co-mieu" rel="next">Điểm tiếp theo: Linh Sơn Cổ Miếu →</a>' in box
    first = client.get("/sites/dinh-thoi-an", params={"lang": "en"}).text.split('class="part-of"', 1)[1]
    assert "Stop 1 of 5" in first and 'rel="prev"' not in first.split("</aside>")[0]


def test_the_map_draws_a_journey_on_request(client):
    page = client.get("/map", params={"journey": "omon"})
    assert page.status_code == 200
    assert 'id="journey-route" data-geojson="/api/journeys/ve-nguon-o-mon.geojson?lang=vi"' in page.text
    assert client.get("/map", params={"journey": "khong-co"}).status_code == 422


def test_a_vietnamese_leaflet_with_distances_is_not_set_as_a_shaped_script(placed, client):
    """"≈" once made every line with a distance go through the Khmer shaper, loading its font (1.4 s a
    leaflet, issue 13); shaped lines are the ones marked with /ActualText."""
    pdf = client.get("/journeys/ve-nguon-o-mon.pdf").content
    assert "≈" in page_text(pdf) and "Đình Phú Luông" in page_text(pdf)
    assert not [name for name in fonts(pdf) if "Khmer" in name]
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    assert not any(b"/ActualText" in page.get_contents().get_data() for page in pages)


def test_qr_matrices_are_kept_and_read_only():
    """A leaflet asks for the same codes again (its stops, the page, the posters): each is made once."""
    first = matrix(f"{BASE_URL}/q/thoian", ErrorCorrection.M)
    assert matrix(f"{BASE_URL}/q/thoian", ErrorCorrection.M) is first
    with pytest.raises(TypeError):
        first[0][0] = True


def test_the_journey_qr_code_downloads_as_svg(client):
    """The SVG comes from qr.codes.svg, whose output Chromium rasterises and zxing decodes (test_qr_codes.py)."""
    response = client.get("/qr/j/ve-nguon-o-mon.svg", params={"cm": 3})
    assert response.status_code == 200 and response.headers["content-type"].startswith("image/svg+xml")
    assert 'width="30mm"' in response.text and f"{BASE_URL}/j/omon" in response.text
    assert response.content == client.get("/qr/j/ve-nguon-o-mon.svg?cm=3").content
    assert client.get("/qr/j/khong-co.svg").status_code == 404
    assert '<a href="/qr/j/ve-nguon-o-mon.svg" download>SVG</a>' in client.get("/stats").text
