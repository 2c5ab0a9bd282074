"""The journey page in a real headless Chromium at phone size against a live `diachido serve`, offline: Leaflet
comes from the app itself; map tiles are refused (the route and markers are vectors and need none)."""

import shutil
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.live import live_server
from tests.support import PHONE, TEST_CONTENT, axe_failures, edit_site, horizontal_overflow

pytestmark = pytest.mark.live  # every test here starts a real `diachido serve`

PLACES = {
    "dinh-thoi-an": (10.1400, 105.6200),
    "dinh-phu-luong": (10.1300, 105.6400),
    "linh-son-co-mieu": (10.1200, 105.6300),
}
# The route: a dashed SVG path drawn by Leaflet in its overlay pane; each placed stop a numbered marker.
ROUTE_JS = """() => ({
    paths: [...document.querySelectorAll('#journey-map .leaflet-overlay-pane path')].map(p => p.getAttribute('d')),
    markers: [...document.querySelectorAll('#journey-map .journey-marker')].map(m => m.textContent),
})"""


@pytest.fixture(scope="module")
def journey_server(tmp_path_factory) -> Iterator[str]:
    """A live server whose Ô Môn journey has four placed stops (three pinned here, Pôthi Somrôn already)."""
    root = tmp_path_factory.mktemp("journey-live")
    shutil.copytree(TEST_CONTENT, root / "content")
    for slug, (lat, lon) in PLACES.items():
        edit_site(root / "content", slug, location={"lat": lat, "lon": lon, "precision": "approximate"})
    with live_server(root / "content", root / "data") as base_url:
        yield base_url


def offline_page(browser, server: str, path: str):
    """A phone-sized page that may reach only `server`; its script errors and foreign requests are kept."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="vi-VN")
    page = context.new_page()
    page.errors, page.foreign = [], []

    def route(route):
        if route.request.url.startswith(server):
            return route.continue_()
        if "tile" not in (urlsplit(route.request.url).hostname or ""):
            page.foreign.append(route.request.url)
        return route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    assert page.goto(server + path).status == 200
    return page


def test_the_journey_page_at_360px_draws_the_route_without_sideways_scroll(browser, journey_server, tmp_path):
    page = offline_page(browser, journey_server, "/journeys/ve-nguon-o-mon")
    page.wait_for_selector("#journey-map .leaflet-overlay-pane path")
    page.wait_for_selector("#journey-map .journey-marker")
    drawn = page.evaluate(ROUTE_JS)
    assert len(drawn["paths"]) == 1 and drawn["paths"][0].count("L") == 3  # four placed stops, three segments
    assert drawn["markers"] == ["1", "2", "3", "4"]  # stop 5 sits on the district centre: not drawn
    assert horizontal_overflow(page) <= 0
    assert page.errors == [] and page.foreign == []
    page.screenshot(path=tmp_path / "journey-360.png", full_page=True)
    page.context.close()


def test_without_script_the_numbered_list_is_the_content(browser, journey_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    assert page.goto(journey_server + "/journeys/ve-nguon-o-mon").status == 200
    stops = page.locator("ol.stops h3 a").all_inner_texts()
    assert stops == ["Đình Thới An", "Đình Phú Luông", "Linh Sơn Cổ Miếu", "Chùa Pôthi Somrôn", "Chùa Cảm Thiên Đại Đế"]
    assert page.locator("#journey-map").bounding_box() is None  # the empty map box takes no room
    assert horizontal_overflow(page) <= 0
    context.close()


def test_the_map_page_draws_a_journey_route_on_the_sites_map(browser, journey_server):
    page = offline_page(browser, journey_server, "/map?journey=omon")
    page.wait_for_selector(".folium-map .journey-marker")
    # The sites' map draws on a canvas (prefer_canvas), so the route is found among the map's layers.
    lines = page.evaluate("""() => {
        const map = window[document.querySelector('.folium-map').id];
        let lines = 0;
        map.eachLayer(layer => { if (layer instanceof L.Polyline && layer.feature) lines += 1; });
        return lines;
    }""")
    assert lines == 1
    assert page.errors == [] and page.foreign == []
    page.context.close()


def test_journey_pages_pass_axe_accessibility_checks(browser, journey_server):
    page = offline_page(browser, journey_server, "/journeys")
    paths = ["/journeys", "/journeys/ve-nguon-o-mon", "/journeys/dia-chi-do-ninh-thuan?lang=en",
             "/sites/dinh-phu-luong"]
    assert axe_failures(page, journey_server, paths) == {}
    page.context.close()
