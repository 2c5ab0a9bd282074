"""Attacks from issues 11 and 21 against the real server: what each costs in memory, and what it does to scans.

The attacks and their harness are in tests/attacks.py (the tests run some of them); this prints the table.

Starts `diachido serve` on a free loopback port with 1,000 synthetic sites (bench/load.py), measures
`/q/{code}` with a phone's User-Agent while idle, then runs each attack (bounded in requests and time)
while a separate process keeps scanning. For each attack it prints the server's peak RSS against its idle
RSS (VmHWM, reset before each attack, and the sampled RSS of the server with its child processes, such as
the poster worker), the RSS the attack left behind ("after"), and the scans' p50/p99 during the attack against
idle, all from one run.
Targets: peak < idle + 300 MB; scan p99 during an attack < 5x idle p99. Before each attack it waits (at most
30 s) for the server to go quiet (the row says when it did not); `own+MB` is the peak against the memory just
before that attack, `+MB` against idle (what the target is about: it includes what earlier attacks left, such as
the poster process).

To add an attack: write `def name(target: Target) -> Counter` that sends a bounded number of requests and
returns their status codes, and decorate it with `@attack("label")`. What must happen before the measured part
(forms fetched, a person's wait) goes in `prepare(target)`, whose result is passed on: `@attack("label", prepare)`.

Issue 21 adds a generic attacker, one attack per public door of api/public/doors.py (labels "door GET /path"):
`--clients` clients (4-8) for `--door-seconds` each send long unique query values, long unique User-Agents,
keys that do not exist (and the real ones, to reach the door's work) and, to a door that takes a body,
oversized, malformed and many-field bodies. A new public route needs no new attack: declaring it is enough.
Run: .venv/bin/python bench/abuse.py [--only posters] [--sites 1000] [--one-core] [--door-seconds 5] [--clients 6]
`--only door` runs the generic attacker alone; `--only "door GET /map"` one door (repeat `--only` for several).
`--one-core` pins the server (every thread, and the processes it starts later) to CPU 0 and this script,
the attackers and the scanning probe to CPU 1: the server then has one core, as on a 1-vCPU VPS, and the
load generator does not take its CPU time.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.attacks import (  # noqa: E402
    ATTACKS,
    DOOR_CLIENTS,
    DOOR_SECONDS,
    P99_RATIO_BUDGET,
    RSS_BUDGET_MB,
    abuse_server,
    add_door_attacks,
    idle_scans,
    peak_rss,
    percentile,
    scanning,
    settle,
    status_kb,
    tree_rss_kb,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--only", action="append",
                        help="run only the attacks whose label contains this text (repeat for several)")
    parser.add_argument("--one-core", action="store_true", help="the server on CPU 0, the load generator on CPU 1")
    parser.add_argument("--door-seconds", type=float, default=DOOR_SECONDS, help="how long each door is attacked")
    parser.add_argument("--clients", type=int, default=DOOR_CLIENTS, help="parallel clients per door (4-8)")
    arguments = parser.parse_args()
    add_door_attacks(arguments.door_seconds, arguments.clients)
    chosen = {label: run for label, run in ATTACKS.items()
              if not arguments.only or any(text in label for text in arguments.only)}
    with (tempfile.TemporaryDirectory() as temporary,
          abuse_server(Path(temporary), arguments.sites, arguments.one_core) as target):
        scanned = "dt00002"
        idle_scans(target, scanned, 50)  # warm up: page cache, connections
        idle_rss = status_kb(target.pid)["VmRSS"] / 1024
        idle = idle_scans(target, scanned)
        idle_p50, idle_p99 = percentile(idle, 0.5), percentile(idle, 0.99)
        print(f"idle: RSS {idle_rss:.0f} MB; scan p50 {idle_p50:.1f} ms, p99 {idle_p99:.1f} ms ({len(idle)} scans)")
        print(f"targets: +MB < {RSS_BUDGET_MB}, p99 x < {P99_RATIO_BUDGET} (ok: both met)")
        print(f"{'attack':<56} {'s':>5} {'peak MB':>8} {'tree MB':>8} {'+MB':>5} {'own+MB':>6} {'after':>5} "
              f"{'p50':>6} {'p99':>6} {'p99 x':>6} {'scans':>6} {'ok':>3}  statuses")
        for label, (prepare, run) in chosen.items():
            quiet = settle(target.pid)
            prepared = () if prepare is None else (prepare(target),)
            with peak_rss(target.pid) as rss, scanning(target, scanned) as timings:
                start = time.monotonic()
                statuses = run(target, *prepared)
                seconds = time.monotonic() - start
            peak = max(rss["hwm"], rss["tree"])
            after = tree_rss_kb(target.pid) / 1024  # what the attack left behind, print process included
            p99 = percentile(timings, 0.99)
            ok = peak < idle_rss + RSS_BUDGET_MB and p99 < P99_RATIO_BUDGET * idle_p99
            print(f"{label:<56} {seconds:>5.1f} {rss['hwm']:>8.0f} {rss['tree']:>8.0f} {peak - idle_rss:>5.0f} "
                  f"{peak - rss['before']:>6.0f} {after:>5.0f} "
                  f"{percentile(timings, 0.5):>6.1f} {p99:>6.1f} {p99 / idle_p99:>6.1f} {len(timings):>6} "
                  f"{'yes' if ok else 'NO':>3}  "
                  f"{dict(statuses)}{'' if quiet else ' (the server was still busy with earlier work)'}")


if __name__ == "__main__":
    main()
