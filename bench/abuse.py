"""Attacks from issues 11 and 21 against the real server: what each costs in memory, and what it does to scans.

Starts `diachido serve` on a free loopback port with 1,000 synthetic sites (bench/load.py), measures
`/q/{code}` with a phone's User-Agent while idle, then runs each attack (bounded in requests and time)
while a separate process keeps scanning. For each attack it prints the server's peak RSS against its idle
RSS (VmHWM, reset before each attack, and the sampled RSS of the server with its child processes, such as
the poster worker), the RSS the attack left behind ("after"), and the scans' p50/p99 during the attack against
idle, all from one run.
Targets: peak < idle + 300 MB; scan p99 during an attack < 5x idle p99.

To add an attack: write `def name(target: Target) -> Counter` that sends a bounded number of requests and
returns their status codes, and decorate it with `@attack("label")`. What must happen before the measured part
(forms fetched, a person's wait) goes in `prepare(target)`, whose result is passed on: `@attack("label", prepare)`.
Run: .venv/bin/python bench/abuse.py [--only posters] [--sites 1000] [--one-core]
`--one-core` pins the server (every thread, and the processes it starts later) to CPU 0 and this script,
the attackers and the scanning probe to CPU 1: the server then has one core, as on a 1-vCPU VPS, and the
load generator does not take its CPU time.
"""

import argparse
import contextlib
import functools
import http.client
import multiprocessing
import os
import queue
import random
import re
import string
import struct
import sys
import tempfile
import threading
import time
import urllib.parse
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.load import make_synthetic_content  # noqa: E402
from bench._support import start_server  # noqa: E402
from sites.report_guard import MIN_FILL_SECONDS  # noqa: E402

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


ATTACKS: dict[str, tuple[Callable[[Target], object] | None, Callable[..., Counter]]] = {}


def attack(label: str, prepare: Callable[[Target], object] | None = None) -> Callable:
    """Register an attack under `label`, in the order of definition; `prepare(target)` runs unmeasured first
    and its result is the attack's second argument."""
    def register(function: Callable[..., Counter]) -> Callable[..., Counter]:
        ATTACKS[label] = (prepare, function)
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


# --- the attacks of issue 21 (numbered as there) ---

REPORT_FORMS = 6


def report_forms(target: Target) -> list[str]:
    """The tokens of REPORT_FORMS report forms of the target site, old enough to be posted (as a person waits)."""
    tokens = [re.search(rb'name="token" value="([^"]+)"', request(target, "GET", f"/sites/{target.slug}/report")[2])[1]
              for _ in range(REPORT_FORMS)]
    time.sleep(MIN_FILL_SECONDS + 0.2)
    return [token.decode() for token in tokens]


def _post_reports(target: Target, tokens: list[str], photo: bytes) -> Counter:
    """Each token's form posted with `photo`, all at once, each from its own address."""
    def post(number: int, token: str) -> int:
        body, content_type = multipart({"token": token, "kind": "damaged"}, {"photo": ("bang.png", photo, "image/png")})
        return request(target, "POST", f"/sites/{target.slug}/report", body=body, headers={
            "Content-Type": content_type, "User-Agent": PHONE, "X-Forwarded-For": f"10.21.0.{number}"})[0]

    return in_parallel([lambda n=n, token=token: post(n, token) for n, token in enumerate(tokens)], len(tokens))


@attack("21.1 6 report photos of 6300x6300 (131 KB PNG) at once", report_forms)
def report_photo_flood(target: Target, tokens: list[str]) -> Counter:
    return _post_reports(target, tokens, flat_png(6300, 6300))


@attack("21.1b 6 report photos of 4800x4800 (23 MP, allowed) at once", report_forms)
def report_photo_flood_allowed(target: Target, tokens: list[str]) -> Counter:
    return _post_reports(target, tokens, flat_png(4800, 4800))


@attack("21.7 32 report PDFs (random month/province) + 12 posters")
def report_pdf_flood(target: Target) -> Counter:
    """8 clients ask for report PDFs of random months and provinces (half of them made-up names) while staff
    print 12 posters of one site in three formats; statuses are counted per kind."""
    provinces = ["Cần Thơ", "Huế", "Khánh Hòa", "Hà Nội", "Đồng Tháp", "An Giang"]

    def report_pdf(number: int) -> str:
        province = random.choice(provinces) if number % 2 else "".join(random.choices(string.ascii_letters, k=60))
        query = urllib.parse.urlencode({"month": f"2026-{random.randint(1, 11):02d}", "province": province})
        return f"report {request(target, 'GET', f'/stats/report.pdf?{query}')[0]}"

    def poster(number: int) -> str:
        fmt = ("a4", "a5", "plaque")[number % 3]
        return f"poster {request(target, 'GET', f'/posters/{target.slug}.pdf?format={fmt}')[0]}"

    reports = [functools.partial(report_pdf, n) for n in range(32)]
    posters = [functools.partial(poster, n) for n in range(12)]
    # the clients start; staff print while they go on
    return in_parallel(reports[:8] + [job for pair in zip(posters, reports[8:20]) for job in pair] + reports[20:], 8)


def flat_png(width: int, height: int, rows: int | None = None) -> bytes:
    """A single-colour RGB PNG of `width` x `height` written row by row (6300 x 6300 is 131 KB), holding only its
    first `rows` rows when given: a header that promises pixels it lacks."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    packer, row = zlib.compressobj(9), bytes(1 + 3 * width)
    pixels = b"".join(packer.compress(row) for _ in range(height if rows is None else rows)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type, as a browser posts a form with files."""
    boundary = "----diachido" + "".join(random.choices(string.ascii_letters, k=16))
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
              f"Content-Type: {media_type}\r\n\r\n".encode() + data + b"\r\n"
              for name, (filename, data, media_type) in files.items()]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


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
    # Loopback is a trusted proxy: an attack may come from many addresses (X-Forwarded-For), as from a botnet or
    # from phones behind a carrier's NAT, so that per-address limits do not hide what the server itself bounds.
    base_url, process = start_server(root, content_dir=str(content), data_dir=str(root / "data"),
                                     reload_interval="0", trusted_proxies="127.0.0.1")
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
    chosen = {label: jobs for label, jobs in ATTACKS.items() if not arguments.only or arguments.only in label}
    with (tempfile.TemporaryDirectory() as temporary,
          abuse_server(Path(temporary), arguments.sites, arguments.one_core) as target):
        scanned = "dt00002"
        idle_scans(target, scanned, 50)  # warm up: page cache, connections
        idle_rss = status_kb(target.pid)["VmRSS"] / 1024
        idle = idle_scans(target, scanned)
        idle_p50, idle_p99 = percentile(idle, 0.5), percentile(idle, 0.99)
        print(f"idle: RSS {idle_rss:.0f} MB; scan p50 {idle_p50:.1f} ms, p99 {idle_p99:.1f} ms ({len(idle)} scans)")
        print(f"{'attack':<56} {'s':>5} {'peak MB':>8} {'tree MB':>8} {'+MB':>5} {'after':>5} {'p50':>6} {'p99':>6} "
              f"{'p99 x':>6} {'scans':>6} {'ok':>3}  statuses")
        for label, (prepare, run) in chosen.items():
            prepared = () if prepare is None else (prepare(target),)
            with peak_rss(target.pid) as rss, scanning(target, scanned) as timings:
                start = time.monotonic()
                statuses = run(target, *prepared)
                seconds = time.monotonic() - start
            peak = max(rss["hwm"], rss["tree"])
            after = tree_rss_kb(target.pid) / 1024  # what the attack left behind, print process included
            p99 = percentile(timings, 0.99)
            ok = peak < idle_rss + RSS_BUDGET_MB and p99 < P99_RATIO_BUDGET * idle_p99
            print(f"{label:<56} {seconds:>5.1f} {rss['hwm']:>8.0f} {rss['tree']:>8.0f} {peak - idle_rss:>5.0f} {after:>5.0f} "
                  f"{percentile(timings, 0.5):>6.1f} {p99:>6.1f} {p99 / idle_p99:>6.1f} {len(timings):>6} {'yes' if ok else 'NO':>3}  "
                  f"{dict(statuses)}")


if __name__ == "__main__":
    main()
