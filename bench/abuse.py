"""Attacks from issue 11 against the real server: what each costs in memory, and what it does to scans.

Starts `diachido serve` on a free loopback port with 1,000 synthetic sites (bench/load.py), measures
`/q/{code}` with a phone's User-Agent while idle, then runs each attack (bounded in requests and time)
while a separate process keeps scanning. For each attack it prints the server's peak RSS against its idle
RSS (VmHWM, reset before each attack, and the sampled RSS of the server with its child processes, such as
the poster worker) and the scans' p50/p99 during the attack against idle, all from one run.
Targets: peak < idle + 300 MB; scan p99 during an attack < 5x idle p99.

To add an attack: write `def name(target: Target) -> Counter` that sends a bounded number of requests and
returns their status codes, and decorate it with `@attack("label")`.
Run: .venv/bin/python bench/abuse.py [--only posters] [--sites 1000] [--one-core]
`--one-core` pins the server (every thread, and the processes it starts later) to CPU 0 and this script,
the attackers and the scanning probe to CPU 1: the server then has one core, as on a 1-vCPU VPS, and the
load generator does not take its CPU time.
"""

import argparse
import contextlib
import http.client
import multiprocessing
import os
import queue
import random
import re
import string
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.synthetic import make_synthetic_content  # noqa: E402
from tests.live import start_server  # noqa: E402

PHONE = ("Mozilla/5.0 (Linux; Android 11; SM-A105F) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/120.0.6099.230 Mobile Safari/537.36")
IDLE_SCANS = 400
ATTACK_SECONDS = 120  # no attack may run longer; its unanswered requests are then abandoned
RSS_BUDGET_MB = 300
P99_RATIO_BUDGET = 5


@dataclass(frozen=True)
class Target:
    """The server under attack: its address, process id, and a site to aim at (not the one scanned)."""

    base_url: str
    pid: int
    slug: str
    code: str

    @property
    def host_port(self) -> tuple[str, int]:
        parts = urllib.parse.urlsplit(self.base_url)
        return parts.hostname, parts.port


ATTACKS: dict[str, Callable[[Target], Counter]] = {}


def attack(label: str) -> Callable:
    """Register an attack under `label`, in the order of definition."""
    def register(function: Callable[[Target], Counter]) -> Callable[[Target], Counter]:
        ATTACKS[label] = function
        return function
    return register


def request(target: Target, method: str, path: str, headers: dict | None = None, body: bytes | None = None,
            connection: http.client.HTTPConnection | None = None) -> tuple[int, dict, bytes]:
    """One request (on `connection` if given, kept alive); returns status, headers (lower-case) and body."""
    own = connection is None
    connection = connection or http.client.HTTPConnection(*target.host_port, timeout=ATTACK_SECONDS)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        if own:
            connection.close()


def in_parallel(jobs: list[Callable[[], int]], workers: int) -> Counter:
    """Run `jobs` on `workers` threads; the count of each status (or error name) they returned."""
    statuses: Counter = Counter()
    deadline = time.monotonic() + ATTACK_SECONDS

    def guarded(job: Callable[[], int]) -> int | str:
        if time.monotonic() > deadline:
            return "skipped (time limit)"
        try:
            return job()
        except OSError as exc:
            return type(exc).__name__

    with ThreadPoolExecutor(workers) as pool:
        statuses.update(pool.map(guarded, jobs))
    return statuses


# --- the attacks of issue 11 (numbered as there) ---

@attack("1. QR flood: 100 sizes 7000-7099, 40 parallel")
def qr_flood(target: Target) -> Counter:
    return _qr_sizes(target, range(7000, 7100))


@attack("1b. QR flood: 100 allowed sizes 3900-3999, 40 parallel")
def qr_flood_allowed(target: Target) -> Counter:
    return _qr_sizes(target, range(3900, 4000))


def _qr_sizes(target: Target, sizes: range) -> Counter:
    path = f"/qr/{target.slug}.png?size={{}}&ec=Q"
    return in_parallel([lambda size=size: request(target, "GET", path.format(size))[0] for size in sizes], 40)


@attack("2. 40 parallel logins with random names")
def logins(target: Target) -> Counter:
    def login() -> int:
        connection = http.client.HTTPConnection(*target.host_port, timeout=ATTACK_SECONDS)
        with contextlib.closing(connection):
            _, headers, page = request(target, "GET", "/admin/login", connection=connection)
            token = re.search(rb'name="csrf_token" value="([^"]+)"', page)[1].decode()
            cookie = headers.get("set-cookie", "").split(";")[0]
            name = "".join(random.choices(string.ascii_lowercase, k=12))
            form = urllib.parse.urlencode({"csrf_token": token, "name": name, "password": "sai-mat-khau-" + name})
            return request(target, "POST", "/admin/login", body=form.encode(), connection=connection, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})[0]

    return in_parallel([login] * 40, 40)


@attack("4. 24 parallel /posters.pdf")
def posters(target: Target) -> Counter:
    return in_parallel([lambda: request(target, "GET", "/posters.pdf")[0]] * 24, 24)


@attack("10. 2,000 scans from one client, each with its own User-Agent")
def scan_flood(target: Target) -> Counter:
    def scans(first: int) -> Counter:
        statuses: Counter = Counter()
        connection = http.client.HTTPConnection(*target.host_port, timeout=ATTACK_SECONDS)
        with contextlib.closing(connection):
            for number in range(first, 2000, 8):
                agent = PHONE.replace("SM-A105F", f"SM-A{number:04d}")
                statuses[request(target, "GET", f"/q/{target.code}", {"User-Agent": agent}, connection=connection)[0]] += 1
        return statuses

    with ThreadPoolExecutor(8) as pool:
        return sum(pool.map(scans, range(8)), Counter())


# --- measuring ---

def status_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of `pid`, in kB."""
    fields = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0])
    return fields


def tree_rss_kb(pid: int) -> int:
    """RSS of `pid` and every process it started (the poster worker), in kB."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError):
            total += status_kb(current)["VmRSS"]
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(child) for child in children.read().split()]
    return total


@contextlib.contextmanager
def peak_rss(pid: int) -> Iterator[dict]:
    """Yields a dict filled on exit with the peak VmHWM of `pid` and the peak sampled RSS of its tree (MB)."""
    with open(f"/proc/{pid}/clear_refs", "w") as clear:  # "5" resets VmHWM to the current RSS
        clear.write("5")
    result, stop = {"tree": tree_rss_kb(pid)}, threading.Event()

    def sample() -> None:
        while not stop.wait(0.02):
            result["tree"] = max(result["tree"], tree_rss_kb(pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield result
    finally:
        stop.set()
        sampler.join()
        result["tree"] = max(result["tree"], tree_rss_kb(pid)) / 1024
        result["hwm"] = status_kb(pid)["VmHWM"] / 1024


def _probe(host: str, port: int, code: str, ready, stop, count: int, out) -> None:
    """Scan `/q/code` as a phone, one request after another, until `stop` is set or `count` are done."""
    connection = http.client.HTTPConnection(host, port, timeout=ATTACK_SECONDS)

    def scan() -> float:
        start = time.perf_counter()
        connection.request("GET", f"/q/{code}", headers={"User-Agent": PHONE})
        response = connection.getresponse()
        response.read()
        assert response.status == 200, response.status
        return time.perf_counter() - start

    scan()  # connects, and imports what http.client imports on first use
    ready.set()
    timings = []
    while not stop.is_set() and len(timings) < count:
        timings.append(scan())
    out.put(timings)


@contextlib.contextmanager
def scanning(target: Target, code: str, count: int = 10**9) -> Iterator[list[float]]:
    """Scans of `code` in a separate process (so the attack's threads do not slow the client) while the
    block runs; the list is filled with their times in seconds on exit."""
    context = multiprocessing.get_context("spawn")
    ready, stop, out = context.Event(), context.Event(), context.Queue()
    process = context.Process(target=_probe, args=(*target.host_port, code, ready, stop, count, out))
    process.start()
    ready.wait(ATTACK_SECONDS)
    timings: list[float] = []
    try:
        yield timings
    finally:
        stop.set()
        timings += out.get(timeout=ATTACK_SECONDS)
        process.join()


def percentile(timings: list[float], share: float) -> float:
    """The `share` quantile of `timings`, in milliseconds."""
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def idle_scans(target: Target, code: str, count: int = IDLE_SCANS) -> list[float]:
    """Scan times with nothing else going on."""
    out: queue.SimpleQueue = queue.SimpleQueue()
    _probe(*target.host_port, code, threading.Event(), threading.Event(), count, out)
    return out.get()


@contextlib.contextmanager
def abuse_server(root: Path, sites: int, one_core: bool = False) -> Iterator[Target]:
    """`diachido serve` on loopback with `sites` synthetic sites, until the block ends."""
    content = make_synthetic_content(root, sites)
    base_url, process = start_server(root, content_dir=str(content), data_dir=str(root / "data"),
                                     reload_interval="0")
    if one_core:
        for thread in os.listdir(f"/proc/{process.pid}/task"):
            os.sched_setaffinity(int(thread), {0})
        os.sched_setaffinity(0, {1})
    try:
        yield Target(base_url, process.pid, "di-tich-00001", "dt00001")
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--only", help="run only the attacks whose label contains this text")
    parser.add_argument("--one-core", action="store_true", help="the server on CPU 0, the load generator on CPU 1")
    arguments = parser.parse_args()
    chosen = {label: run for label, run in ATTACKS.items() if not arguments.only or arguments.only in label}
    with (tempfile.TemporaryDirectory() as temporary,
          abuse_server(Path(temporary), arguments.sites, arguments.one_core) as target):
        scanned = "dt00002"
        idle_scans(target, scanned, 50)  # warm up: page cache, connections
        idle_rss = status_kb(target.pid)["VmRSS"] / 1024
        idle = idle_scans(target, scanned)
        idle_p50, idle_p99 = percentile(idle, 0.5), percentile(idle, 0.99)
        print(f"idle: RSS {idle_rss:.0f} MB; scan p50 {idle_p50:.1f} ms, p99 {idle_p99:.1f} ms ({len(idle)} scans)")
        print(f"{'attack':<56} {'s':>5} {'peak MB':>8} {'tree MB':>8} {'+MB':>5} {'p50':>6} {'p99':>6} "
              f"{'p99 x':>6} {'scans':>6} {'ok':>3}  statuses")
        for label, run in chosen.items():
            with peak_rss(target.pid) as rss, scanning(target, scanned) as timings:
                start = time.monotonic()
                statuses = run(target)
                seconds = time.monotonic() - start
            peak = max(rss["hwm"], rss["tree"])
            p99 = percentile(timings, 0.99)
            ok = peak < idle_rss + RSS_BUDGET_MB and p99 < P99_RATIO_BUDGET * idle_p99
            print(f"{label:<56} {seconds:>5.1f} {rss['hwm']:>8.0f} {rss['tree']:>8.0f} {peak - idle_rss:>5.0f} "
                  f"{percentile(timings, 0.5):>6.1f} {p99:>6.1f} {p99 / idle_p99:>6.1f} {len(timings):>6} {'yes' if ok else 'NO':>3}  "
                  f"{dict(statuses)}")


if __name__ == "__main__":
    main()
