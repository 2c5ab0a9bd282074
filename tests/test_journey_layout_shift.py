"""The journey page does not jump on a slow phone (issue 28: Lighthouse mobile measured a cumulative layout shift
of 0.31-0.33, the map box appearing and pushing the stop list down). Measured as Lighthouse does on mobile: a
412 x 823 phone, the CPU slowed 4x (CDP Emulation.setCPUThrottlingRate), every `layout-shift` entry without
recent input summed (a PerformanceObserver installed before the page's own scripts), until the map is drawn."""

import shutil
from collections.abc import Iterator

import pytest

from tests.live import live_server
from tests.support import TEST_CONTENT, edit_site

pytestmark = [pytest.mark.live, pytest.mark.slow]

JOURNEY = "/journeys/ve-nguon-o-mon"
LIGHTHOUSE_PHONE = {"width": 412, "height": 823}  # Lighthouse's emulated Moto G Power
CPU_SLOWDOWN = 4
PLACES = {"dinh-thoi-an": (10.1400, 105.6200), "dinh-phu-luong": (10.1300, 105.6400),
          "linh-son-co-mieu": (10.1200, 105.6300)}
OBSERVE_SHIFTS = """
window.__shifts = [];
new PerformanceObserver(list => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    // each moved element, and where it was and went, for the failure message
    window.__shifts.push({value: entry.value, sources: (entry.sources || []).map(source =>
      (source.node ? source.node.id || source.node.className || source.node.nodeName : "?") + " "
      + JSON.stringify(source.previousRect) + " -> " + JSON.stringify(source.currentRect))});
  }
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.fixture(scope="module")
def journey_server(tmp_path_factory) -> Iterator[str]:
    """A live server whose Ô Môn journey has four placed stops, so that the map draws a route."""
    root = tmp_path_factory.mktemp("journey-shift")
    shutil.copytree(TEST_CONTENT, root / "content")
    for slug, (lat, lon) in PLACES.items():
        edit_site(root / "content", slug, location={"lat": lat, "lon": lon, "precision": "approximate"})
    with live_server(root / "content", root / "data", narrate_ahead="false") as base_url:
        yield base_url


def layout_shifts(browser, server: str, path: str) -> list[dict]:
    """The layout shifts of loading `path` on a slowed phone, until its map has drawn and settled."""
    context = browser.new_context(viewport=LIGHTHOUSE_PHONE, device_scale_factor=1.75, is_mobile=True,
                                  has_touch=True, locale="vi-VN")
    page = context.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server) else route.abort())
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    page.add_init_script(OBSERVE_SHIFTS)
    assert page.goto(server + path, wait_until="load").status == 200
    page.wait_for_selector("#journey-map .journey-marker")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)  # the service worker's offline box and the map's last redraws
    shifts = page.evaluate("window.__shifts")
    context.close()
    return shifts


def test_the_journey_page_keeps_still_while_its_map_loads_on_a_slow_phone(browser, journey_server):
    shifts = layout_shifts(browser, journey_server, JOURNEY)
    assert sum(shift["value"] for shift in shifts) < 0.1, shifts


def test_without_script_the_map_box_takes_no_room(browser, journey_server):
    context = browser.new_context(viewport=LIGHTHOUSE_PHONE, java_script_enabled=False, locale="vi-VN")
    page = context.new_page()
    assert page.goto(journey_server + JOURNEY).status == 200
    assert page.locator("#journey-map").bounding_box() is None
    assert page.locator("ol.stops h3 a").count() == 5
    context.close()
