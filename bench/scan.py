"""Scan throughput: `/q/{code}` (page + counted, committed scan) against `/healthz` of the same server.

Starts the real `diachido serve` (one process, like the README's command) on a copy of content/ and
a fresh data folder, and drives it from another process with wrk (Debian: `apt-get install wrk`),
alternating the endpoints round by round so both see the same machine noise. Also measured, for
context: `/q/{code}` from a bot (the same page, not counted), to show what counting itself costs.
After the run it checks the database holds at least every scan wrk received an answer for.

Run: .venv/bin/python bench/scan.py [--rounds 7] [--seconds 5] [--connections 32]
"""

import argparse
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.conftest import PHONE_BROWSER  # noqa: E402
from tests.live_server import start_server  # noqa: E402

# What a phone's browser sends with every request.
BROWSER = {**PHONE_BROWSER, "Accept-Encoding": "gzip, deflate, br", "Accept-Language": "vi-VN,vi;q=0.9,en;q=0.8"}
BOT = {**BROWSER, "User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}
# The server and the load generator each get a core of their own, so they do not take turns on one.
SERVER_CPU, CLIENT_CPU = 0, 1
ENDPOINTS = {
    "healthz": ("/healthz", BROWSER),
    "scan": ("/q/thoian", BROWSER),
    "scan, bot (not counted)": ("/q/thoian", BOT),
}


def wrk(url: str, headers: dict, seconds: int, connections: int) -> tuple[float, int]:
    """Requests per second and requests completed, from one wrk run."""
    command = ["taskset", "-c", str(CLIENT_CPU), "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output or "Socket errors" in output:
        raise SystemExit(f"wrk saw errors on {url}:\n{output}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    completed = int(re.search(r"(\d+) requests in", output).group(1))
    return rate, completed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    with tempfile.TemporaryDirectory() as root:
        root = Path(root)
        shutil.copytree(REPO / "content", root / "content")
        settings = {"content_dir": str(root / "content"), "data_dir": str(root / "data"), "reload_interval": "0"}
        base_url, server = start_server(root, **settings)
        os.sched_setaffinity(server.pid, {SERVER_CPU})
        try:
            rates: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
            scans_answered = 0
            for _ in range(arguments.rounds):
                for name, (path, headers) in ENDPOINTS.items():
                    rate, completed = wrk(base_url + path, headers, arguments.seconds, arguments.connections)
                    rates[name].append(rate)
                    scans_answered += completed if name == "scan" else 0
        finally:
            server.terminate()
            server.wait()
        stored = sqlite3.connect(root / "data" / "visits.sqlite3").execute(
            "SELECT scans FROM site_totals WHERE slug = 'dinh-thoi-an'").fetchone()[0]

    print(f"{arguments.rounds} rounds of {arguments.seconds} s, {arguments.connections} connections; "
          f"1 server process on CPU {SERVER_CPU}, wrk on CPU {CLIENT_CPU}")
    print(f"{'endpoint':<26} {'median req/s':>12}   rounds")
    for name, values in rates.items():
        print(f"{name:<26} {statistics.median(values):>12.0f}   {' '.join(f'{v:.0f}' for v in values)}")
    healthz = statistics.median(rates["healthz"])
    per_round = [scan / health for scan, health in zip(rates["scan"], rates["healthz"], strict=True)]
    print(f"ratio scan / healthz: {statistics.median(rates['scan']) / healthz:.2f} "
          f"(per round {' '.join(f'{r:.2f}' for r in per_round)}; target >= 0.8)")
    print(f"ratio scan / bot scan (cost of counting): "
          f"{statistics.median(rates['scan']) / statistics.median(rates['scan, bot (not counted)']):.2f}")
    print(f"scans answered {scans_answered}, stored {stored}: {'OK' if stored >= scans_answered else 'LOST SCANS'}")


if __name__ == "__main__":
    main()
