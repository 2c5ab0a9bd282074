"""A class arriving at a plaque (issue 14): 40 students of one outing scan the same plaque within the same
second, while other visitors keep scanning other sites; p50/p99 of the stamping scans against the plain scans
of the same run. Target: stamping p99 < 2x plain p99.

Starts the real `diachido serve` (one process) on the bundled content and a fresh data folder. The outings and
passports are made in the store beforehand (the joining pages are not what is measured). Each round, one class
(40 students, each with its own connection, phone User-Agent and passport cookie) arrives at one stop of the
Ô Môn journey: each student scans at a random moment of the same second (`--spread`; 0: all at once); then
a group as large without passports arrives the same way, to tell the cost of arriving together (fresh
connections, a burst) from the cost of stamping.
Meanwhile `--visitors` connections scan the two sites that are not stops, each scan another phone (so each is
counted and committed, as a plain scan is). All connections come from 127.0.0.1, so the ceiling of counted
visits per address is lifted. Students and visitors share one asyncio loop in this process: with a thread
each, the client's own threads waiting for the GIL made up most of what was measured.

Run: .venv/bin/python bench/outing.py [--classes 4] [--students 40] [--visitors 6] [--spread 1]
"""

import argparse
import asyncio
import gzip
import itertools
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sites.outings.store_sqlite import OUTINGS_FILE, SQLiteOutingStore  # noqa: E402
from tests.live import PHONE_BROWSER, start_server  # noqa: E402

STOPS = ["thoian", "phuluong", "linhson", "pothi", "camthien"]  # the Ô Môn journey, in order
OTHER_SITES = ["pinangtac", "thanhduc"]
BANNER = "Đã đóng dấu hộ chiếu"


def phone(number: int) -> dict[str, str]:
    return {"User-Agent": PHONE_BROWSER["User-Agent"].replace("SM-A105F", f"SM-A{number}F"),
            "Accept-Encoding": "gzip", "Accept-Language": "vi-VN,vi;q=0.9"}


class Connection:
    """One keep-alive HTTP/1.1 connection driven by asyncio: the students and visitors share one thread, so the
    timings do not include waiting for the GIL among dozens of client threads."""

    def __init__(self, base_url: str):
        self.address = urlsplit(base_url)
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> "Connection":
        self.reader, self.writer = await asyncio.open_connection(self.address.hostname, self.address.port)
        return self

    async def get(self, path: str, headers: dict) -> tuple[float, bytes]:
        """Seconds from sending to the whole answer, and its body (decompressed after the clock stops)."""
        lines = [f"GET {path} HTTP/1.1", f"Host: {self.address.netloc}", *(f"{k}: {v}" for k, v in headers.items())]
        started = time.perf_counter()
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
        length = int(re.search(r"content-length: (\d+)", head)[1])
        body = await self.reader.readexactly(length)
        seconds = time.perf_counter() - started
        if not head.startswith("http/1.1 200"):
            raise SystemExit(f"{path}: {head.splitlines()[0]}")
        return seconds, gzip.decompress(body) if "content-encoding: gzip" in head else body

    def close(self) -> None:
        self.writer.close()


async def plain_visitors(base_url: str, latencies: list[float], stop: asyncio.Event, first: int) -> None:
    """Scan the sites that are no stop, each time as another phone, until `stop`."""
    connection = await Connection(base_url).open()
    for number in itertools.count(first):
        if stop.is_set():
            break
        seconds, _ = await connection.get(f"/q/{OTHER_SITES[number % len(OTHER_SITES)]}", phone(number))
        latencies.append(seconds)
    connection.close()


async def student(base_url: str, number: int, token: str | None, code: str, spread: float, latencies: list[float],
                  stamped: list[bool]) -> None:
    """One student of a class that just arrived: scan the plaque at a random moment of the next `spread` s.
    Without a `token`, a visitor of a group without passports arriving the same way (the control)."""
    connection = await Connection(base_url).open()
    await asyncio.sleep(random.uniform(0, spread))
    headers = {**phone(number), "Cookie": f"passport={token}"} if token else phone(number)
    seconds, body = await connection.get(f"/q/{code}", headers)
    latencies.append(seconds)
    if token:
        stamped.append(BANNER.encode() in body)
    connection.close()


async def run(base_url: str, classes: list[list[str]], arguments: argparse.Namespace
              ) -> tuple[list[float], list[float], list[float], list[bool]]:
    """Plain visitors all along; each class arrives at each stop in turn, then a group without passports
    arrives the same way. Returns the latencies of the stamping scans, of the group's scans, of the plain
    scans, and whether each stamping scan's page said it stamped."""
    plain: list[float] = []
    stamping: list[float] = []
    group: list[float] = []
    stamped: list[bool] = []
    stop = asyncio.Event()
    warm = await Connection(base_url).open()
    for code in STOPS + OTHER_SITES:  # render each page once, as the first scans of the day do (not counted)
        await warm.get(f"/q/{code}", {"User-Agent": "curl/8"})
    warm.close()
    visitors = [asyncio.create_task(plain_visitors(base_url, plain, stop, 10**6 * (n + 1)))
                for n in range(arguments.visitors)]
    await asyncio.sleep(1)
    del plain[:]  # from here on: the same period as the arrivals
    phones = itertools.count(1)
    for code in STOPS:
        for tokens in classes:
            await asyncio.gather(*(student(base_url, next(phones), token, code, arguments.spread, stamping, stamped)
                                   for token in tokens))
            await asyncio.sleep(arguments.pause)
            await asyncio.gather(*(student(base_url, next(phones), None, code, arguments.spread, group, stamped)
                                   for _ in tokens))
            await asyncio.sleep(arguments.pause)
    stop.set()
    await asyncio.gather(*visitors)
    return stamping, group, plain, stamped


def percentile(values: list[float], share: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=4, help="outings; each arrives at every stop in turn")
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--visitors", type=int, default=6, help="connections scanning other sites meanwhile")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between two arrivals")
    parser.add_argument("--spread", type=float, default=1.0,
                        help="seconds over which a class's scans arrive (0: all at the same instant)")
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
            stamping, group, plain, stamped = asyncio.run(run(base_url, classes, arguments))
        finally:
            server.terminate()
            server.wait(timeout=10)
        stored = sum(len(row.stamps) for outing in store.outings() for row in store.table(outing.code))

    print(f"{len(stamping)} stamping scans ({arguments.classes} classes of {arguments.students} arriving together at "
          f"each of {len(STOPS)} stops), {len(plain)} plain scans of other sites by {arguments.visitors} visitors")
    print(f"{'':>18} {'p50 ms':>8} {'p99 ms':>8}")
    for name, values in (("stamping scan", stamping), ("group, no passport", group), ("plain scan", plain)):
        print(f"{name:>18} {percentile(values, 0.5) * 1000:8.1f} {percentile(values, 0.99) * 1000:8.1f}")
    ratio = percentile(stamping, 0.99) / percentile(plain, 0.99)
    print(f"stamping p99 / plain p99: {ratio:.2f} (target < 2); the group's arrivals alone: "
          f"{percentile(group, 0.99) / percentile(plain, 0.99):.2f}")
    print(f"stamped pages: {sum(stamped)}/{len(stamped)}; stamps stored: {stored}")
    if sum(stamped) != len(stamped) or stored != len(stamping):
        raise SystemExit("a stamping scan was not stamped or not stored")


if __name__ == "__main__":
    main()
