"""Scans per second for SQLite with 1 worker, PostgreSQL with 1 worker and PostgreSQL with 2 workers, each
against `/healthz` of the same setup, in one run and through the same load generator (issue 17).

Each setup is a real `diachido serve` (`--workers N`) on 200 synthetic sites, a fresh data folder and, for
PostgreSQL, a fresh database in a throwaway cluster (Debian's packages, as the tests use). Counted scans come
from distinct visitors (bench/scan.py's wrk script), each phone from its own address in X-Forwarded-For
(the servers trust 127.0.0.1 as a proxy). The load generator is wrk with one thread, pinned to
CPU 1 (`taskset -c 1`, the command-line face of sched_setaffinity); the servers and PostgreSQL are not
pinned: on this 2-core machine the two workers, PostgreSQL and wrk share both cores, as they would on a
2-vCPU VPS with the proxy on it. The three setups run side by side and take turns round by round, and
each round alternates the endpoints, so that all see the same machine noise. Every worker renders the
pages once before measuring (a warm-up per worker's connection), and narrations are in place. During the
scan rounds it also measures where the CPU went, in cores: the server's processes, PostgreSQL's, wrk,
and the whole machine (/proc/stat: other work on the machine shows as the difference), and prints the counted
scans per CPU-second of 2 workers against 1 (issue 27: at least 0.9).

Run: .venv/bin/python bench/scale.py [--rounds 3] [--seconds 5] [--connections 32]
"""

import argparse
import contextlib
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.scan import BROWSER, CLIENT_CPU, DISTINCT_VISITORS, PHONES, SITES, warm_up, wrk  # noqa: E402
from sites.catalog.loader import load_content  # noqa: E402
from sites.catalog.narration import NarrationLibrary  # noqa: E402
from speech.audio import encode_mp3  # noqa: E402
from tests.live import start_server  # noqa: E402
from tests.postgres import postgres_cluster  # noqa: E402
from tests.synthetic import make_synthetic_content  # noqa: E402

# Each phone from its own address, as nginx would forward it: one address for every scan would make all
# processes wait for one row (the hourly ceiling per address), which real crowds on many networks do not.
FORWARDED = ('["X-Forwarded-For"] = string.format("10.%d.%d.%d", phone % 250, site % 250, math.floor(phone / 250)), '
             '["Accept-Language"] =')
TICKS = os.sysconf("SC_CLK_TCK")
SETUPS = [("SQLite, 1 worker", False, 1), ("PostgreSQL, 1 worker", True, 1), ("PostgreSQL, 2 workers", True, 2)]


class CpuMeter:
    """CPU time (in cores) used by the server's processes, PostgreSQL's and wrk, and the machine's busy share,
    over the scan rounds: where the two cores went (other work on the machine included)."""

    def __init__(self, server_pid: int, postmaster_pid: int):
        self.roots = {"server": server_pid, "PostgreSQL": postmaster_pid}
        self.used = dict.fromkeys([*self.roots, "wrk", "machine"], 0.0)
        self.seconds = 0.0

    @contextlib.contextmanager
    def measuring(self) -> Iterator[None]:
        before, machine, wrk_before, start = self._ticks(), _machine_busy(), _children_cpu(), time.monotonic()
        yield
        after = self._ticks()
        for name in self.roots:
            self.used[name] += sum(ticks - before[name].get(pid, 0) for pid, ticks in after[name].items()) / TICKS
        self.used["wrk"] += _children_cpu() - wrk_before
        self.used["machine"] += _machine_busy() - machine
        self.seconds += time.monotonic() - start

    def cores(self) -> dict[str, float]:
        return {name: used / self.seconds for name, used in self.used.items()}

    def _ticks(self) -> dict[str, dict[int, int]]:
        """CPU ticks of every process under each root, by pid."""
        stats = {}
        for entry in Path("/proc").iterdir():
            with contextlib.suppress(OSError, ValueError):
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))  # parent, utime+stime
        found = {}
        for name, root in self.roots.items():
            pids, todo = {}, [root]
            while todo:
                pid = todo.pop()
                pids[pid] = stats.get(pid, (0, 0))[1]
                todo += [child for child, (parent, _) in stats.items() if parent == pid]
            found[name] = pids
        return found


def _machine_busy() -> float:
    """Seconds of CPU the whole machine has been busy (all cores), from /proc/stat."""
    user, nice, system, idle, iowait, *rest = map(int, Path("/proc/stat").read_text().split("\n")[0].split()[1:8])
    return (user + nice + system + sum(rest)) / TICKS


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the finished wrk runs
    return usage.ru_utime + usage.ru_stime


def narrations_in_place(content: Path, data_dir: Path) -> None:
    """Put a narration file (one second of silence) where the server looks for each site's automatic narration,
    as on a deployment whose narrations were made once: otherwise pages stay "being prepared" during the run,
    and each worker renders them again every half minute while 400 narrations are made in the background."""
    library, silence = NarrationLibrary(data_dir), encode_mp3(np.zeros(16000, dtype=np.int16), 16000).data
    for site in load_content(content).registry.all():
        for lang in library.languages(site):
            path = library.generated_path(site, lang)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(silence)


class Setup:
    """One running setup: a `diachido serve` with its rates round by round and the CPU used in its scan rounds."""

    def __init__(self, root: Path, content: Path, database: str | None, workers: int, postmaster: int):
        settings = {"content_dir": str(content), "data_dir": str(root / "data"), "reload_interval": "0",
                    "trusted_proxies": "127.0.0.1", **({"database_url": database} if database else {})}
        self.base_url, self.server = start_server(root, ("--workers", str(workers)), start_timeout=60, **settings)
        self.meter = CpuMeter(self.server.pid, postmaster)
        self.rates: dict[str, list[float]] = {"scan": [], "healthz": []}
        self.next_visitor = 0
        for _ in range(3 * workers):  # each warm-up is one connection, so one worker: every worker's pages rendered
            warm_up(self.base_url)

    def measure_round(self, script: Path, arguments: argparse.Namespace) -> None:
        with self.meter.measuring():
            rate, completed = wrk(f"{self.base_url}/q/dt00000", None, arguments.seconds, arguments.connections,
                                  script, self.next_visitor)
        self.rates["scan"].append(rate)
        self.next_visitor += completed + 10 * arguments.connections
        self.rates["healthz"].append(wrk(f"{self.base_url}/healthz", BROWSER, arguments.seconds,
                                         arguments.connections, script, 0)[0])

    def stop(self) -> None:
        self.server.terminate()
        self.server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=32)
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    with (tempfile.TemporaryDirectory() as folder, postgres_cluster() as cluster,
          contextlib.ExitStack() as running):
        folder = Path(folder)
        script = folder / "distinct_visitors.lua"
        script.write_text((DISTINCT_VISITORS % {
            "sites": SITES, "phones": PHONES, "agent": BROWSER["User-Agent"].replace("SM-A105F", "SM-A%dF"),
            "encoding": BROWSER["Accept-Encoding"], "language": BROWSER["Accept-Language"]}
        ).replace('["Accept-Language"] =', FORWARDED))
        content = make_synthetic_content(folder, SITES)
        postmaster = int((cluster.folder / "data" / "postmaster.pid").read_text().split()[0])
        setups = {}
        for number, (label, postgresql, workers) in enumerate(SETUPS):
            (folder / f"setup-{number}").mkdir()
            narrations_in_place(content, folder / f"setup-{number}" / "data")
            setups[label] = Setup(folder / f"setup-{number}", content, cluster.database() if postgresql else None,
                                  workers, postmaster)
            running.callback(setups[label].stop)
        for number in range(arguments.rounds):  # setups take turns, round by round: the same machine noise
            for label, setup in setups.items():
                setup.measure_round(script, arguments)
                print(f"round {number + 1} {label}: {setup.rates['scan'][-1]:.0f} scans/s, "
                      f"{setup.rates['healthz'][-1]:.0f} healthz/s", flush=True)
        results = {label: setup.rates for label, setup in setups.items()}
        cpu = {label: setup.meter.cores() for label, setup in setups.items()}

    print(f"{arguments.rounds} rounds of {arguments.seconds} s, {arguments.connections} connections, wrk on CPU "
          f"{CLIENT_CPU}; {SITES} sites")
    print(f"{'setup':<24} {'scans/s':>8} {'healthz/s':>10} {'scan/healthz':>13}")
    scans = {}
    for label, rates in results.items():
        scans[label] = statistics.median(rates["scan"])
        healthz = statistics.median(rates["healthz"])
        print(f"{label:<24} {scans[label]:>8.0f} {healthz:>10.0f} {scans[label] / healthz:>13.2f}")
    print("CPU during the scan rounds, in cores (of 2; the machine's share includes other work on it), and the")
    print("counted scans per CPU-second of the setup (server + PostgreSQL + wrk): its cost, whatever its share")
    print(f"{'setup':<24} {'server':>7} {'PostgreSQL':>11} {'wrk':>5} {'machine':>8} {'scans/CPU-s':>12}")
    per_cpu_second = {}
    for label, cores in cpu.items():
        used = cores["server"] + cores["PostgreSQL"] + cores["wrk"]
        per_cpu_second[label] = statistics.mean(results[label]["scan"]) / used
        print(f"{label:<24} {cores['server']:>7.2f} {cores['PostgreSQL']:>11.2f} {cores['wrk']:>5.2f} "
              f"{cores['machine']:>8.2f} {per_cpu_second[label]:>12.0f}")
    one, two = scans["PostgreSQL, 1 worker"], scans["PostgreSQL, 2 workers"]
    print(f"PostgreSQL 1 worker / SQLite 1 worker: {one / scans['SQLite, 1 worker']:.2f} (target >= 0.7)")
    print(f"PostgreSQL 2 workers / 1 worker: {two / one:.2f} (target >= 1.5)")
    efficiency = per_cpu_second["PostgreSQL, 2 workers"] / per_cpu_second["PostgreSQL, 1 worker"]
    print(f"PostgreSQL scans per CPU-second, 2 workers / 1 worker: {efficiency:.2f} (target >= 0.9, issue 27)")
    print(f"load average at the end: {' '.join(f'{load:.1f}' for load in os.getloadavg())}")


if __name__ == "__main__":
    main()
