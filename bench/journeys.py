"""A 30-stop journey's leaflet against a single poster, built side by side in one run (issue 13).

Target: the leaflet under 200 ms for 30 stops. Every fourth stop has no known place, every fifth a long
name, so the route sketch, fitting and shortening are all part of the figures.
Run: .venv/bin/python bench/journeys.py [--stops 30] [--runs 20]
"""

import argparse
import statistics
import time

from qr.leaflets import LeafletFormat, LeafletStop, LeafletText, leaflet
from qr.posters import Branding, PosterFormat, PosterText, poster

BASE = "https://diachido.vn"
SUMMARY = "Đình làng ở Ô Môn, có từ năm 1832; nơi thờ Thành hoàng và các vị tiền hiền khai khẩn đất Thới An."


def journey(stops: int) -> LeafletText:
    return LeafletText(
        title="Hành trình về địa chỉ đỏ: các di tích của quận Ô Môn", summary=SUMMARY, facts=f"Xe đạp · {stops} điểm",
        url=f"{BASE}/j/omon", organisation="Đoàn TNCS Hồ Chí Minh quận Ô Môn",
        stops=tuple(LeafletStop(
            number=n, name=("Khu di tích lịch sử cách mạng Đình Thới An " * 2 if n % 5 == 0 else "Đình Thới An") + f" {n}",
            summary=SUMMARY, distance="Từ điểm trước: ≈ 2,3 km", url=f"{BASE}/q/dt{n:03d}",
            point=None if n % 4 == 0 else (10.1 + n * 0.01, 105.6 + (n % 5) * 0.01),
        ) for n in range(1, stops + 1)),
    )


def timed(build, runs: int) -> float:
    """Median seconds of `runs` builds (the first, which loads the font files, is left out)."""
    build()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        build()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stops", type=int, default=30)
    parser.add_argument("--runs", type=int, default=20)
    arguments = parser.parse_args()
    site = PosterText("Đình Thới An", "Đình", "Di tích lịch sử - văn hóa cấp thành phố, 2004", SUMMARY, f"{BASE}/q/thoian")
    poster_s = timed(lambda: poster(site, PosterFormat.a4, Branding("Đoàn TNCS Hồ Chí Minh")), arguments.runs)
    print(f"{'build':>28} {'median ms':>10} {'x poster':>9}")
    print(f"{'one A4 poster':>28} {poster_s * 1000:>10.1f} {1:>9.2f}")
    for fmt in LeafletFormat:
        text = journey(arguments.stops)
        seconds = timed(lambda text=text, fmt=fmt: leaflet(text, fmt), arguments.runs)
        label = f"{arguments.stops}-stop leaflet {fmt.value}"
        print(f"{label:>28} {seconds * 1000:>10.1f} {seconds / poster_s:>9.2f}")


if __name__ == "__main__":
    main()
