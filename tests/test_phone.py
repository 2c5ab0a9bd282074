"""Every page on a 360x740 phone in real Chromium: no sideways scroll, tap targets of at least 24x24 px (WCAG 2.2,
2.5.8) or spaced apart, and screenshots at phone and desktop sizes of the pages with tables and the map.

The screenshots go to a `screenshots/` folder under pytest's temporary directory (its path is printed).
"""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.live import live_server
from tests.support import PHONE, PHONE_BROWSER, TEST_CONTENT, adduser, horizontal_overflow, log_in

pytestmark = pytest.mark.live  # every test here starts a real `diachido serve`

DESKTOP = {"width": 1366, "height": 900}
SLUGS = sorted(path.parent.name for path in TEST_CONTENT.glob("*/index.md"))

PUBLIC = ["/", "/?q=dinh", "/?lang=en", "/stats", "/stats?lang=en&sort=name", "/map", "/map?lang=en",
          "/map?province=Cần Thơ", "/map/embed", "/api/docs", "/sites/khong-co", "/q/LINHSON",
          "/journeys", "/journeys/ve-nguon-o-mon", "/journeys/ve-nguon-o-mon?lang=en", "/j/ninhthuan",
          "/map?journey=ve-nguon-o-mon", "/sites/dinh-thoi-an/report",
          *(f"/sites/{slug}" for slug in SLUGS), *(f"/sites/{slug}?lang=en" for slug in SLUGS)]
ADMIN = ["/admin", "/admin/new", "/admin/sites/dinh-thoi-an", "/admin/sites/dinh-thoi-an/preview", "/admin/import",
         "/admin/journeys", "/admin/journeys/new", "/admin/journeys/ve-nguon-o-mon", "/admin/users", "/admin/reports"]

# WCAG 2.2 target size (minimum): a target is at least 24x24 CSS px, or a 24 px circle on its centre touches no
# other target; links inside a sentence or a block of text are exempt (the "inline" exception).
SMALL_TARGETS = """() => {
  const targets = [...document.querySelectorAll(
      'a[href], button, summary, select, input:not([type=hidden]), [role=button]')]
    .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
      && getComputedStyle(el).visibility !== 'hidden'
      && !el.closest('[aria-hidden=true], .sr'); });  // not a pointer target
  const inline = el => getComputedStyle(el).display === 'inline'
    && el.parentElement.textContent.trim().length > el.textContent.trim().length + 3
    && !el.closest('nav, .langs, .admin-nav, td, th, .leaflet-control-zoom');
  const small = el => { const r = el.getBoundingClientRect(); return r.width < 23.5 || r.height < 23.5; };
  const centre = el => { const r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; };
  const near = (el, other) => {  // does el's 24 px circle meet other's box (or other's circle, if other is small)?
    const [x, y] = centre(el);
    const meets = r => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom)) < 12;
    if ([...other.getClientRects()].some(meets)) return true;  // each line of a link that wraps
    if (!small(other)) return false;
    const [ox, oy] = centre(other);
    return Math.hypot(ox - x, oy - y) < 24;
  };
  return targets.filter(el => small(el) && !inline(el) && targets.some(o => o !== el && !o.contains(el)
      && !el.contains(o) && near(el, o)))
    .map(el => { const r = el.getBoundingClientRect();
      return `${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim().slice(0, 30)}" `
        + `${Math.round(r.width)}x${Math.round(r.height)}`; });
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[str]:
    """A live server on the bundled content with one admin account (tiles from the server itself: they 404)."""
    root = tmp_path_factory.mktemp("phone")
    shutil.copytree(TEST_CONTENT, root / "content")
    adduser(root / "data", "hoa", "--role", "admin")
    with live_server(root / "content", root / "data", tile_url="/tiles/{z}/{x}/{y}.png") as base_url:
        yield base_url


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots", numbered=True)
    print(f"screenshots in {folder}")
    return folder


def phone_page(browser, **options):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                  locale="vi-VN", user_agent=PHONE_BROWSER["User-Agent"], **options)
    return context, context.new_page()


def check(page, base_url: str, path: str) -> list[str]:
    """What is wrong with `path` on this page's screen: sideways scroll and small targets."""
    page.goto(f"{base_url}{path}")
    page.wait_for_load_state("networkidle")
    problems = []
    if (overflow := wider_than_screen(page)) > 0:
        problems.append(f"scrolls sideways by {overflow} px")
    problems += [f"small target {target}" for target in page.evaluate(SMALL_TARGETS)]
    return problems


def test_every_public_page_fits_a_360px_phone_with_targets_big_enough(browser, site):
    context, page = phone_page(browser)
    failures = {path: problems for path in PUBLIC if (problems := check(page, site, path))}
    context.close()
    assert failures == {}


def test_every_admin_page_fits_a_360px_phone_with_targets_big_enough(browser, site):
    context, page = phone_page(browser)
    problems = check(page, site, "/admin/login")
    log_in(page, site, "hoa")
    failures = {path: found for path in ADMIN if (found := check(page, site, path))}
    if problems:
        failures["/admin/login"] = problems
    context.close()
    assert failures == {}


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_screenshots_of_the_pages_with_tables_and_the_map(browser, site, shots, size):
    """/stats, /map and the admin list at 360x740 and 1366x900; their key column stays on screen on a phone."""
    viewport = PHONE if size == "phone" else DESKTOP
    context = browser.new_context(viewport=viewport, locale="vi-VN", is_mobile=size == "phone")
    page = context.new_page()
    cut = {}
    for name, path in [("stats", "/stats"), ("map", "/map?province=Cần Thơ")]:
        page.goto(f"{site}{path}")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=shots / f"{name}-{size}.png", full_page=True)
        cut[path] = cut_cells(page)
    log_in(page, site, "hoa")
    page.screenshot(path=shots / f"admin-sites-{size}.png", full_page=True)
    cut["/admin"] = cut_cells(page)
    overflow = wider_than_screen(page)
    context.close()
    assert overflow <= 0
    assert cut == {"/stats": [], "/map?province=Cần Thơ": [], "/admin": []}, "cells of a first row are off screen"


def wider_than_screen(page) -> int:
    """How far the page is wider than the screen. A phone browser widens its layout viewport to fit wide content
    (then scrollWidth equals innerWidth, both too wide), so both are compared with the screen's own width too."""
    screen = page.viewport_size["width"]
    return max(horizontal_overflow(page), page.evaluate("document.documentElement.scrollWidth") - screen,
               page.evaluate("window.innerWidth") - screen)


def cut_cells(page) -> list[str]:
    """The cells of the table's first row that are not wholly on screen (cut off, or behind a sideways scroll)."""
    return page.evaluate("""() => [...document.querySelector('tbody tr').children]
      .filter(cell => { const r = cell.getBoundingClientRect(), box = cell.closest('table').getBoundingClientRect();
        return r.left < 0 || r.right > Math.min(window.innerWidth, box.right) + 0.5; })
      .map(cell => cell.textContent.trim().slice(0, 20))""")


# Every site on screen, alone (a circle on the canvas) or in a cluster (an icon): its box on the page and radius.
SITES_ON_SCREEN = """() => {
  const map = window[document.querySelector('.folium-map').id], box = map.getContainer().getBoundingClientRect();
  const found = [];
  map.eachLayer(layer => {
    if (!(layer instanceof L.CircleMarker && layer.feature)) return;
    const p = map.latLngToContainerPoint(layer.getLatLng()), r = layer.options.radius;
    found.push({slug: layer.feature.properties.slug, radius: r,
                left: box.left + p.x - r, right: box.left + p.x + r,
                top: box.top + p.y - r, bottom: box.top + p.y + r});
  });
  document.querySelectorAll('.site-cluster').forEach(icon => {
    const r = icon.getBoundingClientRect();
    found.push({slug: 'cluster', radius: r.width / 2, left: r.left, right: r.right, top: r.top, bottom: r.bottom});
  });
  return found;
}"""


def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


@pytest.mark.parametrize(("lang", "legend"), [("vi", "Lượt truy cập (quét + xem)"), ("en", "Visits (scans + views)")])
def test_the_map_on_a_phone_folds_its_legend_and_no_marker_starts_under_it(browser, site, lang, legend):
    context, page = phone_page(browser)
    page.goto(f"{site}/map?province=Cần Thơ&lang={lang}")
    page.wait_for_selector(".folium-map[data-sites]")
    page.wait_for_timeout(300)  # the cluster layer draws its icons after the fit
    summary = page.locator(".map-legend summary")
    assert summary.inner_text() == legend
    assert page.locator(".map-legend").get_attribute("open") is None, "the legend starts folded on a phone"
    box = summary.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    sites = page.evaluate(SITES_ON_SCREEN)
    assert sum(1 for s in sites if s["slug"] != "cluster") >= 1 and all(s["radius"] >= 12 for s in sites)
    controls = [page.locator(selector).bounding_box() for selector in
                (".map-legend", ".leaflet-control-zoom", ".leaflet-control-layers", ".leaflet-control-attribution")]
    controls = [{"left": c["x"], "right": c["x"] + c["width"], "top": c["y"], "bottom": c["y"] + c["height"]}
                for c in controls]
    assert [s["slug"] for s in sites if any(overlaps(s, c) for c in controls)] == []
    summary.click()
    assert page.locator(".map-legend").get_attribute("open") is not None
    assert page.locator(".map-legend").inner_text().count("\n") >= 7  # six visit steps and the cluster
    text = page.locator(".leaflet-control-attribution").inner_text()
    assert text.startswith("Leaflet |") and page.locator(".leaflet-control-attribution svg").count() == 0
    context.close()


def test_on_a_desktop_the_legend_is_open_and_a_popup_link_is_in_the_site_red(browser, site):
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{site}/map?province=Cần Thơ")
    page.wait_for_selector(".folium-map[data-sites]")
    page.wait_for_timeout(300)
    assert page.locator(".map-legend").get_attribute("open") is not None
    alone = next(s for s in page.evaluate(SITES_ON_SCREEN) if s["slug"] != "cluster")
    page.mouse.click((alone["left"] + alone["right"]) / 2, (alone["top"] + alone["bottom"]) / 2)
    link = page.locator(".site-popup a", has_text="Xem trang di tích")
    link.wait_for()
    assert link.evaluate("a => getComputedStyle(a).color") == "rgb(164, 22, 26)"  # --red, not Leaflet's blue
    context.close()
