"""Scans per second for SQLite with 1 worker, PostgreSQL with 1 worker and PostgreSQL with 2 workers, each
against `/healthz` of the same setup, in one run and through the same load generator (issue 17).

Each setup is a real `diachido serve` (`--workers N`) on 200 synthetic sites, a fresh data folder and, for
PostgreSQL, a fresh database in a throwaway cluster (Debian's packages, as the tests use). Counted scans come
from distinct visitors (bench/scan.py's wrk script), each phone from its own address in X-Forwarded-For
(the servers trust 127.0.0.1 as a proxy). The load generator is wrk with one thread, pinned to
CPU 1 (`taskset -c 1`, the command-line face of sched_setaffinity); the servers and PostgreSQL are not
pinned: on this 2-core machine the two workers, PostgreSQL and wrk share both cores, as they would on a
2-vCPU VPS with the proxy on it. Rounds alternate the endpoints so both see the same machine noise.

Run: .venv/bin/python bench/scale.py [--rounds 3] [--seconds 5] [--connections 32]
"""

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench._postgres import postgres_cluster  # noqa: E402
from bench._support import start_server  # noqa: E402
from bench.load import make_synthetic_content  # noqa: E402
from bench.scan import BROWSER, CLIENT_CPU, DISTINCT_VISITORS, PHONES, SITES, warm_up, wrk  # noqa: E402

# Each phone from its own address, as nginx would forward it: one address for every scan would make all
# processes wait for one row (the hourly ceiling per address), which real crowds on many networks do not.
FORWARDED = ('["X-Forwarded-For"] = string.format("10.%d.%d.%d", phone % 250, site % 250, math.floor(phone / 250)), '
             '["Accept-Language"] =')
SETUPS = [("SQLite, 1 worker", False, 1), ("PostgreSQL, 1 worker", True, 1), ("PostgreSQL, 2 workers", True, 2)]


def measure(root: Path, content: Path, script: Path, database: str | None, workers: int,
            arguments: argparse.Namespace) -> dict[str, list[float]]:
    """Requests per second of counted scans and of /healthz, round by round, on one setup."""
    settings = {"content_dir": str(content), "data_dir": str(root / "data"), "reload_interval": "0",
                "trusted_proxies": "127.0.0.1", **({"database_url": database} if database else {})}
    base_url, server = start_server(root, ("--workers", str(workers)), **settings)
    rates: dict[str, list[float]] = {"scan": [], "healthz": []}
    try:
        warm_up(base_url)
        next_visitor = 0
        for _ in range(arguments.rounds):
            rate, completed = wrk(f"{base_url}/q/dt00000", None, arguments.seconds, arguments.connections, script,
                                  next_visitor)
            rates["scan"].append(rate)
            next_visitor += completed + 10 * arguments.connections
            rates["healthz"].append(wrk(f"{base_url}/healthz", BROWSER, arguments.seconds, arguments.connections,
                                        script, 0)[0])
    finally:
        server.terminate()
        server.wait()
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    results = {}
    with tempfile.TemporaryDirectory() as folder, postgres_cluster() as cluster:
        folder = Path(folder)
        script = folder / "distinct_visitors.lua"
        script.write_text((DISTINCT_VISITORS % {
            "sites": SITES, "phones": PHONES, "agent": BROWSER["User-Agent"].replace("SM-A105F", "SM-A%dF"),
            "encoding": BROWSER["Accept-Encoding"], "language": BROWSER["Accept-Language"]}
        ).replace('["Accept-Language"] =', FORWARDED))
        content = make_synthetic_content(folder, SITES)
        for number, (label, postgresql, workers) in enumerate(SETUPS):
            root = folder / f"setup-{number}"
            root.mkdir()
            print(f"measuring {label}", flush=True)
            results[label] = measure(root, content, script, cluster.database() if postgresql else None, workers,
                                     arguments)

    print(f"{arguments.rounds} rounds of {arguments.seconds} s, {arguments.connections} connections, wrk on CPU "
          f"{CLIENT_CPU}; {SITES} sites")
    print(f"{'setup':<24} {'scans/s':>8} {'healthz/s':>10} {'scan/healthz':>13}")
    scans = {}
    for label, rates in results.items():
        scans[label] = statistics.median(rates["scan"])
        healthz = statistics.median(rates["healthz"])
        print(f"{label:<24} {scans[label]:>8.0f} {healthz:>10.0f} {scans[label] / healthz:>13.2f}")
    one, two = scans["PostgreSQL, 1 worker"], scans["PostgreSQL, 2 workers"]
    print(f"PostgreSQL 1 worker / SQLite 1 worker: {one / scans['SQLite, 1 worker']:.2f} (target >= 0.7)")
    print(f"PostgreSQL 2 workers / 1 worker: {two / one:.2f} (target >= 1.5)")


if __name__ == "__main__":
    main()
