"""A server's helper processes end with it, even when it is killed at once (sites/processes.py)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sites.catalog.parallel_load import usable_cpus
from tests.support import running
from tests.synthetic import make_synthetic_content

PARENT = """
import multiprocessing, os, sys, time
from concurrent.futures import ProcessPoolExecutor
from sites.processes import start_low_priority_worker

if __name__ == "__main__":
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=start_low_priority_worker, initargs=(19,))
    print(pool.submit(os.getpid).result(), flush=True)
    time.sleep(600)
"""


def test_a_helper_process_ends_when_its_server_is_killed(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                              cwd=os.getcwd(), env={**os.environ, "PYTHONPATH": os.getcwd()})
    child = int(parent.stdout.readline())
    assert running(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while running(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not running(child), "the helper process outlived its killed server"


FILLING = """
import sys
from pathlib import Path
from cli.main import _fill_site_cache
from sites.settings import Settings

if __name__ == "__main__":
    _fill_site_cache(Settings(content_dir=Path(sys.argv[1]), data_dir=Path(sys.argv[2])))
"""


def descendants(pid: int) -> list[int]:
    """The processes `pid` started, and theirs."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            found = [int(child) for child in children.read().split()]
    except FileNotFoundError:
        return []
    return found + [grandchild for child in found for grandchild in descendants(child)]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_the_process_filling_the_site_cache_ends_with_a_killed_server_and_so_do_its_workers(tmp_path):
    """`serve --workers N` fills the site cache in a process of its own, which loads in workers of its own (one
    per usable CPU; on one CPU it loads alone)."""
    content = make_synthetic_content(tmp_path, 2000)
    script = tmp_path / "parent.py"
    script.write_text(FILLING)
    parent = subprocess.Popen([sys.executable, str(script), str(content), str(tmp_path / "data")],
                              cwd=os.getcwd(), env={**os.environ, "PYTHONPATH": os.getcwd()})
    workers = 2 if usable_cpus() >= 2 else 0  # at least
    expected = 2 + workers  # the filling process and the resource tracker, then the loading workers
    deadline = time.monotonic() + 60
    while len(family := descendants(parent.pid)) < expected and time.monotonic() < deadline:
        time.sleep(0.02)
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    assert len(family) >= expected, f"the filling process or its {workers} workers never started"
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in family) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(running(pid) for pid in family), "the filling process or its workers outlived the server"
