"""Import a large synthetic list (issue 23: 10,000 rows in under 60 s of CPU), as `diachido import` does.

The rows are made here, as provinces' lists word them: levels and kinds as decisions write them, former
provinces, decision numbers with dates; every name is synthetic ("Di tích thử nghiệm số N"). Prints the CPU
and wall time of reading, checking and writing, and fails when the CPU time is over the budget.
Run: .venv/bin/python bench/import_bulk.py [--rows 10000] [--budget 60]
"""

import argparse
import csv
import io
import itertools
import shutil
import sys
import tempfile
import time
from pathlib import Path

from sites.catalog.i18n import import_labels
from sites.catalog.loader import load_content
from sites.catalog.provinces import current_provinces, former_provinces
from sites.editing.importer import CLI_LIMITS, check_rows, read_rows, write_rows
from sites.editing.site_editor import SiteEditor
from sites.editing.writer import ContentWriter

TEST_CONTENT = Path(__file__).resolve().parent.parent / "tests" / "content"
COLUMNS = ["name", "category", "address.text", "address.province", "recognition.level", "recognition.kind",
           "recognition.decision", "summary", "location.lat", "location.lon"]
LEVELS = ["Di tích quốc gia đặc biệt", "Di tích quốc gia", "cấp tỉnh", "Di tích cấp thành phố", "Quốc gia"]
KINDS = ["Di tích lịch sử", "Di tích lịch sử - văn hóa", "Di tích lịch sử và kiến trúc nghệ thuật",
         "Di tích khảo cổ và danh lam thắng cảnh", ""]
CATEGORIES = ["dinh", "chua", "mieu", "den", "revolutionary-relic"]


def synthetic_list(rows: int) -> bytes:
    """`rows` rows of made-up relics over every province, current and former, as a CSV."""
    provinces = list(current_provinces()) + [f"Tỉnh {name}" for name in former_provinces()]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for number, province, level, kind, category in zip(range(1, rows + 1), itertools.cycle(provinces),
                                                       itertools.cycle(LEVELS), itertools.cycle(KINDS),
                                                       itertools.cycle(CATEGORIES)):
        writer.writerow([f"Di tích thử nghiệm số {number}", category, f"Địa chỉ thử {number}", province, level, kind,
                         f"{number}/QĐ-UBND ngày {1 + number % 28}/{1 + number % 12}/{1990 + number % 35}",
                         "Dữ liệu thử tổng hợp để đo tốc độ nhập.", f"{10 + number % 12}.5", "106.1"])
    return out.getvalue().encode("utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--budget", type=float, default=60.0, help="CPU seconds allowed")
    arguments = parser.parse_args()
    data = synthetic_list(arguments.rows)
    with tempfile.TemporaryDirectory() as folder:
        content, data_dir = Path(folder) / "content", Path(folder) / "data"
        shutil.copytree(TEST_CONTENT, content)
        cpu, wall = time.process_time(), time.perf_counter()
        rows = read_rows(data, CLI_LIMITS)
        editor = SiteEditor(ContentWriter(content, data_dir), load_content(content).registry)
        report = check_rows(rows, editor, import_labels())
        checked = time.process_time() - cpu
        write_rows(report, editor)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        bad = len(report.bad_rows)
        print(f"{arguments.rows} rows, {len(report.written)} written, {bad} bad: CPU {cpu:.1f} s "
              f"(checking {checked:.1f} s), wall {wall:.1f} s, {1000 * cpu / arguments.rows:.2f} ms CPU a row")
    ok = cpu <= arguments.budget and bad == 0 and len(report.written) == arguments.rows
    print("✓ within budget" if ok else f"✗ over the {arguments.budget:.0f} s budget or rows refused")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
