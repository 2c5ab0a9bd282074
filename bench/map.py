"""/map with 10,000 (or --sites N) synthetic sites: base map build time, page size, the map's feed against the
full GeoJSON, and time until Chromium has every marker in the cluster.

Issue targets: build under 0.3 s, HTML under 1.5 MB, markers drawn under 3 s; at 40,000 sites the map feed
under 2 MB gzipped. Baselines measured in the
same run: naive Folium (one folium.Marker with a popup per site, what the issue warns against) for the
build and the size, `/healthz` for request times, and a site page for the time Chromium takes to load
a page at all. A tenth of the sites get visits (1 to 1,000 each) so markers differ in size and colour.

Naive Folium is built only up to 10,000 sites (beyond, it takes minutes).
Run: .venv/bin/python bench/map.py [--sites 40000]  (needs Debian's chromium for the last figures)
"""

import argparse
import asyncio
import gzip
import random
import shutil
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import folium
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.load import best_of  # noqa: E402
from map.assets import map_assets  # noqa: E402
from map.build import MapLayer, MarkerTexts, build_base_map  # noqa: E402
from sites.catalog.loader import load_content  # noqa: E402
from sites.catalog.models import Category  # noqa: E402
from sites.visits.store_sqlite import SQLiteVisitStore  # noqa: E402
from sites.visits.visit import Visit, VisitKind
from tests.live import CHROMIUM_ARGS, start_server  # noqa: E402
from tests.synthetic import make_synthetic_content  # noqa: E402

TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
NAIVE_LIMIT = 10_000
TEXTS = MarkerTexts(scans="Lượt quét QR", views="Lượt xem", recent="30 ngày qua", open_page="Xem trang",
                    legend_title="Lượt truy cập", cluster="Nhóm di tích", load_failed="Lỗi", thousands=".")


def spread(rng: random.Random) -> Callable[[int, str], str]:
    """Moves each synthetic site to a random place in the Mekong delta and gives it a category in turn."""
    categories = list(Category)

    def vary(number: int, text: str) -> str:
        return (text.replace("category: dinh", f"category: {categories[number % len(categories)].value}")
                .replace("lat: 10.1244", f"lat: {rng.uniform(8.8, 11.2):.5f}")
                .replace("lon: 105.6308", f"lon: {rng.uniform(104.6, 106.8):.5f}"))
    return vary


async def add_visits(database: Path, slugs: list[str], rng: random.Random) -> int:
    """Record 1 to 1,000 visits (log-uniform) for each of `slugs` in a real visit store; their total."""
    store = SQLiteVisitStore(database)
    now = datetime.now(UTC)
    visits = [Visit(slug, VisitKind.SCAN if i % 3 else VisitKind.VIEW, i.to_bytes(4, "big"), now)
              for slug in slugs for i in range(int(10 ** rng.uniform(0, 3)))]
    await asyncio.gather(*(store.record(visit) for visit in visits))
    await store.close()
    return len(visits)


def naive_folium(points: list[tuple[str, float, float]]) -> str:
    """The map as plain Folium makes it: a marker with a popup per site, clustered."""
    figure_map = folium.Map(tiles=TILES, attr="OSM")
    cluster = folium.plugins.MarkerCluster().add_to(figure_map)
    for name, lat, lon in points:
        folium.Marker([lat, lon], popup=folium.Popup(f"<b>{name}</b><br>Lượt quét QR: 0")).add_to(cluster)
    return figure_map.get_root().render()


def fetch(url: str, **headers: str) -> tuple[bytes, float]:
    start = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers)) as response:
        body = response.read()
    return body, time.perf_counter() - start


def best_fetch(url: str, runs: int = 5) -> tuple[bytes, float]:
    results = [fetch(url) for _ in range(runs)]
    return results[0][0], min(seconds for _, seconds in results)


def time_to_draw(page, url: str, selector: str, runs: int = 3) -> float:
    """Best time from navigation until `selector` is on the page."""
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(selector, timeout=60_000)
        timings.append(time.perf_counter() - start)
    return min(timings)


def main(count: int) -> None:
    rng = random.Random(2026)
    root = Path(tempfile.mkdtemp(prefix="bench-map-"))
    try:
        content = make_synthetic_content(root, count, spread(rng))
        registry = load_content(content).registry
        sites = registry.all()
        (root / "data").mkdir()
        visits = asyncio.run(add_visits(root / "data" / "visits.sqlite3", [s.slug for s in sites[::10]], rng))
        print(f"{len(sites):,} sites, {visits:,} visits recorded for {len(sites[::10]):,} of them\n")

        points = [(site.meta.location.lat, site.meta.location.lon) for site in sites]
        layers = [MapLayer(c.value, c.value) for c in Category]
        build = best_of(5, lambda: build_base_map(points, layers, data_url="/api/sites.geojson", tile_url=TILES,
                                                  tile_attribution="OSM", assets=map_assets(False), texts=TEXTS))
        naive_html = ""
        if count <= NAIVE_LIMIT:
            start = time.perf_counter()
            naive_html = naive_folium([(site.meta.name, *point) for site, point in zip(sites, points, strict=True)])
            naive = time.perf_counter() - start
            print(f"base map build        {build * 1000:8.1f} ms   naive Folium {naive * 1000:8.0f} ms   "
                  f"ratio {naive / build:6.0f}x faster  (target < 300 ms)")
        else:
            print(f"base map build        {build * 1000:8.1f} ms   (target < 300 ms; naive Folium not built)")

        # A national map takes a while to start on a busy machine; narrating 40,000 sites ahead is not measured here.
        base_url, server = start_server(root, start_timeout=max(20, count / 100), content_dir=str(content),
                                        data_dir=str(root / "data"), narrate_ahead="false")
        try:
            first_map, first = fetch(f"{base_url}/map")
            map_html, map_time = best_fetch(f"{base_url}/map")
            geojson, geojson_time = best_fetch(f"{base_url}/api/sites.geojson")
            feed, feed_time = best_fetch(f"{base_url}/api/map-points.json")
            _, health = best_fetch(f"{base_url}/healthz")
            naive_size = f"naive Folium {len(naive_html) / 1e6:8.1f} MB" if naive_html else ""
            print(f"/map HTML              {len(map_html) / 1e6:8.3f} MB   {naive_size}"
                  f"   gzipped {len(gzip.compress(map_html)) / 1e3:.0f} KB  (target < 1.5 MB)")
            print(f"/map request           {map_time * 1000:8.1f} ms   first (builds the base map) "
                  f"{first * 1000:.0f} ms   /healthz {health * 1000:.1f} ms   ratio {map_time / health:.0f}x")
            for name, body, seconds in (("/api/sites.geojson", geojson, geojson_time),
                                        ("/api/map-points.json", feed, feed_time)):
                zipped = len(gzip.compress(body))
                print(f"{name:22} {seconds * 1000:8.1f} ms   {len(body) / 1e6:.2f} MB "
                      f"({len(body) / count:.0f} B a site), gzipped {zipped / 1e6:.2f} MB   "
                      f"ratio to /healthz {seconds / health:.0f}x")
            print(f"map feed / GeoJSON     {len(feed) / len(geojson):8.2f} raw, "
                  f"{len(gzip.compress(feed)) / len(gzip.compress(geojson)):.2f} gzipped  (target < 2 MB gzipped)")

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.route("https://tile.openstreetmap.org/**", lambda route: route.abort())  # no network here
                drawn = time_to_draw(page, f"{base_url}/map", f".leaflet-container[data-sites='{len(sites)}']")
                site_page = time_to_draw(page, f"{base_url}/sites/{sites[0].slug}", "h1")
                browser.close()
            print(f"markers drawn          {drawn * 1000:8.0f} ms   a site page loads in {site_page * 1000:.0f} ms"
                  f"   ratio {drawn / site_page:.1f}x  (target < 3,000 ms)")
        finally:
            server.terminate()
            server.wait(timeout=10)
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10_000, help="how many synthetic sites (default 10,000)")
    main(parser.parse_args().sites)
