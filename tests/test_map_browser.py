"""The map in a real headless Chromium against a live `diachido serve`, with no network: requests to other
hosts are refused. Map tiles may fail that way; nothing else may (no script, style or data from a CDN)."""

import contextlib
import itertools
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from map.build import MIN_ZOOM, UNCLUSTERED_ZOOM
from map.scale import VISIT_STEPS
from tests.live import live_server
from tests.support import MAPPED, PHONE, UNMAPPED, axe_failures, horizontal_overflow, phone
from tests.synthetic import make_synthetic_content

TILE_HOST = "tile.openstreetmap.org"

# The sites drawn: markers in the cluster layer, each with its GeoJSON properties.
MARKERS_JS = """() => {
    const map = window[document.querySelector('.folium-map').id];
    const found = [];
    map.eachLayer(layer => {
        if (layer instanceof L.MarkerClusterGroup)
            layer.getLayers().forEach(m => found.push(m.feature.properties.slug));
    });
    return found;
}"""
# Each drawn marker: its visits (scans + views, from the GeoJSON), radius and colour.
MARKER_LOOKS_JS = """() => {
    const map = window[document.querySelector('.folium-map').id];
    const found = [];
    map.eachLayer(layer => {
        if (layer instanceof L.MarkerClusterGroup) layer.getLayers().forEach(m => found.push(
            [m.feature.properties.scans + m.feature.properties.views, m.options.radius, m.options.fillColor]));
    });
    return found;
}"""
# How many sites the cluster holds so far (-1 before the map exists: until folium's script assigns the
# map, window[id] is the <div> of that id, which browsers expose as a global).
CLUSTERED_JS = """() => {
    const map = window[document.querySelector('.folium-map')?.id];
    let count = -1;
    if (map instanceof L.Map) map.eachLayer(layer => {
        if (layer instanceof L.MarkerClusterGroup) count = layer.getLayers().length;
    });
    return count;
}"""
# What is on screen: sites drawn on their own plus the number written on each cluster.
SHOWN_JS = """() => {
    const map = window[document.querySelector('.folium-map').id];
    let alone = 0;
    map.eachLayer(layer => { if (layer instanceof L.CircleMarker && layer.feature) alone += 1; });
    const clustered = [...document.querySelectorAll('.site-cluster')].reduce((sum, c) => sum + Number(c.innerText), 0);
    return alone + clustered;
}"""
# What the browser does for each site: the zoom levels the cluster layer groups markers at (it places every
# marker on a grid of each), and how many markers carry a popup of their own.
WORK_JS = """() => {
    const map = window[document.querySelector('.folium-map').id];
    let cluster;
    map.eachLayer(layer => { if (layer instanceof L.MarkerClusterGroup) cluster = layer; });
    const levels = Object.keys(cluster._gridClusters).map(Number);
    return {min_zoom: map.getMinZoom(), levels: [Math.min(...levels), Math.max(...levels)],
            own_popups: cluster.getLayers().filter(m => m.getPopup()).length};
}"""
# Zoom until the site's marker stands alone (not in a cluster), then give its position on the page.
MARKER_POSITION_JS = """slug => new Promise((resolve, reject) => {
    const map = window[document.querySelector('.folium-map').id];
    let marker, cluster;
    map.eachLayer(layer => {
        if (layer instanceof L.MarkerClusterGroup) {
            cluster = layer;
            marker = layer.getLayers().find(m => m.feature.properties.slug === slug);
        }
    });
    const position = () => {
        const point = map.latLngToContainerPoint(marker.getLatLng());
        const box = map.getContainer().getBoundingClientRect();
        resolve({x: box.left + point.x, y: box.top + point.y});
    };
    if (map.hasLayer(marker)) position(); else cluster.zoomToShowLayer(marker, position);
    setTimeout(() => reject(new Error('the marker of ' + slug + ' never stood alone')), 5000);
})"""


@contextlib.contextmanager
def other_website(html: str) -> Iterator[str]:
    """Another website (a Youth Union branch's), on its own port: a different origin. Yields its address."""
    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    with ThreadingHTTPServer(("127.0.0.1", 0), Page) as website:
        threading.Thread(target=website.serve_forever, daemon=True).start()
        yield f"http://localhost:{website.server_address[1]}"
        website.shutdown()


def offline_page(context, *allowed: str):
    """A page that may reach only the `allowed` addresses; `page.foreign` lists what else it asked for, tiles
    apart, and `page.errors` its script errors."""
    page = context.new_page()
    page.foreign, page.errors = [], []

    def route(route):
        url = route.request.url
        if url.startswith(allowed):
            return route.continue_()
        if urlsplit(url).hostname != TILE_HOST:
            page.foreign.append(url)
        return route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


_phones = itertools.count()


def scan(server: str, code: str) -> None:
    """Scan a plaque's QR code from another phone each time (outside the map's browser): each scan counts."""
    request = urllib.request.Request(f"{server}/q/{code}", headers=phone(next(_phones)))
    with urllib.request.urlopen(request) as response:
        assert response.status == 200


def open_map(page, url: str) -> None:
    assert page.goto(url).status == 200
    page.wait_for_selector(".leaflet-container[data-sites]")


def popup_counts(page, server: str, slug: str) -> dict[str, str]:
    """Click the site's marker as a visitor would and read the popup: title and each count."""
    position = page.evaluate(MARKER_POSITION_JS, slug)
    page.mouse.click(position["x"], position["y"])
    popup = page.locator(".leaflet-popup-content .site-popup")
    popup.wait_for()
    counts = dict(zip(popup.locator("dt").all_inner_texts(), popup.locator("dd").all_inner_texts(), strict=True))
    counts["title"] = popup.locator("strong").inner_text()
    counts["href"] = popup.locator("strong a").get_attribute("href")
    page.keyboard.press("Escape")
    return counts


def test_the_map_draws_every_mapped_site_and_a_scan_shows_after_a_reload(browser, server):
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="vi-VN")
    page = offline_page(context, server)
    scan(server, "pinangtac")
    open_map(page, f"{server}/map")
    assert page.locator(".leaflet-container").count() == 1
    drawn = page.evaluate(MARKERS_JS)
    assert sorted(drawn) == sorted(MAPPED) and UNMAPPED not in drawn  # Thạnh Đức has no coordinates
    assert page.evaluate(SHOWN_JS) == len(MAPPED)  # every site is a marker or counted in a cluster
    assert page.locator(".map-legend").inner_text().startswith("Lượt truy cập (quét + xem)")
    for visits, radius, color in page.evaluate(MARKER_LOOKS_JS):  # the scanned site is bigger and redder
        step = [step for step in VISIT_STEPS if visits >= step.least][-1]
        assert (radius, color) == (step.radius, step.color)
    assert {color for *_, color in page.evaluate(MARKER_LOOKS_JS)} == {VISIT_STEPS[0].color, VISIT_STEPS[1].color}

    before = popup_counts(page, server, "bay-da-pi-nang-tac")
    assert before["title"] == "Bẫy đá Pi Năng Tắc"
    assert before["href"] == f"{server}/sites/bay-da-pi-nang-tac"
    scans = int(before["Lượt quét QR"])
    assert scans >= 1 and int(before["30 ngày qua"]) >= scans

    scan(server, "pinangtac")
    page.reload()
    page.wait_for_selector(".leaflet-container[data-sites]")
    after = popup_counts(page, server, "bay-da-pi-nang-tac")
    assert int(after["Lượt quét QR"]) == scans + 1
    assert page.foreign == [] and page.errors == []
    context.close()


def test_the_layer_control_hides_and_shows_a_category(browser, server):
    context = browser.new_context(viewport={"width": 1024, "height": 800}, locale="en-US")
    page = offline_page(context, server)
    open_map(page, f"{server}/map?lang=en")
    page.locator(".leaflet-control-layers").hover()
    communal_houses = page.locator(".leaflet-control-layers-overlays label", has_text="Communal house")
    communal_houses.locator("input").uncheck()
    assert sorted(page.evaluate(MARKERS_JS)) == sorted(MAPPED - {"dinh-phu-luong", "dinh-thoi-an"})
    communal_houses.locator("input").check()
    assert sorted(page.evaluate(MARKERS_JS)) == sorted(MAPPED)
    assert page.foreign == [] and page.errors == []
    context.close()


def test_markers_are_grouped_only_at_the_zooms_of_a_country_map_and_share_one_popup(browser, server):
    """At 40,000 sites most of the browser's work was placing every marker on a grid for each of 20 zoom levels
    and binding a popup to each: now zooming out stops at the whole country, sites stand alone from
    UNCLUSTERED_ZOOM, and one popup shows the site clicked (the popup tests above click markers)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, locale="vi-VN")
    page = offline_page(context, server)
    open_map(page, f"{server}/map")
    assert page.evaluate(WORK_JS) == {"min_zoom": MIN_ZOOM, "levels": [MIN_ZOOM, UNCLUSTERED_ZOOM - 1], "own_popups": 0}
    assert page.foreign == [] and page.errors == []
    context.close()


def test_filters_narrow_the_drawn_sites(browser, server):
    context = browser.new_context(viewport=PHONE, is_mobile=True, locale="vi-VN")
    page = offline_page(context, server)
    open_map(page, f"{server}/map")
    page.select_option("#category", "chua")
    page.locator("form.search button").click()
    page.wait_for_selector(".leaflet-container[data-sites]")
    assert page.evaluate(MARKERS_JS) == ["chua-pothi-somron"]
    assert page.locator("tbody th").all_inner_texts() == ["Chùa Pôthi Somrôn"]
    assert horizontal_overflow(page) <= 0
    assert page.foreign == [] and page.errors == []
    context.close()


def test_the_embed_works_in_an_iframe_on_another_website(browser, server):
    frames = f'<!doctype html><title>Đoàn phường</title><iframe id="embed" src="{server}/map/embed" width="600" ' \
             f'height="400"></iframe><iframe id="page" src="{server}/map" width="600" height="200"></iframe>'
    with other_website(frames) as website:
        context = browser.new_context(viewport={"width": 900, "height": 700}, locale="vi-VN")
        page = offline_page(context, server, website)
        page.goto(f"{website}/ban-do")
        embed = page.frame_locator("#embed")
        embed.locator(".leaflet-container[data-sites]").wait_for()
        assert sorted(next(f for f in page.frames if "/map/embed" in f.url).evaluate(MARKERS_JS)) == sorted(MAPPED)
        assert embed.locator(".map-list a").get_attribute("target") == "_blank"
        # /map itself may not be framed (frame-ancestors 'none'): Chromium shows an error page instead.
        assert page.frame_locator("#page").locator(".leaflet-container").count() == 0
        assert page.foreign == [] and page.errors == []
        context.close()


def test_map_pages_pass_axe_accessibility_checks(browser, server):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", bypass_csp=True)
    page = offline_page(context, server)
    assert axe_failures(page, server, ["/map", "/map?lang=en&category=dinh", "/map/embed"]) == {}
    context.close()


MANY = 1500


@pytest.fixture(scope="module")
def many_sites(tmp_path_factory) -> Iterator[str]:
    """A live server on MANY synthetic sites spread over the Mekong delta (a province's worth)."""
    root = tmp_path_factory.mktemp("many")

    def spread(number: int, text: str) -> str:
        return (text.replace("lat: 10.1244", f"lat: {9.0 + (number % 50) / 25:.5f}")
                .replace("lon: 105.6308", f"lon: {104.7 + (number // 50) / 15:.5f}"))
    content = make_synthetic_content(root, MANY, spread)
    with live_server(content, root / "data", narrate_ahead="false") as base_url:
        yield base_url


@pytest.mark.live
def test_many_markers_load_in_chunks_and_all_end_up_in_the_cluster(browser, many_sites):
    """On a slow phone (CPU 20x slower) the page answers while markers are still being added, with part of them
    in the cluster; at the end every site is there and the map says so (data-sites)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, locale="vi-VN")
    page = offline_page(context, many_sites)
    # What the cluster holds each time the page's main thread is free (every 5 ms at most).
    page.add_init_script(f"window.clustered = []; const clustered = {CLUSTERED_JS};"
                         "setInterval(() => window.L && window.clustered.push(clustered()), 5);")
    page.goto(f"{many_sites}/healthz")  # the same origin first: the throttled renderer stays for /map
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 20})
    open_map(page, f"{many_sites}/map")
    seen = set(page.evaluate("window.clustered"))
    assert any(0 < count < MANY for count in seen), seen  # the main thread was free between chunks
    assert page.locator(".leaflet-container").get_attribute("data-sites") == str(MANY)
    assert page.evaluate(CLUSTERED_JS) == MANY
    assert page.evaluate(SHOWN_JS) == MANY  # every site is a marker or counted in a cluster
    assert page.foreign == [] and page.errors == []
    context.close()
