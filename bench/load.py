"""How long loading content/ takes: the bundled sites, and 1,000 and 5,000 synthetic ones.

The baseline, measured in the same run on the same files, is reading every file and parsing its YAML
front matter with the C loader and nothing else; the ratio shows what validation costs on top.
"reload" is a reload after one file changed, reusing the parsing of the others (what the server does).
With --start COUNT...: a server's start on COUNT synthetic sites (the Catalog it builds), with the site cache
in the data folder empty and then warm, against parsing alone; the empty start's CPU seconds in the server's
process and in its worker processes, its peak RSS, and the load average.
Run: .venv/bin/python bench/load.py [--start 1000 10000 40000]
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sites.catalog.live import SITE_CACHE, Catalog, content_fingerprint  # noqa: E402
from sites.catalog.loader import ParsedFiles, load_content  # noqa: E402
from tests.synthetic import make_synthetic_content  # noqa: E402


def best_of(runs: int, action) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        timings.append(time.perf_counter() - start)
    return min(timings)


def parse_only(content: Path) -> None:
    for path in sorted(content.glob("*/index*.md")):
        yaml.load(path.read_text(encoding="utf-8").split("---\n", 2)[1], Loader=yaml.CSafeLoader)


def measure(content: Path) -> str:
    """One line of the table for the content folder `content`."""
    result = load_content(content)
    assert not result.errors, result.errors[:3]
    sites = len(result.registry)
    load = best_of(3, lambda: load_content(content))
    baseline = best_of(3, lambda: parse_only(content))
    fingerprint = best_of(3, lambda: content_fingerprint(content))
    parsed = ParsedFiles()
    load_content(content, parsed)
    edited = sorted(content.glob("*/index.md"))[0]
    reload = best_of(3, lambda: (edited.touch(), load_content(content, parsed)))
    return (f"{sites:>6} {load * 1000:>10.1f} {load / sites * 1e6:>14.0f} {baseline * 1000:>14.1f} "
            f"{load / baseline:>6.2f} {reload * 1000:>12.1f} {fingerprint * 1000:>17.1f}")


def measure_start(count: int) -> None:
    """A server's content start on `count` synthetic sites: the site cache in the data folder empty, then warm,
    against reading and parsing the YAML alone and against listing the files' stamps (what a warm start
    cannot skip: it is how a changed file is noticed)."""
    with tempfile.TemporaryDirectory() as temporary:
        content = make_synthetic_content(Path(temporary), count)
        cache = Path(temporary) / "data" / SITE_CACHE
        baseline = best_of(1, lambda: parse_only(content))  # also brings the files into the page cache
        cpu, workers_cpu = time.process_time(), children_cpu()
        empty = best_of(1, lambda: Catalog(content, cache))
        cpu, workers_cpu = time.process_time() - cpu, children_cpu() - workers_cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # this process's peak so far: the empty start
        warm = best_of(3, lambda: Catalog(content, cache))
        stamps = best_of(3, lambda: content_fingerprint(content))
        print(f"{count:>6} {empty:>9.2f} {warm:>8.2f} {baseline:>10.2f} {empty / baseline:>10.2f} "
              f"{warm / baseline:>9.2f} {stamps:>10.2f} {cache.stat().st_size / 1e6:>10.1f} {cpu:>8.1f} "
              f"{workers_cpu:>11.1f} {peak:>9.0f} {os.getloadavg()[0]:>5.1f}")


def children_cpu() -> float:
    """CPU seconds of the ended child processes (the workers of an empty start) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=int, nargs="+", help="Measure a start on these many synthetic sites instead")
    arguments = parser.parse_args()
    if arguments.start:
        print(f"{'sites':>6} {'empty (s)':>9} {'warm (s)':>8} {'parse (s)':>10} {'empty/parse':>10} "
              f"{'warm/parse':>9} {'stamps (s)':>10} {'cache (MB)':>10} {'CPU (s)':>8} {'workers (s)':>11} "
              f"{'peak (MB)':>9} {'load':>5}")
        for count in arguments.start:
            measure_start(count)
        return
    print(f"{'sites':>6} {'load (ms)':>10} {'per site (µs)':>14} {'baseline (ms)':>14} {'ratio':>6} "
          f"{'reload (ms)':>12} {'fingerprint (ms)':>17}")
    with tempfile.TemporaryDirectory() as temporary:
        print(measure(REPO / "content"))
        for count in (1000, 5000):
            print(measure(make_synthetic_content(Path(temporary), count)))


if __name__ == "__main__":
    main()
