"""The calendar at 10,000 (or --sites N) synthetic sites, each a copy of Đình Thới An with its three events
(two lunar festivals and a ranking day): about 90,000 occurrences in the three years the feeds expand, of which a
feed holds the first 10,000 (FEED_EVENTS, sites/calendar/calendar_index.py).

Measured against a live `diachido serve`, side by side with /healthz in the same run: the first /calendar.ics
(its sites' events written in the worker process), the same feed from memory (issue 24 target: under 50 ms),
a province's feed put together from sites already written, a site's feed, the /calendar page and the home page,
and the whole feed again after one site is edited (only that site is written again). A site page's time (one every
50 ms) while the first feed is being written shows what the worker process takes from visitors.
Run: .venv/bin/python bench/calendar_feeds.py [--sites 10000]
"""

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.load import best_of  # noqa: E402
from sites.calendar.calendar_index import CalendarIndex  # noqa: E402
from sites.catalog.loader import load_content  # noqa: E402
from tests.live import start_server  # noqa: E402
from tests.synthetic import make_synthetic_content  # noqa: E402

GZIP = {"Accept-Encoding": "gzip"}


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[bytes, float]:
    start = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=600) as response:
        body = response.read()
    return body, time.perf_counter() - start


def best(url: str, headers: dict[str, str] | None = None, runs: int = 7) -> float:
    return best_of(runs, lambda: fetch(url, headers))


def half_in_khanh_hoa(number: int, text: str) -> str:
    """Every other site in Khánh Hòa, so a province's feed is half the whole one."""
    return text.replace("province: Cần Thơ", "province: Khánh Hòa") if number % 2 else text


def main(count: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-calendar-"))
    try:
        content = make_synthetic_content(root, count, half_in_khanh_hoa)
        registry = load_content(content).registry
        started = time.perf_counter()
        index = CalendarIndex(registry, dt.date.today())
        print(f"sites {count:,}; occurrences in the window {len(index.all):,}; index made in "
              f"{(time.perf_counter() - started) * 1000:.0f} ms (once per content version and day)")
        base_url, server = start_server(root, start_timeout=max(60, count / 20), content_dir=str(content),
                                        data_dir=str(root / "data"), narrate_ahead="false", reload_interval="0.5",
                                        calendar_ahead="false")  # the first request measures a cold write
        try:
            health = best(f"{base_url}/healthz")
            scans: list[float] = []
            done = threading.Event()

            def scan_while_writing() -> None:  # a visitor every 50 ms, not a flood competing for the CPU
                while not done.wait(0.05):
                    scans.append(fetch(f"{base_url}/sites/di-tich-00001")[1])

            watcher = threading.Thread(target=scan_while_writing)
            watcher.start()
            body, first = fetch(f"{base_url}/calendar.ics")
            done.set()
            watcher.join()
            plain = best(f"{base_url}/calendar.ics", {"Accept-Encoding": "identity"})
            zipped_body, _ = fetch(f"{base_url}/calendar.ics", GZIP)
            zipped = best(f"{base_url}/calendar.ics", GZIP)
            quiet_scan = best(f"{base_url}/sites/di-tich-00001")
            print(f"/healthz                    {health * 1000:8.1f} ms")
            print(f"/calendar.ics first         {first * 1000:8.0f} ms   {len(body) / 1e6:.1f} MB, "
                  f"{body.count(b'BEGIN:VEVENT'):,} events, gzipped {len(zipped_body) / 1e6:.1f} MB")
            print(f"/calendar.ics from memory   {plain * 1000:8.1f} ms plain, {zipped * 1000:.1f} ms gzipped   "
                  f"ratio to /healthz {zipped / health:.0f}x  (target < 50 ms)")
            scans.sort()
            if scans:
                print(f"a site page while writing   {scans[len(scans) // 2] * 1000:8.1f} ms median, "
                      f"{scans[-1] * 1000:.1f} ms worst of {len(scans)}; quiet {quiet_scan * 1000:.1f} ms")
            province = f"{base_url}/calendar.ics?province=Kh%C3%A1nh%20H%C3%B2a"
            _, province_first = fetch(province, GZIP)
            print(f"?province= first, memory    {province_first * 1000:8.0f} ms, {best(province, GZIP) * 1000:.1f} ms"
                  "   (its sites' events the whole feed holds already written)")
            site = f"{base_url}/sites/di-tich-00042.ics"
            _, site_first = fetch(site, GZIP)
            print(f"/sites/{{slug}}.ics           {site_first * 1000:8.1f} ms first, {best(site, GZIP) * 1000:.1f} ms")
            _, page_first = fetch(f"{base_url}/calendar")
            page, home = best(f"{base_url}/calendar", GZIP), best(f"{base_url}/", GZIP)
            print(f"/calendar page              {page_first * 1000:8.0f} ms first, {page * 1000:.1f} ms;  "
                  f"home {home * 1000:.1f} ms")
            edited = content / "di-tich-00007" / "index.md"
            edited.write_text(edited.read_text(encoding="utf-8").replace("Lễ Hạ Điền", "Lễ Hạ Điền (sửa)"),
                              encoding="utf-8")
            time.sleep(3)  # the server sees the change and loads the content again
            _, after_edit = fetch(f"{base_url}/calendar.ics", GZIP)
            print(f"/calendar.ics after an edit {after_edit * 1000:8.0f} ms   (one site written again)")
        finally:
            server.terminate()
            server.wait(timeout=10)
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10_000, help="how many synthetic sites (default 10,000)")
    main(parser.parse_args().sites)
