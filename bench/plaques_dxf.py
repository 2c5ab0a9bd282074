"""CPU seconds for 100 plaques as DXF (issue 25: under 10 s), and what making them through the server does to scans.

In process: 100 synthetic plates (every tenth with a 150-character name, every tenth a Khmer name), each drawn,
its code decoded (the print check) and written as DXF, timed in CPU seconds (time.process_time), fonts loaded first.
With --server: `diachido serve` with 1,000 synthetic sites (tests/attacks.py), 100 distinct /plaques/{slug}.dxf asked
for by 4 clients (a 503 asked again after half a second) while a separate process scans without pause; the print
process's CPU seconds and the scans' p50/p99 during the run against idle.
Run: .venv/bin/python bench/plaques_dxf.py [--plates 100] [--server] [--one-core]
"""

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.posters import LONG_NAME  # noqa: E402
from qr.engraving.files import FileFormat, plaque_file  # noqa: E402
from qr.engraving.layout import PlaqueText  # noqa: E402
from qr.engraving.plates import plate  # noqa: E402
from tests.attacks import abuse_server, idle_scans, percentile, request, scanning, tree_cpu_seconds  # noqa: E402

TARGET_CPU_SECONDS = 10.0
KHMER_NAME = "វត្តពោធិសំរោង"


def synthetic_plates(count: int) -> list[PlaqueText]:
    """`count` plates with their own names and codes; every tenth with a long name, every tenth in Khmer."""
    texts = []
    for number in range(count):
        name = (f"{LONG_NAME[:-6]} {number:05d}" if number % 10 == 0 else
                f"{KHMER_NAME} {number}" if number % 10 == 5 else f"Đình Thới An số {number}")
        texts.append(PlaqueText("Đoàn TNCS Hồ Chí Minh quận Ô Môn", name, "Đình · Di tích cấp thành phố, 2004",
                                f"https://diachido.vn/q/dt{number:05d}"))
    return texts


def in_process(count: int) -> None:
    texts = synthetic_plates(count)
    chosen = plate("150x200", "steel", 4)
    plaque_file(texts[1], chosen, FileFormat.dxf)  # loads the fonts, as the print process does once
    start, wall = time.process_time(), time.perf_counter()
    sizes = [len(plaque_file(text, chosen, FileFormat.dxf)) for text in texts]
    cpu = time.process_time() - start
    print(f"{count} plaques as DXF in process: {cpu:.2f} s CPU ({cpu / count * 1000:.0f} ms each, wall "
          f"{time.perf_counter() - wall:.2f} s), {sum(sizes) / count / 1024:.0f} KB each; target < "
          f"{TARGET_CPU_SECONDS:g} s for 100: {'ok' if cpu * 100 / count < TARGET_CPU_SECONDS else 'NOT MET'}")


def through_server(count: int, one_core: bool) -> None:
    with tempfile.TemporaryDirectory() as temporary, abuse_server(Path(temporary), 1000, one_core) as target:
        scanned = "dt00002"
        idle_scans(target, scanned, 50)
        idle = idle_scans(target, scanned)
        request(target, "GET", "/plaques/di-tich-00999.dxf")  # starts the print process, loads its fonts
        before = _print_process_cpu(target.pid)
        paths = [f"/plaques/di-tich-{number:05d}.dxf" for number in range(1, count + 1)]
        with scanning(target, scanned) as timings, ThreadPoolExecutor(4) as clients:
            start = time.monotonic()
            statuses = Counter(clients.map(lambda path: _until_made(target, path), paths))
            seconds = time.monotonic() - start
        cpu = _print_process_cpu(target.pid) - before
        print(f"server: {count} DXF in {seconds:.1f} s, {cpu:.2f} s CPU in the print process, statuses "
              f"{dict(statuses)}; scans p50 {percentile(timings, 0.5):.1f} ms, p99 {percentile(timings, 0.99):.1f} ms "
              f"during ({len(timings)} scans) against p50 {percentile(idle, 0.5):.1f}, p99 "
              f"{percentile(idle, 0.99):.1f} ms idle")


def _print_process_cpu(pid: int) -> float:
    """CPU seconds of the server's child processes (the print process), without the server's own (its scans)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return tree_cpu_seconds(pid) - (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _until_made(target, path: str) -> int:
    """Ask until the file is made: a 503 (the print queue is full) is retried after a moment, as a browser would."""
    while True:
        status = request(target, "GET", path)[0]
        if status != 503:
            return status
        time.sleep(0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plates", type=int, default=100)
    parser.add_argument("--server", action="store_true", help="also through `diachido serve`, scanning meanwhile")
    parser.add_argument("--one-core", action="store_true", help="the server on CPU 0, the load generator on CPU 1")
    arguments = parser.parse_args()
    in_process(arguments.plates)
    if arguments.server:
        through_server(arguments.plates, arguments.one_core)


if __name__ == "__main__":
    main()
