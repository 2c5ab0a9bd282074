"""Attacks from issues 11 and 21 against the real server, and the harness that measures them: what each costs in
memory, and what it does to scans. bench/abuse.py runs them all and prints the table; tests/test_print_limits.py
runs a few with their targets asserted.

The harness starts `diachido serve` on a free loopback port with synthetic sites (tests/synthetic.py), measures
`/q/{code}` with a phone's User-Agent while idle, then runs each attack (bounded in requests and time) while a
separate process keeps scanning, and reads the server's peak RSS (VmHWM, reset before each attack, and the
sampled RSS of the server with its child processes, such as the poster worker).

To add an attack: write `def name(target: Target) -> Counter` that sends a bounded number of requests and
returns their status codes, and decorate it with `@attack("label")`. What must happen before the measured part
(forms fetched, a person's wait) goes in `prepare(target)`, whose result is passed on: `@attack("label", prepare)`.

Issue 21 adds a generic attacker, one attack per public door of api/public/doors.py (labels "door GET /path"):
clients (4-8) send long unique query values, long unique User-Agents, keys that do not exist (and the real
ones, to reach the door's work) and, to a door that takes a body, oversized, malformed and many-field bodies.
A new public route needs no new attack: declaring it is enough.
"""

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
import threading
import time
import urllib.parse
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from api.public.doors import DOORS, Door
from sites.form_guard import MIN_FILL_SECONDS
from tests.live import start_server
from tests.synthetic import make_synthetic_content

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
                statuses[request(target, "GET", f"/q/{target.code}", {"User-Agent": agent},
                                 connection=connection)[0]] += 1
        return statuses

    with ThreadPoolExecutor(8) as pool:
        return sum(pool.map(scans, range(8)), Counter())


# --- issue 21 (numbered as there) ---

@attack("21-2. 2,000 map feeds, random 65 KB provinces, 4 conns")
def map_feed_keys(target: Target) -> Counter:
    """Each distinct filter once kept a build lock: +63 KB of RSS a request. Now a 422 before any cache."""
    return _on_connections(target, 2000, 4, lambda number: (
        f"/api/map-points.json?province={random.randbytes(32_500).hex()}", {"User-Agent": PHONE}))


@attack("21-3. 800 scans, unique 60 KB User-Agents, 4 conns")
def long_agents(target: Target) -> Counter:
    """A new 60 KB agent cost 101 ms of crawler patterns and stayed in the verdict cache; now cut to 512."""
    return _on_connections(target, 800, 4, lambda number: (
        f"/q/{target.code}", {"User-Agent": f"{PHONE} {random.randbytes(30_000).hex()}"}))


def _on_connections(target: Target, count: int, connections: int,
                    make: Callable[[int], tuple[str, dict]]) -> Counter:
    """`count` GET requests, `make(number)` giving each one's path and headers, over `connections` kept-alive
    connections in parallel."""
    def send(first: int) -> Counter:
        statuses: Counter = Counter()
        connection = http.client.HTTPConnection(*target.host_port, timeout=ATTACK_SECONDS)
        deadline = time.monotonic() + ATTACK_SECONDS
        with contextlib.closing(connection):
            for number in range(first, count, connections):
                if time.monotonic() > deadline:
                    statuses["skipped (time limit)"] += 1
                    continue
                statuses[request(target, "GET", *make(number), connection=connection)[0]] += 1
        return statuses

    with ThreadPoolExecutor(connections) as pool:
        return sum(pool.map(send, range(connections)), Counter())


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
    return in_parallel(reports[:8] + [job for pair in zip(posters, reports[8:20], strict=True) for job in pair]
                       + reports[20:], 8)


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


# --- issue 21: the generic attacker, one attack per public door ---

DOOR_SECONDS = 5.0
DOOR_CLIENTS = 6
LONG_VALUE = 3000  # characters of a long query value; a long User-Agent is up to twice that
BIG_BODY_BYTES = 4 * 2**20  # the most one request sends (a door that reads more is refused by its declared length)
QUERY_NAMES = ("lang", "q", "province", "category", "size", "cm", "dpi", "ec", "format", "bleed", "month", "page",
               "from", "to", "journey", "sort", "next", "code", "sent")
_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")


def _token(rng: random.Random, length: int) -> str:
    return "".join(rng.choices(string.ascii_lowercase + string.digits + "-", k=length))


def door_path(door: Door, target: Target, rng: random.Random) -> str:
    """The door's path with each parameter the real site's key (half the time, to reach the door's work) or a
    key that does not exist, and long unique query values (or random numbers, for sizes and pages)."""
    def key(match: re.Match) -> str:
        if rng.random() < 0.5:
            return {"slug": target.slug, "code": target.code, "extension": rng.choice(("pdf", "csv", "xlsx"))}.get(
                match[1], _token(rng, 12))
        return _token(rng, rng.randint(8, 200))

    path = door.path + "/" + _token(rng, rng.randint(8, 200)) if door.files else _PARAMETER.sub(key, door.path)
    query = {name: str(rng.randint(0, 10_000)) if rng.random() < 0.3 else _token(rng, rng.randint(1, LONG_VALUE))
             for name in rng.sample(QUERY_NAMES, rng.randint(1, 4))}
    query[_token(rng, 8)] = _token(rng, rng.randint(1, LONG_VALUE))
    return path + "?" + urllib.parse.urlencode(query)


def door_body(door: Door, rng: random.Random) -> tuple[dict, bytes | Iterator[bytes]]:
    """Headers and a hostile body for a door that reads one: declared too large, streamed past its limit (no
    length, chunked), not what it parses, or a form with far more fields than it takes."""
    limit = door.body_bytes
    kind = rng.choice(("declared too large", "streamed too large", "malformed", "many fields", "garbage file"))
    if kind == "declared too large":  # a short body under a length past the limit: answered before it is read
        return {"Content-Length": str(limit + 1), "Content-Type": "application/x-www-form-urlencoded"}, b"x=1"
    if kind == "streamed too large":
        size = min(limit + 1, BIG_BODY_BYTES)
        return {"Content-Type": "application/json"}, iter([b"[" * 65536] * (size // 65536 + 1))  # http.client chunks
    if kind == "malformed":
        content_type = rng.choice(("application/json", "multipart/form-data; boundary=" + _token(rng, 20),
                                   "application/x-www-form-urlencoded", "text/plain"))
        return {"Content-Type": content_type}, rng.randbytes(rng.randint(1, min(limit, 65536)))
    if kind == "many fields":
        form = "&".join(f"{_token(rng, 6)}={_token(rng, 20)}" for _ in range(5000))
        return {"Content-Type": "application/x-www-form-urlencoded"}, form.encode()[:limit]
    boundary = _token(rng, 24)
    garbage = rng.randbytes(min(limit // 2, 2**20))  # a "photo" that is no image
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode() + garbage + f"\r\n--{boundary}--\r\n".encode()
    return {"Content-Type": f"multipart/form-data; boundary={boundary}"}, body


def flood_door(door: Door, seconds: float, clients: int, target: Target) -> Counter:
    """`clients` clients, each a request after another for `seconds`: hostile paths, agents and bodies."""
    deadline = time.monotonic() + seconds

    def client(number: int) -> Counter:
        rng, statuses = random.Random(f"{door.path} {number}"), Counter()
        while time.monotonic() < deadline:
            method = rng.choice(door.methods)
            headers = {"User-Agent": f"{PHONE} {_token(rng, rng.randint(100, 2 * LONG_VALUE))}"}
            body = None
            if method == "POST":
                extra, body = door_body(door, rng)
                headers.update(extra)
            connection = http.client.HTTPConnection(*target.host_port, timeout=seconds + 10)
            try:
                statuses[request(target, method, door_path(door, target, rng), headers, body, connection)[0]] += 1
            except (OSError, http.client.HTTPException) as exc:  # the server may close on a refused body
                statuses[type(exc).__name__] += 1
            finally:
                connection.close()
        return statuses

    with ThreadPoolExecutor(clients) as pool:
        return sum(pool.map(client, range(clients)), Counter())


def add_door_attacks(seconds: float, clients: int) -> None:
    """One attack per public door, after the attacks of issue 11."""
    for door in DOORS:
        ATTACKS[f"door {'/'.join(door.methods)} {door.path}"] = (None, functools.partial(flood_door, door, seconds,
                                                                                          clients))


# --- measuring ---

SETTLE_SECONDS = 30  # the most to wait for the work an attack left behind (a poster batch nobody waits for)
QUIET_SHARE = 0.05  # of a core: the server is quiet again below this


def tree_cpu_seconds(pid: int) -> float:
    """CPU time used so far by `pid` and the processes it started (the poster worker)."""
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError):
            with open(f"/proc/{current}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    pending += [int(child) for child in children.read().split()]
    return total


def settle(pid: int) -> bool:
    """Wait (at most SETTLE_SECONDS) until the server uses almost no CPU, so that an attack's leftover work is
    not counted against the next one; False if it was still busy."""
    deadline, used = time.monotonic() + SETTLE_SECONDS, tree_cpu_seconds(pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = tree_cpu_seconds(pid)
        if now - used < QUIET_SHARE * 0.5:
            return True
        used = now
    return False


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
    result["before"] = result["tree"] / 1024

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
    # No narration made ahead: speaking 1,000 synthetic sites in the background would be measured as the attacks'
    # cost (a page asks for its own narration all the same, in the bounded narration queue). Loopback is a trusted
    # proxy: an attack may come from many addresses (X-Forwarded-For), as from a botnet or from phones behind a
    # carrier's NAT, so that per-address limits do not hide what the server itself bounds.
    base_url, process = start_server(root, content_dir=str(content), data_dir=str(root / "data"),
                                     reload_interval="0", narrate_ahead="0", trusted_proxies="127.0.0.1")
    if one_core:
        for thread in os.listdir(f"/proc/{process.pid}/task"):
            os.sched_setaffinity(int(thread), {0})
        os.sched_setaffinity(0, {1})
    try:
        yield Target(base_url, process.pid, "di-tich-00001", "dt00001")
    finally:
        process.terminate()
        process.wait(timeout=10)
