"""The map pages over HTTP: the table of sites with counts, filters, the GeoJSON with counts, the kept base
map, assets served by the app, and the embed's framing policy. Chromium drawing it: test_map_browser.py."""

import base64
import hashlib
import re
import secrets

import pytest

from api.state import app_state
from map.assets import map_assets
from map.build import VIETNAM_BOUNDS, MarkerTexts, build_base_map
from map.scale import VISIT_STEPS, step_label
from sites.catalog.site import Site
from tests.support import BASE_URL, MAPPED, UNMAPPED, add_site, visit

TEXTS = MarkerTexts(scans="Lượt quét QR", views="Lượt xem trang", recent="30 ngày qua", open_page="Xem",
                    legend_title="Lượt truy cập", cluster="cụm", load_failed="Lỗi", thousands=".")


def table_rows(html: str) -> list[tuple[str, int, int, int]]:
    """(slug, scans, views, last 30 days) of each line of the table under the map."""
    return [(slug, int(scans), int(views), int(recent)) for slug, scans, views, recent in re.findall(
        r'<th scope="row"><a href="/sites/([a-z0-9-]+)[^"]*">.*?</a></th>\s*<td[^>]*>.*?</td>\s*<td[^>]*>.*?</td>\s*'
        r'<td class="n"[^>]*>(\d+)</td>\s*<td class="n"[^>]*>(\d+)</td>\s*<td class="n"[^>]*>(\d+)</td>', html)]


def inline_script(html: str) -> str:
    return re.search(r"<script>(.*?)</script>", html, re.S).group(1)


def test_map_page_lists_the_mapped_sites_with_their_counts_most_visited_first(client):
    visit(client, "/q/pinangtac", 3)
    visit(client, "/sites/dinh-thoi-an", 2)
    visit(client, "/q/thoian")
    page = client.get("/map")
    assert page.status_code == 200 and page.headers["content-language"] == "vi"
    rows = table_rows(page.text)
    assert {slug for slug, *_ in rows} == MAPPED
    assert rows[:2] == [("bay-da-pi-nang-tac", 3, 0, 3), ("dinh-thoi-an", 1, 2, 3)]
    assert "<h1 class=\"page\">Bản đồ di tích</h1>" in page.text
    # Thạnh Đức has no coordinates: named under the table, not in it.
    assert UNMAPPED not in {slug for slug, *_ in rows}
    assert re.search(r"Chưa có tọa độ.*?/sites/" + UNMAPPED, page.text, re.S)


def test_the_geojson_carries_fresh_counts_and_the_map_filters(client):
    visit(client, "/q/pinangtac", 2)
    visit(client, "/sites/bay-da-pi-nang-tac")
    features = {f["id"]: f["properties"] for f in client.get("/api/sites.geojson").json()["features"]}
    assert set(features) == MAPPED
    trap = features["bay-da-pi-nang-tac"]
    assert trap | {"scans": 2, "views": 1, "visits_30_days": 3} == trap
    assert features["dinh-thoi-an"]["scans"] == features["dinh-thoi-an"]["views"] == 0
    visit(client, "/q/pinangtac")
    response = client.get("/api/sites.geojson?category=revolutionary-relic")
    assert response.headers["cache-control"] == "no-cache"
    assert [(f["id"], f["properties"]["scans"]) for f in response.json()["features"]] == [("bay-da-pi-nang-tac", 3)]
    assert {f["id"] for f in client.get("/api/sites.geojson?province=Cần Thơ").json()["features"]} == MAPPED - {
        "bay-da-pi-nang-tac"}
    refused = client.get("/api/sites.geojson?category=castle")
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["query", "category"]


def test_the_map_feed_holds_what_the_markers_show_and_nothing_more(client):
    visit(client, "/q/pinangtac", 2)
    visit(client, "/sites/bay-da-pi-nang-tac")
    feed = client.get("/api/map-points.json?lang=en")
    assert feed.headers["content-type"] == "application/json" and feed.headers["cache-control"] == "no-cache"
    body = feed.json()
    assert body["fields"] == ["lon", "lat", "slug", "name", "category", "scans", "views", "visits_30_days"]
    sites = {row[2]: dict(zip(body["fields"], row, strict=True)) for row in body["sites"]}
    assert set(sites) == MAPPED  # sites without coordinates are left out
    trap = sites["bay-da-pi-nang-tac"]
    assert trap | {"scans": 2, "views": 1, "visits_30_days": 3, "category": "revolutionary-relic"} == trap
    assert body["categories"]["revolutionary-relic"] == "Revolutionary relic"
    assert body["url"] == f"{BASE_URL}/sites/"
    geojson = {f["id"]: f for f in client.get("/api/sites.geojson?lang=en").json()["features"]}
    for slug, site in sites.items():  # the same names and places as the GeoJSON, to 5 decimals (about 1 m)
        lon, lat = geojson[slug]["geometry"]["coordinates"]
        assert (site["lon"], site["lat"]) == (round(lon, 5), round(lat, 5))
        assert site["name"] == geojson[slug]["properties"]["name"]
        assert geojson[slug]["properties"]["summary"] not in feed.text  # summaries stay in the GeoJSON
    assert [row[2] for row in client.get("/api/map-points.json?category=chua").json()["sites"]] == ["chua-pothi-somron"]
    refused = client.get("/api/map-points.json?category=castle")
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["query", "category"]


def test_the_map_feed_costs_a_few_dozen_bytes_a_site(content_dir, make_client):
    """A national map has tens of thousands of sites: each costs under 160 bytes in the feed, under a
    quarter of its GeoJSON feature."""
    for number in range(60):
        add_site(content_dir, f"di-tich-{number:02d}", slug=f"di-tich-{number:02d}", code=f"dt{number:02d}",
                 name=f"Di tích lịch sử văn hoá cấp quốc gia số {number}",
                 location={"lat": 10.123456789 + number / 1000, "lon": 105.987654321})
    client = make_client()
    count = len(client.get("/api/map-points.json").json()["sites"])
    assert count == len(MAPPED) + 60
    slim = len(client.get("/api/map-points.json").content)
    full = len(client.get("/api/sites.geojson").content)
    assert slim / count < 160 and slim < full / 4


def test_filters_narrow_the_table_and_the_map_data(client):
    page = client.get("/map?category=dinh&lang=en")
    assert {slug for slug, *_ in table_rows(page.text)} == {"dinh-phu-luong", "dinh-thoi-an"}
    assert '"data_url": "/api/map-points.json?lang=en\\u0026category=dinh"' in page.text  # the slim feed
    assert 'value="dinh" selected' in page.text
    province = client.get("/map", params={"province": "Khánh Hòa"})
    assert {slug for slug, *_ in table_rows(province.text)} == {"bay-da-pi-nang-tac"}
    client.cookies.clear()  # the ?lang=en above is remembered, as a visitor's choice is
    assert "Không có di tích nào" in client.get("/map?province=Hà Nội").text


@pytest.mark.parametrize(("query", "parameter"), [("category=castle", "category"), ("page=2", "page"),
                                                  ("page=0", "page")])
def test_bad_map_parameters_get_an_error_page_naming_them(client, query, parameter):
    response = client.get(f"/map?{query}")
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html") and parameter in response.text


@pytest.mark.parametrize("path", ["/api/map-points.json", "/api/sites.geojson", "/map", "/map/embed", "/"])
def test_a_province_nobody_knows_is_refused_naming_the_parameter(client, path):
    """Issue 21: 6,000 random 65 KB provinces grew the server by 376 MB. Refused before any cache: the
    message names `province` and echoes only the start of the value."""
    response = client.get(path, params={"province": secrets.token_hex(32_000)})
    assert response.status_code == 422
    assert "province" in response.text and len(response.content) < 10_000


def test_provinces_are_known_however_they_are_typed_and_with_no_site(client):
    former = client.get("/api/map-points.json?province=ninh thuan").json()  # a former province, folded
    assert {row[2] for row in former["sites"]} == {"bay-da-pi-nang-tac", "tham-sat-lang-thanh-duc-1947"} & MAPPED
    assert client.get("/api/sites.geojson?province=ha giang").json()["features"] == []  # a province, no sites
    assert client.get("/api/sites.geojson?province=Gotham").json()["detail"][0]["loc"] == ["query", "province"]
    page = client.get("/map?province=can tho")
    assert page.status_code == 200 and 'value="Cần Thơ" selected' in page.text


def test_the_base_map_is_kept_but_counts_are_not(client, content_dir):
    first = client.get("/map")
    visit(client, "/q/pothi")
    second = client.get("/map")
    assert inline_script(second.text) == inline_script(first.text)  # the same built map, from memory
    assert ("chua-pothi-somron", 1, 0, 1) in table_rows(second.text)


def test_a_content_change_rebuilds_the_base_map(content_dir, make_client):
    client = make_client(reload_interval=0)
    before = inline_script(client.get("/map").text)
    add_site(content_dir, "dinh-ha-noi", location={"lat": 21.03, "lon": 105.85})
    app_state(client.app).catalog.reload_if_changed()
    after = client.get("/map").text
    assert "21.03" in inline_script(after) and "21.03" not in before  # the bounds now reach Hà Nội
    assert "dinh-ha-noi" in {slug for slug, *_ in table_rows(after)}


def test_the_inline_script_is_allowed_by_its_hash_and_nothing_else_inline(client):
    for path in ("/map", "/map/embed"):
        page = client.get(path)
        digest = base64.b64encode(hashlib.sha256(inline_script(page.text).encode()).digest()).decode()
        policy = page.headers["content-security-policy"]
        assert f"script-src 'self' 'sha256-{digest}'" in policy
        assert "unsafe-inline' " not in policy.split("script-src")[1].split(";")[0]
        assert len(re.findall(r"<script>", page.text)) == 1


def test_map_pages_load_scripts_and_styles_from_the_app_by_default(client):
    for path, count in (("/map", 5), ("/map/embed", 4)):  # Leaflet and its cluster, + the offline script on /map
        html = client.get(path).text
        assets = re.findall(r'<script src="([^"]+)"', html) + re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
        assert len(assets) == count
        for url in assets:
            assert url.startswith("/static/"), url
            assert client.get(url).status_code == 200, url


def test_a_setting_loads_them_from_a_cdn_at_the_same_versions(make_client):
    client = make_client(map_assets_from_cdn=True)
    page = client.get("/map")
    assert '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js">' in page.text
    assert "leaflet.markercluster@1.4.1/dist/leaflet.markercluster.js" in page.text
    assert "script-src 'self' 'sha256-" in page.headers["content-security-policy"]
    assert "https://cdn.jsdelivr.net" in page.headers["content-security-policy"]


def test_tiles_and_attribution_come_from_the_settings(make_client):
    client = make_client(tile_url="https://{s}.tiles.example.vn/{z}/{x}/{y}.png",
                         tile_attribution="© Sở <b>Văn hóa</b>")
    page = client.get("/map")
    assert "https://{s}.tiles.example.vn/{z}/{x}/{y}.png" in page.text
    assert r"\u0026lt;b\u0026gt;V\u0103n h\u00f3a" in inline_script(page.text)  # shown as text, not markup
    assert "img-src 'self' data: https://*.tiles.example.vn;" in page.headers["content-security-policy"]


@pytest.mark.slow
def test_the_attribution_prefix_is_a_setting_shown_as_text(make_client):
    assert '"attribution_prefix": "Leaflet"' in inline_script(make_client().get("/map").text)
    page = make_client(map_attribution_prefix="Sở <b>VH</b>").get("/map/embed")
    assert r'"attribution_prefix": "Sở \u0026lt;b\u0026gt;VH' in inline_script(page.text)  # text, not markup
    assert '"attribution_prefix": ""' in inline_script(make_client(map_attribution_prefix="").get("/map").text)


def test_the_embed_is_the_map_alone_and_may_be_framed(client):
    embed = client.get("/map/embed?category=chua")
    assert embed.status_code == 200
    assert 'class="top"' not in embed.text and "<footer>" not in embed.text and "<table>" not in embed.text
    assert embed.headers["content-security-policy"].endswith("frame-ancestors *")
    assert '"link_target": "_blank"' in embed.text
    assert f'href="{BASE_URL}/map?category=chua&amp;lang=vi" target="_blank"' in embed.text
    page = client.get("/map")
    assert page.headers["content-security-policy"].endswith("frame-ancestors 'none'")
    assert f"{BASE_URL}/map/embed?lang=vi" in page.text  # the code to paste into another site


def test_the_home_page_and_every_site_page_link_to_the_map(client):
    assert 'href="/map"' in client.get("/").text
    for slug in MAPPED | {UNMAPPED}:
        assert 'href="/map"' in client.get(f"/sites/{slug}").text
    assert 'href="/map?lang=en"' in client.get("/sites/dinh-thoi-an?lang=en").text


def test_a_map_without_sites_shows_vietnam():
    built = build_base_map([], [], data_url="/d", tile_url="/t/{z}/{x}/{y}.png", tile_attribution="©",
                           assets=map_assets(False), texts=TEXTS)
    (south, west), (north, east) = VIETNAM_BOUNDS
    assert f"[[{south}, {west}], [{north}, {east}]]" in built.script
    assert "L.control.layers" not in built.script  # nothing to switch


def test_marker_steps_follow_powers_of_ten():
    assert [step_label(i, ".") for i in range(len(VISIT_STEPS))] == [
        "0", "1–9", "10–99", "100–999", "1.000–9.999", "≥ 10.000"]
    assert step_label(4, ",") == "1,000–9,999"
    radii = [step.radius for step in VISIT_STEPS]
    assert radii == sorted(set(radii)) and radii[0] >= 12  # the smallest dot is a 24 px tap target


def test_the_table_pages_keep_the_filters_and_language(client, monkeypatch):
    monkeypatch.setattr("api.public.routes.map.TABLE_PAGE_SIZE", 2)
    first = client.get("/map?lang=en")
    pages = -(-len(MAPPED) // 2)
    assert f"Page 1 of {pages}" in first.text and "← Previous" not in first.text
    second = client.get(re.search(r'<a href="([^"]+)">Next →</a>', first.text).group(1).replace("&amp;", "&"))
    assert second.status_code == 200 and f"Page 2 of {pages}" in second.text and "Next" in second.text
    assert len(table_rows(second.text)) == 2 and set(table_rows(second.text)).isdisjoint(table_rows(first.text))
    monkeypatch.setattr("api.public.routes.map.TABLE_PAGE_SIZE", 1)  # two communal houses: two pages
    filtered = client.get("/map?category=dinh&lang=en")
    assert 'href="/map?category=dinh&amp;lang=en&amp;page=2"' in filtered.text


def test_the_map_page_looks_up_the_names_of_its_page_of_sites_only(client, monkeypatch):
    """At 40,000 sites, naming every site for a table that shows 200 took most of the page's time."""
    monkeypatch.setattr("api.public.routes.map.TABLE_PAGE_SIZE", 2)
    client.get("/map?lang=en&page=2")  # builds the base map (and keeps page 2 rendered, not page 1)
    named = []
    localized = Site.localized
    monkeypatch.setattr(Site, "localized", lambda site, lang: named.append(site.slug) or localized(site, lang))
    rows = table_rows(client.get("/map?lang=en").text)
    assert sorted(named) == sorted([slug for slug, *_ in rows] + [UNMAPPED]) and len(rows) == 2


def test_the_stats_pages_keep_the_sort_and_language(client, monkeypatch):
    monkeypatch.setattr("api.public.routes.stats.STATS_PAGE_SIZE", 2)
    first = client.get("/stats?sort=views&lang=en")
    assert 'href="/stats?sort=views&amp;lang=en&amp;page=2"' in first.text
    second = client.get("/stats?sort=views&lang=en&page=2")
    assert 'href="/stats?sort=views&amp;lang=en&amp;page=1"' in second.text
