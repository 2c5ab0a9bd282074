"""A class arriving at a plaque (issue 14): 40 students of one outing scan the same plaque within the same
second, while other visitors keep scanning other sites; p50/p99 of the stamping scans against the plain scans
of the same run. Target: stamping p99 < 2x plain p99.

Starts the real `diachido serve` (one process) on the bundled content and a fresh data folder. The outings and
passports are made in the store beforehand (the joining pages are not what is measured). Each round, one class
(40 students, each with its own connection, phone User-Agent and passport cookie) arrives at one stop of the
Ô Môn journey: a barrier releases the 40 scans together. Meanwhile `--visitors` threads scan the two sites
that are not stops, each scan another phone (so each is counted and committed, as a plain scan is).
All connections come from 127.0.0.1, so the ceiling of counted visits per address is lifted.

Run: .venv/bin/python bench/outing.py [--classes 4] [--students 40] [--visitors 6]
"""

import argparse
import http.client
import itertools
import shutil
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench._support import PHONE_BROWSER, start_server  # noqa: E402
from sites.outings import OUTINGS_FILE, SQLiteOutingStore  # noqa: E402

STOPS = ["thoian", "phuluong", "linhson", "pothi", "camthien"]  # the Ô Môn journey, in order
OTHER_SITES = ["pinangtac", "thanhduc"]
BANNER = "Đã đóng dấu hộ chiếu"


def phone(number: int) -> dict[str, str]:
    return {"User-Agent": PHONE_BROWSER["User-Agent"].replace("SM-A105F", f"SM-A{number}F"),
            "Accept-Encoding": "gzip", "Accept-Language": "vi-VN,vi;q=0.9"}


def connect(base_url: str) -> http.client.HTTPConnection:
    address = urlsplit(base_url)
    return http.client.HTTPConnection(address.hostname, address.port, timeout=30)


def timed_get(connection: http.client.HTTPConnection, path: str, headers: dict) -> tuple[float, bytes]:
    """Seconds from sending to the whole answer, and its body."""
    started = time.perf_counter()
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    body = response.read()
    if response.status != 200:
        raise SystemExit(f"{path}: HTTP {response.status}")
    return time.perf_counter() - started, body


def plain_visitors(base_url: str, latencies: list[float], stop: threading.Event, first: int) -> None:
    """Scan the sites that are no stop, each time as another phone, until `stop`."""
    connection = connect(base_url)
    for number in itertools.count(first):
        if stop.is_set():
            return
        seconds, _ = timed_get(connection, f"/q/{OTHER_SITES[number % len(OTHER_SITES)]}", phone(number))
        latencies.append(seconds)


def student(base_url: str, number: int, token: str, code: str, barrier: threading.Barrier,
            latencies: list[float], stamped: list[bool]) -> None:
    """One student: connect, wait for the class, scan the plaque."""
    connection = connect(base_url)
    headers = {**phone(number), "Cookie": f"passport={token}"}
    barrier.wait()
    seconds, body = timed_get(connection, f"/q/{code}", headers)
    latencies.append(seconds)
    stamped.append(BANNER.encode() in body)
    connection.close()


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=4, help="outings; each arrives at every stop in turn")
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--visitors", type=int, default=6, help="threads scanning other sites meanwhile")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between two arrivals")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as root:
        root = Path(root)
        shutil.copytree(REPO / "content", root / "content")
        (root / "data").mkdir()
        store = SQLiteOutingStore(root / "data" / OUTINGS_FILE)
        now = datetime.now(UTC)
        classes = []
        for number in range(arguments.classes):
            outing = store.create("ve-nguon-o-mon", f"Lớp {number + 1}", "Cần Thơ", now - timedelta(hours=1),
                                  now + timedelta(hours=3), "bench", now)
            classes.append([store.join(outing.code, f"Học sinh {student_number}", now).token
                            for student_number in range(arguments.students)])
        base_url, server = start_server(root, content_dir=str(root / "content"), data_dir=str(root / "data"),
                                        reload_interval="0", counted_per_address=str(10**9), narrate_ahead="false")
        try:
            for code in STOPS + OTHER_SITES:  # render each page once, as the first scans of the day do
                timed_get(connect(base_url), f"/q/{code}", {"User-Agent": "curl/8"})
            plain: list[float] = []
            stamping: list[float] = []
            stamped: list[bool] = []
            stop = threading.Event()
            visitors = [threading.Thread(target=plain_visitors, args=(base_url, plain, stop, 10**6 * (n + 1)))
                        for n in range(arguments.visitors)]
            for visitor in visitors:
                visitor.start()
            time.sleep(1)
            plain_before = len(plain)
            phones = itertools.count(1)
            for code in STOPS:
                for tokens in classes:
                    barrier = threading.Barrier(len(tokens))
                    students = [threading.Thread(target=student, args=(base_url, next(phones), token, code, barrier,
                                                                      stamping, stamped)) for token in tokens]
                    for thread in students:
                        thread.start()
                    for thread in students:
                        thread.join()
                    time.sleep(arguments.pause)
            stop.set()
            for visitor in visitors:
                visitor.join()
        finally:
            server.terminate()
            server.wait(timeout=10)
        stored = sum(len(row.stamps) for outing in store.outings() for row in store.table(outing.code))

    plain = plain[plain_before:]
    print(f"{len(stamping)} stamping scans ({arguments.classes} classes of {arguments.students} arriving together at "
          f"each of {len(STOPS)} stops), {len(plain)} plain scans of other sites by {arguments.visitors} visitors")
    print(f"{'':>16} {'p50 ms':>8} {'p99 ms':>8}")
    for name, values in (("stamping scan", stamping), ("plain scan", plain)):
        print(f"{name:>16} {percentile(values, 0.5) * 1000:8.1f} {percentile(values, 0.99) * 1000:8.1f}")
    ratio = percentile(stamping, 0.99) / percentile(plain, 0.99)
    print(f"stamping p99 / plain p99: {ratio:.2f} (target < 2)")
    print(f"stamped pages: {sum(stamped)}/{len(stamped)}; stamps stored: {stored}")
    if sum(stamped) != len(stamped) or stored != len(stamping):
        raise SystemExit("a stamping scan was not stamped or not stored")


if __name__ == "__main__":
    main()
