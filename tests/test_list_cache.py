"""Lists kept rendered (issue 27, api/caches/list_cache.py): a flood of list requests renders each list once,
while a person reloading a list sees every scan and every content edit at once."""

import gzip
import os
import re
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor

from starlette.responses import Response

from api.caches import list_cache
from api.caches.list_cache import FLOOD_HITS, KEEP_AFTER_SECONDS, ListCache
from api.state import app_state
from tests.support import edit_site, phone


def renders_of(cache: ListCache, registry: object, version: object, times: int, log: list) -> set[bytes]:
    def render() -> Response:
        log.append(version)
        return Response(f"rendered {len(log)}".encode())
    return {cache.response(registry, "key", version, render).body for _ in range(times)}


def test_a_list_is_rendered_once_while_its_version_stays_the_same():
    cache, log, registry = ListCache(), [], object()
    assert renders_of(cache, registry, 1, FLOOD_HITS, log) == {b"rendered 1"} and len(log) == 1
    assert renders_of(cache, registry, 2, 1, log) == {b"rendered 2"}  # a scan was counted: rendered again
    assert renders_of(cache, object(), 2, 1, log) == {b"rendered 3"}  # a new registry: the content changed


def test_a_flooded_list_is_kept_a_moment_after_its_version_changed(monkeypatch):
    cache, log, registry = ListCache(), [], object()
    monkeypatch.setattr(list_cache, "FRESH_PER_RENDER_SECOND", 10**6)  # as if rendering took long
    renders_of(cache, registry, 1, FLOOD_HITS + 1, log)
    assert renders_of(cache, registry, 2, 10, log) == {b"rendered 1"} and len(log) == 1


def test_kept_lists_are_bounded_in_bytes():
    cache, registry = ListCache(max_bytes=10_000), object()
    for number in range(100):
        cache.response(registry, number, 0, lambda: Response(b"x" * 1000))
    assert sum(len(kept.body) for kept in cache._kept.values()) <= 10_000 and len(cache._kept) < 10
    noise = os.urandom(5000)  # over a quarter, gzipped too: served, not kept
    assert cache.response(registry, "noise", 0, lambda: Response(noise)).body == noise and "noise" not in cache._kept


def test_a_list_too_large_to_keep_plain_is_kept_gzipped_and_rendered_once():
    """The GeoJSON of 40,000 sites is about 20 MB plain (600 ms to render) and 2 MB gzipped."""
    cache, registry, renders = ListCache(max_bytes=10_000), object(), []
    big = b'{"type": "FeatureCollection"}' + b" " * 20_000

    def render() -> Response:
        renders.append(1)
        return Response(big)

    plain = cache.response(registry, "big", 0, render)
    again_plain, zipped = cache.response(registry, "big", 0, render), cache.response(registry, "big", 0, render, True)
    assert plain.body == again_plain.body == big and gzip.decompress(zipped.body) == big and len(renders) == 1
    assert cache._kept["big"].body is None and cache._bytes <= 10_000


def scans_on_stats(client) -> str:
    """The total of scans at the foot of /stats."""
    foot = client.get("/stats?sort=name").text.split("<tfoot>", 1)[1]
    return re.search(r'data-label="Lượt quét QR">(\d+)<', foot)[1]


def test_a_scan_shows_on_the_next_reload_of_a_kept_list(client):
    for _ in range(3):
        assert scans_on_stats(client) == "0"
    assert client.get("/q/thoian", headers=phone(1)).status_code == 200
    assert scans_on_stats(client) == "1"
    assert client.get("/api/stats").json()["total"]["scans"] == 1
    feature = next(f for f in client.get("/api/sites.geojson").json()["features"] if f["id"] == "dinh-thoi-an")
    assert feature["properties"]["scans"] == 1


def scans_on_the_map(client, slug: str) -> int:
    """The scans the map's feed gives a site's marker."""
    feed = client.get("/api/map-points.json").json()
    return next(dict(zip(feed["fields"], row, strict=True)) for row in feed["sites"] if row[2] == slug)["scans"]


def test_the_map_feed_is_kept_until_a_scan_and_shows_it_on_the_next_reload(client):
    """The map's markers read /api/map-points.json: kept like the other lists (issue 27), never older than the
    last scan this process counted."""
    kept = app_state(client.app).lists
    assert [scans_on_the_map(client, "dinh-thoi-an") for _ in range(3)] == [0, 0, 0]
    assert [key[0] for key in kept._kept] == ["/api/map-points.json"]  # rendered once, served from memory
    assert client.get("/q/thoian", headers=phone(1)).status_code == 200
    assert scans_on_the_map(client, "dinh-thoi-an") == 1
    gzipped = client.get("/api/map-points.json", headers={"Accept-Encoding": "gzip"})
    assert gzipped.headers["content-encoding"] == "gzip" and gzipped.headers["content-type"] == "application/json"
    assert gzipped.headers["cache-control"] == "no-cache"


def test_a_content_edit_shows_on_the_next_reload_of_the_home_page(content_dir, client):
    assert "Đình Thới An (đã sửa)" not in client.get("/").text
    edit_site(content_dir, "dinh-thoi-an", name="Đình Thới An (đã sửa)")
    app_state(client.app).catalog.reload()
    assert "Đình Thới An (đã sửa)" in client.get("/").text


def test_a_kept_list_echoes_only_its_own_parameters(client):
    """Every stranger's query would otherwise be a list rendered anew, and shown to the next visitor."""
    first = client.get("/?category=dinh&utm_source=zalo").text
    assert "utm_source" not in first and 'href="/?category=dinh&amp;lang=en"' in first
    assert client.get("/?category=dinh&other=1").text == first


def test_a_kept_list_is_the_same_plain_or_gzipped(client):
    gzipped = client.get("/api/sites.geojson", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/api/sites.geojson", headers={"Accept-Encoding": "identity"})
    assert gzipped.headers["content-encoding"] == "gzip" and "content-encoding" not in plain.headers
    assert gzipped.json() == plain.json() and len(plain.json()["features"]) == 6
    assert "Accept-Encoding" in plain.headers["vary"] and gzipped.headers["content-type"] == "application/geo+json"


def test_a_costly_list_is_kept_ten_times_its_cost_after_its_version_changed(monkeypatch):
    """At 40,000 sites a list of counts may take a second: rendered again for each scan, it would take a core."""
    now = [1000.0]
    monkeypatch.setattr(list_cache, "monotonic", lambda: now[0])
    monkeypatch.setattr(list_cache, "thread_time", lambda: now[0])  # the render's time is CPU time
    cache, registry = ListCache(), object()

    def costly(seconds: float, text: bytes):
        def render() -> Response:
            now[0] += seconds
            return Response(text)
        return render

    assert cache.response(registry, "key", 1, costly(0.5, b"first")).body == b"first"
    now[0] += 4.9
    assert cache.response(registry, "key", 2, costly(0.5, b"second")).body == b"first"  # kept 5 s
    now[0] += 0.2
    assert cache.response(registry, "key", 2, costly(0.5, b"second")).body == b"second"


def test_requests_waiting_for_the_same_list_share_one_render():
    cache, renders, registry = ListCache(), [], object()

    def render() -> Response:  # costly enough to be kept
        renders.append(1)
        time.sleep(2 * KEEP_AFTER_SECONDS)
        return Response(b"{}")

    with ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(lambda _: cache.response(registry, ("vi", None), 0, render).body, range(8)))
    assert bodies == [b"{}"] * 8 and len(renders) == 1


def test_the_cache_keeps_no_lock_per_key_once_its_requests_are_answered():
    """A build lock goes with the last request using it (issue 21: a lock kept per key grew by 63 KB a request);
    5,000 keys too large to keep leave nothing behind."""
    cache, registry = ListCache(max_bytes=1000), object()
    cache.response(registry, "warm-up", 0, lambda: Response(b"x" * 300))
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for number in range(5_000):
        cache.response(registry, ("vi", f"{number:08}" * 128), 0, lambda: Response(b"x" * 300))  # keys of 1 KB
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    here = [tracemalloc.Filter(True, __file__), tracemalloc.Filter(True, list_cache.__file__)]  # not other threads'
    grown = sum(stat.size_diff for stat in after.filter_traces(here).compare_to(before.filter_traces(here), "filename"))
    assert grown < 200_000, f"{grown} bytes kept for 5 MB of keys"
