"""Scan throughput: `/q/{code}` (page + counted, committed scan) against `/healthz` of the same server.

Starts the real `diachido serve` (one process, like the README's command) on 200 synthetic sites (their
pages rendered once before measuring, as the first scans of the day do) and a fresh data folder, and drives it
from another process with wrk (Debian: `apt-get install wrk`), alternating the endpoints round by round so both
see the same machine noise.

A scan counts once per visitor and site in 30 minutes, so the counted scans come from distinct visitors:
a wrk script walks through (site, phone) pairs, 200 sites times 1,000 phone User-Agents (real traffic
repeats a few hundred User-Agents), never repeating a pair. wrk's connections all come from 127.0.0.1, so
the server runs with the ceiling per address lifted (`DIACHIDO_COUNTED_PER_ADDRESS`), as if the phones
came from many addresses. Also measured, for context: the same phone (keeping its visitor cookie) scanning
again and a bot (the same page, not counted). After the run it checks the database holds every counted scan
wrk received an answer for, and prints the server's peak memory.

`--against REV` (issue 22: never slower than the last release on the scan path) also starts the server of
commit REV, from a temporary git worktree with this checkout's virtual environment and REV's own template
site, and measures both side by side, alternating them round by round, then prints each endpoint's ratio.
Each endpoint's server CPU time per answered request (all the server's threads, from /proc) is printed too,
and compared: on a machine shared with other work, requests per second swing with the neighbours' load
(a round may get a third of another's), while the CPU one request costs moves far less.

Run: .venv/bin/python bench/scan.py [--rounds 7] [--seconds 5] [--connections 32] [--narrate-ahead false]
                                    [--against f918ae9]
(`false` is the baseline without background narration: the issue 15 target is the same ratio either way.)
"""

import argparse
import contextlib
import http.client
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.live import CONSOLE_SCRIPT, PHONE_BROWSER, start_server  # noqa: E402
from tests.synthetic import TEMPLATE, make_synthetic_content  # noqa: E402

SITES, PHONES = 200, 1000
# What a phone's browser sends with every request.
BROWSER = {**PHONE_BROWSER, "Accept-Encoding": "gzip, deflate, br", "Accept-Language": "vi-VN,vi;q=0.9,en;q=0.8"}
BOT = {**BROWSER, "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}
# The server and the load generator each get a core of their own, so they do not take turns on one.
SERVER_CPU, CLIENT_CPU = 0, 1
COUNTED = "scan, new visitor (counted)"
ENDPOINTS = {
    "healthz": ("/healthz", BROWSER),
    COUNTED: ("/q/dt00000", None),  # the path and User-Agent come from DISTINCT_VISITORS
    "scan, same phone (not counted)": ("/q/dt00000", {**BROWSER, "Cookie": "visitor=samephone0000000000000"}),
    "scan, bot (not counted)": ("/q/dt00000", BOT),
}
# Request n scans site n % SITES as phone (n // SITES) % PHONES; `init` takes the first n of this run.
DISTINCT_VISITORS = """
local n = 0
function init(args) n = tonumber(args[1]) end
function request()
  local site, phone = n %% %(sites)d, math.floor(n / %(sites)d) %% %(phones)d
  n = n + 1
  return wrk.format("GET", string.format("/q/dt%%05d", site), {
    ["User-Agent"] = string.format(%(agent)r, phone),
    ["Accept-Encoding"] = %(encoding)r, ["Accept-Language"] = %(language)r})
end
"""


def wrk(url: str, headers: dict | None, seconds: int, connections: int, script: Path, first: int) -> tuple[float, int]:
    """Requests per second and requests completed, from one wrk run (with `script` when `headers` is None)."""
    command = ["taskset", "-c", str(CLIENT_CPU), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    if headers is None:
        command += ["-s", str(script), "--", str(first)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise SystemExit(f"wrk saw errors on {url}:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    completed = int(re.search(r"(\d+) requests in", output).group(1))
    return rate, completed


def warm_up(base_url: str) -> None:
    """Render every site page once (as a bot: not counted), so rounds measure counting, not first renders."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port)
    for number in range(SITES):
        connection.request("GET", f"/q/dt{number:05d}", headers=BOT)
        connection.getresponse().read()


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU time (user and system) the server process has used so far: all its threads, and its event loop's
    (the main thread, which answers every request; the others are workers such as narration, niced)."""
    def read(stat: Path) -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return read(Path(f"/proc/{pid}/stat")), read(Path(f"/proc/{pid}/task/{pid}/stat"))


@dataclass
class Build:
    """A version of the server to measure: this checkout, or a commit checked out in a temporary worktree."""

    label: str
    tree: Path  # where it runs: a commit's server imports its own packages from its tree
    program: tuple[str, ...]  # how its `diachido` starts
    template: Path = TEMPLATE  # the site its synthetic sites copy (its own content model)
    settings_source: str = ""  # the text of its Settings, when it may lack some of today's settings
    rates: dict[str, list[float]] = field(default_factory=lambda: {name: [] for name in ENDPOINTS})
    # CPU µs per answered request: the whole process's and its event loop's
    cpu_us: dict[str, list[float]] = field(default_factory=lambda: {name: [] for name in ENDPOINTS})
    loop_us: dict[str, list[float]] = field(default_factory=lambda: {name: [] for name in ENDPOINTS})
    answered: int = 0
    next_visitor: int = 0


@contextlib.contextmanager
def commit_build(rev: str, root: Path) -> Iterator[Build]:
    """Commit `rev` in a temporary worktree, started by its own console-script entry point."""
    tree = root / "against"
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "--quiet", str(tree), rev], check=True)
    try:
        entry = re.search(r'^diachido = "([\w.]+):(\w+)"', (tree / "pyproject.toml").read_text(), re.M)
        start = (f"import sys; sys.argv[0] = 'diachido'; from {entry[1]} import {entry[2]}; "
                 f"sys.exit({entry[2]}())")
        settings = next(path for path in tree.rglob("settings.py") if "class Settings" in path.read_text())
        yield Build(rev, tree, (sys.executable, "-c", start), tree / "content" / "dinh-thoi-an",
                    settings.read_text())
    finally:
        subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(tree)], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--narrate-ahead", choices=["true", "false"], default="true",
                        help="true (the default setting): narrations are made in the background during the run")
    parser.add_argument("--against", metavar="REV", help="also measure commit REV, side by side, round by round")
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    with tempfile.TemporaryDirectory() as root, contextlib.ExitStack() as stack:
        root = Path(root)
        script = root / "distinct_visitors.lua"
        script.write_text(DISTINCT_VISITORS % {
            "sites": SITES, "phones": PHONES, "agent": BROWSER["User-Agent"].replace("SM-A105F", "SM-A%dF"),
            "encoding": BROWSER["Accept-Encoding"], "language": BROWSER["Accept-Language"]})
        builds = [Build("this checkout", root, (str(CONSOLE_SCRIPT),))]
        if arguments.against:
            builds.append(stack.enter_context(commit_build(arguments.against, root)))
        servers = []
        for number, build in enumerate(builds):
            data = root / f"data-{number}"
            content = make_synthetic_content(root / f"sites-{number}", SITES, template=build.template)
            settings = {"content_dir": str(content), "data_dir": str(data), "reload_interval": "0",
                        "counted_per_address": str(10**9), "narrate_ahead": arguments.narrate_ahead}
            if build.settings_source:  # an older commit refuses settings it does not have
                settings = {key: value for key, value in settings.items() if f"{key}:" in build.settings_source}
            base_url, server = start_server(build.tree, program=build.program, **settings)
            stack.callback(server.wait)
            stack.callback(server.terminate)
            os.sched_setaffinity(server.pid, {SERVER_CPU})
            warm_up(base_url)
            servers.append((build, base_url, server, data))
        idle_rss = [peak_rss_mb(server.pid) for _, _, server, _ in servers]
        for _ in range(arguments.rounds):
            for build, base_url, server, _ in servers:
                for name, (path, headers) in ENDPOINTS.items():
                    cpu_before = cpu_seconds(server.pid)
                    rate, completed = wrk(base_url + path, headers, arguments.seconds, arguments.connections,
                                          script, build.next_visitor)
                    cpu_after = cpu_seconds(server.pid)
                    build.cpu_us[name].append((cpu_after[0] - cpu_before[0]) / completed * 1e6)
                    build.loop_us[name].append((cpu_after[1] - cpu_before[1]) / completed * 1e6)
                    build.rates[name].append(rate)
                    if name == COUNTED:
                        build.answered += completed
                        build.next_visitor += completed + 10 * arguments.connections  # wrk may send a few more
        peak_rss = [peak_rss_mb(server.pid) for _, _, server, _ in servers]
        stored = [sqlite3.connect(data / "visits.sqlite3").execute("SELECT sum(scans) FROM site_totals").fetchone()[0]
                  for *_, data in servers]
        narrations = [len(list((data / "narration").glob("*/*.mp3"))) for *_, data in servers]

    print(f"{arguments.rounds} rounds of {arguments.seconds} s, {arguments.connections} connections; "
          f"1 server process on CPU {SERVER_CPU}, wrk on CPU {CLIENT_CPU}; {SITES} sites")
    # Counted beyond the answers: the same phone's first scan of dt00000, and the requests still in flight
    # when each wrk run stopped (at most one per connection).
    slack = 1 + arguments.connections * arguments.rounds
    for number, build in enumerate(builds):
        rates = build.rates
        print(f"\n{build.label}")
        print(f"{'endpoint':<32} {'median req/s':>12} {'CPU µs/req':>10} {'loop µs/req':>11}   rounds (req/s)")
        for name, values in rates.items():
            print(f"{name:<32} {statistics.median(values):>12.0f} {statistics.median(build.cpu_us[name]):>10.0f} "
                  f"{statistics.median(build.loop_us[name]):>11.0f}   {' '.join(f'{v:.0f}' for v in values)}")
        healthz = statistics.median(rates["healthz"])
        per_round = [scan / health for scan, health in zip(rates[COUNTED], rates["healthz"], strict=True)]
        print(f"ratio counted scan / healthz: {statistics.median(rates[COUNTED]) / healthz:.2f} "
              f"(per round {' '.join(f'{r:.2f}' for r in per_round)}; target >= 0.8)")
        print(f"ratio counted scan / bot scan (cost of counting): "
              f"{statistics.median(rates[COUNTED]) / statistics.median(rates['scan, bot (not counted)']):.2f}")
        print(f"server peak RSS {peak_rss[number]:.0f} MB (idle {idle_rss[number]:.0f} MB); "
              f"narrations made during the run: {narrations[number]}")
        verdict = "OK" if build.answered <= stored[number] <= build.answered + slack else "MISMATCH"
        print(f"counted scans answered {build.answered}, stored {stored[number]}: {verdict}")
    if arguments.against:
        ours, theirs = (build.rates for build in builds)
        print(f"\nthis checkout / {arguments.against}, median of the per-round ratios (target >= 1.0 on scans):")
        for name in ENDPOINTS:
            ratios = [mine / other for mine, other in zip(ours[name], theirs[name], strict=True)]
            print(f"  {name:<32} {statistics.median(ratios):.2f}   ({' '.join(f'{r:.2f}' for r in ratios)})")
        for label, kind in (("server CPU", "cpu_us"), ("event loop CPU", "loop_us")):
            print(f"\n{label} per request of {arguments.against} / of this checkout, median of the per-round ratios "
                  f"(above 1.0: this checkout spends less):")
            ours_cpu, theirs_cpu = (getattr(build, kind) for build in builds)
            for name in ENDPOINTS:
                ratios = [other / mine for mine, other in zip(ours_cpu[name], theirs_cpu[name], strict=True)]
                print(f"  {name:<32} {statistics.median(ratios):.2f}   ({' '.join(f'{r:.2f}' for r in ratios)})")


if __name__ == "__main__":
    main()
