"""National scale on one worker (issue 27): resident memory, search and site pages at 40,000 synthetic sites.

For each size (default 40,000, 1,000 and the 7 sites of tests/content/ for comparison) it makes its own synthetic
content (copies of Đình Thới An with its quiz, as bench/load.py makes them: tests/synthetic.py), starts
`diachido serve` on it (narration off) and prints, each beside its target:
- the server's resident memory (VmRSS) after start, and after 1,000 requests across the home page's pages,
  `/map`, the map feed, `/api/sites.geojson`, searches and site pages, with the peak (VmHWM);
- `/?q=thoi an` p50: the same search on a different page each time (each page a new render: the kept lists of
  api/caches/list_cache.py do not answer it), and the same page again (kept);
- a site page p50, rendered each time (a query the page cache does not keep), against the same at 7 sites, and
  the p50 of sixty sites' first views;
- the start time (until the server answers) with an empty site cache, and again with the cache it left (warm),
  and the home page's size gzipped.
Run: .venv/bin/python bench/scale_memory.py [--sites 40000 1000] [--requests 1000]
The machine's load average is printed beside the figures: on a shared machine, compare figures of one run.
"""

import argparse
import http.client
import os
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.attacks import status_kb  # noqa: E402
from tests.live import start_server  # noqa: E402
from tests.support import TEST_CONTENT  # noqa: E402
from tests.synthetic import make_synthetic_content  # noqa: E402

PHONE = "Mozilla/5.0 (Linux; Android 11; SM-A105F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile"
RSS_TARGET_MB = {40_000: 600, 1_000: 200}
PEAK_TARGET_MB = {40_000: 800}
SEARCH_TARGET_MS = 20
SITE_PAGE_RATIO = 2
HOME_GZIP_TARGET_KB = 50
START_TARGET_S = {40_000: 15}  # empty site cache
WARM_START_TARGET_S = {40_000: 3}  # the site cache left by the first start
START_TIMEOUT = 900  # an empty-cache start at 40,000 sites on a busy machine


def memory_mb(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of `pid` in MB."""
    return {name: kb / 1024 for name, kb in status_kb(pid).items()}


class Client:
    """One kept-alive connection to the server."""

    def __init__(self, base_url: str):
        parts = urllib.parse.urlsplit(base_url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)

    def get(self, path: str, gzipped: bool = False) -> tuple[int, bytes, float]:
        headers = {"User-Agent": PHONE, **({"Accept-Encoding": "gzip"} if gzipped else {})}
        start = time.perf_counter()
        self.connection.request("GET", path, headers=headers)
        response = self.connection.getresponse()
        body = response.read()
        return response.status, body, (time.perf_counter() - start) * 1000


def p50(client: Client, paths: list[str]) -> float:
    timings = []
    for path in paths:
        status, _, ms = client.get(path)
        assert status == 200, (path, status)
        timings.append(ms)
    return statistics.median(timings)


def mixed_requests(count: int, sites: int) -> list[str]:
    """`count` paths across the lists, the map, the feeds, searches and site pages."""
    pages = max(1, -(-sites // 50))
    paths = []
    for number in range(count):
        kind = number % 10
        slug = f"di-tich-{number * 7919 % sites:05d}" if sites > 7 else "dinh-thoi-an"
        paths.append([
            f"/?page={number % pages + 1}", "/map", "/api/map-points.json", f"/sites/{slug}", f"/sites/{slug}?lang=en",
            f"/?q=thoi+an&page={number % pages + 1}", f"/?q=so+{number % sites}", "/api/sites.geojson",
            f"/map?page={number % max(1, sites // 200) + 1}", f"/api/sites?page={number % max(1, sites // 500) + 1}",
        ][kind])
    return paths


def measure(root: Path, sites: int, requests: int) -> dict:
    """Start a server on `sites` sites (synthetic, or the 7 of tests/content/ for 7) and measure it."""
    content = make_synthetic_content(root, sites) if sites != 7 else TEST_CONTENT
    started = time.monotonic()
    base_url, process = start_server(root, start_timeout=START_TIMEOUT, content_dir=str(content),
                                     data_dir=str(root / f"data-{sites}"), reload_interval="0", narrate_ahead="0")
    try:
        start_seconds = time.monotonic() - started
        after_start = memory_mb(process.pid)
        client = Client(base_url)
        _, home, _ = client.get("/", gzipped=True)
        slug = "di-tich-00000" if sites != 7 else "dinh-thoi-an"
        # Timed once the start's background work is done: the calendar feed it writes ahead (this request waits
        # for it) and the index of places the first site page makes.
        client.get("/calendar.ics")
        client.get(f"/sites/{slug}?ref=first")
        # The same page at every size, as the target says: what a page costs more because there are more sites.
        site_page = p50(client, [f"/sites/{slug}?ref={n}" for n in range(60)])
        result = {"sites": sites, "start_s": start_seconds, "after_start": after_start["VmRSS"],
                  "home_gzip_kb": len(home) / 1024, "site_page_ms": site_page}
        if sites != 7:
            # Sixty sites seen for the first time: their story rendered, their narration's name made (any size).
            result["first_views_ms"] = p50(client, [f"/sites/di-tich-{n * 104729 % sites:05d}" for n in range(1, 61)])
            pages = max(1, -(-sites // 50))
            client.get("/?q=thoi+an&page=1")  # builds the search index
            result["search_ms"] = p50(client, [f"/?q=thoi+an&page={n % pages + 1}" for n in range(1, 61)])
            result["search_kept_ms"] = p50(client, ["/?q=thoi+an"] * 60)
            for path in mixed_requests(requests, sites):
                status, _, _ = client.get(path)
                assert status == 200, (path, status)
        after = memory_mb(process.pid)
        result.update(after_requests=after["VmRSS"], peak=after["VmHWM"])
        return result
    finally:
        process.terminate()
        process.wait(timeout=30)


def warm_start_seconds(root: Path, sites: int) -> float:
    """How long the server takes to answer when started again on the site cache `measure` left."""
    started = time.monotonic()
    _, process = start_server(root, start_timeout=START_TIMEOUT, content_dir=str(root / f"content-{sites}"),
                              data_dir=str(root / f"data-{sites}"), reload_interval="0", narrate_ahead="0")
    seconds = time.monotonic() - started
    process.terminate()
    process.wait(timeout=30)
    return seconds


def verdict(value: float, target: float | None) -> str:
    return "" if target is None else f"(target < {target:g}: {'ok' if value < target else 'NOT MET'})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, nargs="+", default=[40_000, 1_000])
    parser.add_argument("--requests", type=int, default=1000)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        small = measure(Path(temporary), 7, 0)
        print(f"7 sites: site page p50 {small['site_page_ms']:.1f} ms; RSS after start {small['after_start']:.0f} MB "
              f"(load average {os.getloadavg()[0]:.1f})")
        for sites in arguments.sites:
            result = measure(Path(temporary), sites, arguments.requests)
            warm = warm_start_seconds(Path(temporary), sites)
            load = f"load average {os.getloadavg()[0]:.1f}"
            print(f"\n{sites:,} sites ({load}):")
            print(f"  start, empty site cache    {result['start_s']:>7.1f} s  "
                  f"{verdict(result['start_s'], START_TARGET_S.get(sites))}")
            print(f"  start, warm                {warm:>7.1f} s  {verdict(warm, WARM_START_TARGET_S.get(sites))}")
            print(f"  RSS after start            {result['after_start']:>7.0f} MB "
                  f"{verdict(result['after_start'], RSS_TARGET_MB.get(sites))}")
            print(f"  RSS after {arguments.requests:,} requests    {result['after_requests']:>7.0f} MB "
                  f"{verdict(result['after_requests'], RSS_TARGET_MB.get(sites))}")
            peak, search = result["peak"], result["search_ms"]
            print(f"  peak RSS (VmHWM)           {peak:>7.0f} MB {verdict(peak, PEAK_TARGET_MB.get(sites))}")
            print(f"  /?q=thoi an p50            {search:>7.1f} ms {verdict(search, SEARCH_TARGET_MS)}"
                  f" (a new page each time; the same page again, kept: {result['search_kept_ms']:.1f} ms)")
            ratio = result["site_page_ms"] / small["site_page_ms"]
            print(f"  site page p50              {result['site_page_ms']:>7.1f} ms, {ratio:.2f}x the page at 7 sites "
                  f"{verdict(ratio, SITE_PAGE_RATIO)} (60 sites' first views: {result['first_views_ms']:.1f} ms)")
            print(f"  home page gzipped          {result['home_gzip_kb']:>7.1f} KB "
                  f"{verdict(result['home_gzip_kb'], HOME_GZIP_TARGET_KB)}")


if __name__ == "__main__":
    main()
