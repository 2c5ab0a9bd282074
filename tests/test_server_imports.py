"""What the server process holds (issue 27): a visitor's common requests (a scan, a site page, the home page, the
map, the health check, the metrics) load none of the heavy libraries that printing, spreadsheets, open data,
engraving, calendar feeds, recordings and PostgreSQL need; those are imported where they are used, in the worker
processes or on the first request that needs them."""

import multiprocessing
import subprocess
import sys
import time

import pytest

from api.caches.base_maps import BaseMapCache
from map.assets import map_assets
from map.base_map import BaseMap, MapLayer, MarkerTexts
from tests.support import REPO, TEST_CONTENT

# Top-level packages the server must not import for a visitor (their size measured alone, in MB): fpdf2 with
# fontTools and HarfBuzz (53), Folium with requests and branca (40), ezdxf (37), openpyxl with lxml (33),
# frictionless (25), psycopg (22), PyAV (21), icalendar (8), pypdfium2 (7), resvg and zxing-cpp.
HEAVY = ("fpdf", "fontTools", "uharfbuzz", "folium", "branca", "requests", "ezdxf", "openpyxl", "lxml",
         "frictionless", "psycopg", "psycopg_pool", "av", "icalendar", "pypdfium2", "resvg_py", "zxingcpp")

COMMON_REQUESTS = f"""
import multiprocessing, shutil, sys, tempfile
from pathlib import Path
from fastapi.testclient import TestClient
from api.app import create_app
from sites.settings import Settings
from tests.live import PHONE_BROWSER

root = Path(tempfile.mkdtemp())
shutil.copytree({str(TEST_CONTENT)!r}, root / "content")
settings = Settings(content_dir=root / "content", data_dir=root / "data", base_url="https://diachido.example",
                    narrate_ahead=False, calendar_ahead=False, reload_interval=0, metrics_token="operator")
with TestClient(create_app(settings)) as client:
    for path in ("/q/pinangtac", "/sites/bay-da-pi-nang-tac", "/", "/map", "/api/map-points.json", "/healthz"):
        answer = client.get(path, headers=PHONE_BROWSER, follow_redirects=False)
        assert answer.status_code in (200, 302, 303, 307), (path, answer.status_code)
    assert "diachido_" in client.get("/metrics", headers={{"Authorization": "Bearer operator"}}).text
    assert "folium-map" in client.get("/map").text  # the base map was drawn (in the map process)
heavy = {set(HEAVY)!r}
shutil.rmtree(root)
print(sorted(heavy & {{name.split(".")[0] for name in sys.modules}}), multiprocessing.active_children())
"""


@pytest.mark.slow  # a fresh interpreter, the app and the map process: about 10 s
def test_a_visitors_common_requests_load_no_heavy_library():
    """In a fresh interpreter (the test run itself has imported everything): the app built on the test sites, then
    a scan from a phone, a site page, the home page, the map and its feed, /healthz and /metrics. The map process
    that drew the base map is stopped with the app."""
    done = subprocess.run([sys.executable, "-c", COMMON_REQUESTS], capture_output=True, text=True, cwd=REPO,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "[] []"


def _drawn(cache: BaseMapCache) -> BaseMap:
    return cache.draw([(10.03, 105.77)], [MapLayer("pagoda", "Pagoda"), MapLayer("relic", "Relic")],
                      data_url="/api/map-points.json",
                      tile_url="/tiles/{z}/{x}/{y}.png", tile_attribution="© OpenStreetMap",
                      assets=map_assets(False), texts=MarkerTexts(*"abcdefg", "."))


@pytest.mark.slow  # two map processes started: a few seconds
def test_the_map_process_draws_then_stops_when_idle_and_starts_again():
    before = set(multiprocessing.active_children())
    cache = BaseMapCache(idle_seconds=0.5)
    try:
        first = _drawn(cache)
        assert '"/tiles/{z}/{x}/{y}.png"' in first.script and '"Pagoda" : feature_group_' in first.script
        assert 'class="folium-map"' in first.html
        started = set(multiprocessing.active_children()) - before
        assert len(started) == 1
        deadline = time.monotonic() + 60
        while any(process.is_alive() for process in started) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(process.is_alive() for process in started)  # stopped once idle
        assert '"Relic" : feature_group_' in _drawn(cache).script  # a new process draws the next map
    finally:
        cache.close()
    assert set(multiprocessing.active_children()) <= before  # and close() stops it
