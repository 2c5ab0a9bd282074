"""A 30-stop journey's leaflet against a single poster, and its page against a site page, side by side in one
run (issue 13).

Targets: the leaflet under 200 ms for 30 stops; the journey page under 30 KB gzipped (no photos). Every
fourth stop has no known place, every fifth a long name, so the route sketch, fitting and shortening are
all part of the figures. Times are CPU seconds of this process (other work on the machine does not count).
Run: .venv/bin/python -m bench.journeys [--stops 30] [--runs 20]  (as a module: bench/map.py would shadow map/)
"""

import argparse
import gzip
import statistics
import tempfile
import time
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from api.app import create_app
from qr.journey_leaflets import LeafletFormat, LeafletStop, LeafletText, leaflet
from qr.posters import Branding, PosterFormat, PosterText, poster
from sites.settings import Settings

BASE = "https://diachido.vn"
SUMMARY = "Đình làng ở Ô Môn, có từ năm 1832; nơi thờ Thành hoàng và các vị tiền hiền khai khẩn đất Thới An."


def journey(stops: int) -> LeafletText:
    return LeafletText(
        title="Hành trình về địa chỉ đỏ: các di tích của quận Ô Môn", summary=SUMMARY, facts=f"Xe đạp · {stops} điểm",
        url=f"{BASE}/j/omon", organisation="Đoàn TNCS Hồ Chí Minh quận Ô Môn",
        stops=tuple(LeafletStop(
            number=n, name=("Khu di tích lịch sử cách mạng Đình Thới An " * 2 if n % 5 == 0
                            else "Đình Thới An") + f" {n}",
            summary=SUMMARY, distance="Từ điểm trước: ≈ 2,3 km", url=f"{BASE}/q/dt{n:03d}",
            point=None if n % 4 == 0 else (10.1 + n * 0.01, 105.6 + (n % 5) * 0.01),
        ) for n in range(1, stops + 1)),
    )


def timed(build, runs: int) -> float:
    """Median CPU seconds of `runs` builds (the first, which loads the font files, is left out)."""
    build()
    times = []
    for _ in range(runs):
        start = time.process_time()
        build()
        times.append(time.process_time() - start)
    return statistics.median(times)


def write(folder: Path, front: dict, body: str) -> None:
    folder.mkdir(parents=True)
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body
    (folder / "index.md").write_text(text, encoding="utf-8")


def content(root: Path, stops: int) -> Path:
    """`stops` sites (every fourth without a place) and one journey through all of them, in `root`."""
    for n in range(1, stops + 1):
        front = {"name": f"Đình Thới An {n}", "slug": f"dinh-{n}", "code": f"dt{n:03d}", "category": "dinh",
                 "address": {"text": "Phường Thới An, quận Ô Môn", "province": "Cần Thơ"}, "summary": SUMMARY}
        if n % 4:
            front["location"] = {"lat": 10.1 + n * 0.01, "lon": 105.6 + (n % 5) * 0.01, "precision": "approximate"}
        write(root / f"dinh-{n}", front, "## Lịch sử\n\n" + SUMMARY + "\n")
    write(root / "journeys" / "hanh-trinh", {
        "name": "Hành trình về địa chỉ đỏ: các di tích của quận Ô Môn", "slug": "hanh-trinh", "code": "omon",
        "summary": SUMMARY[:200], "stops": [{"site": f"dinh-{n}", "note": "Ghé thăm."} for n in range(1, stops + 1)],
        "travel_mode": "bicycle", "province": "Cần Thơ",
    }, "## Hành trình\n\n" + SUMMARY + "\n")
    return root


def pages(stops: int, runs: int) -> None:
    """The journey page against a site page: build time (uncached) and gzipped bytes."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        settings = Settings(content_dir=content(root / "content", stops), data_dir=root / "data", base_url=BASE,
                            reload_interval=0)
        bot = {"User-Agent": "bench"}  # not counted: the page alone is measured
        with TestClient(create_app(settings)) as client:
            built = {}
            for label, path in (("one site page", "/sites/dinh-1"),
                                (f"{stops}-stop journey page", "/journeys/hanh-trinh")):
                response = client.get(path, headers=bot)
                assert response.status_code == 200 and response.text.count('class="stop-number"') in (0, stops), path
                body = response.content
                # `?b=` makes the page cache render it every time (the site page is otherwise kept)
                built[label] = (timed(lambda path=path: client.get(path + "?lang=vi&b=1", headers=bot), runs),
                                len(gzip.compress(body)))
    site_s = built["one site page"][0]
    print(f"{'page':>28} {'median ms':>10} {'x site':>9} {'gzip KB':>8}")
    for label, (seconds, size) in built.items():
        print(f"{label:>28} {seconds * 1000:>10.1f} {seconds / site_s:>9.2f} {size / 1000:>8.1f}")
    print("target: journey page < 30 KB gzipped")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stops", type=int, default=30)
    parser.add_argument("--runs", type=int, default=20)
    arguments = parser.parse_args()
    site = PosterText("Đình Thới An", "Đình", "Di tích lịch sử - văn hóa cấp thành phố, 2004", SUMMARY,
                      f"{BASE}/q/thoian")
    poster_s = timed(lambda: poster(site, PosterFormat.a4, Branding("Đoàn TNCS Hồ Chí Minh")), arguments.runs)
    print(f"{'build':>28} {'median ms':>10} {'x poster':>9}")
    print(f"{'one A4 poster':>28} {poster_s * 1000:>10.1f} {1:>9.2f}")
    for fmt in LeafletFormat:
        text = journey(arguments.stops)
        seconds = timed(lambda text=text, fmt=fmt: leaflet(text, fmt), arguments.runs)
        label = f"{arguments.stops}-stop leaflet {fmt.value}"
        print(f"{label:>28} {seconds * 1000:>10.1f} {seconds / poster_s:>9.2f}")
    print("target: leaflet < 200 ms for 30 stops\n")
    pages(arguments.stops, arguments.runs)


if __name__ == "__main__":
    main()
