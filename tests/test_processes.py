"""A server's helper processes end with it, even when it is killed at once (sites/processes.py)."""

import os
import signal
import subprocess
import sys
import time

from tests.support import running

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
