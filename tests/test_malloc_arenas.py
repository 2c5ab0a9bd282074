"""`diachido serve` asks glibc for two malloc arenas (sites/operations/malloc_arenas.py): at 40,000 sites the server
held 601 MB after 1,000 requests with glibc's default, 523 MB with two. The memory itself is measured by
bench/scale_memory.py; here, that the setting is taken, passed on to child processes, and an organiser's own kept."""

import os
import subprocess
import sys

import pytest

from tests.support import REPO

SCRIPT = """
import os, subprocess, sys
from sites.operations.malloc_arenas import limit_malloc_arenas
taken = limit_malloc_arenas()
child = subprocess.run([sys.executable, "-c", "import os; print(os.environ.get('MALLOC_ARENA_MAX'))"],
                       capture_output=True, text=True, check=True).stdout.strip()
print(taken, child)
"""


@pytest.mark.parametrize(("organisers", "expected"), [(None, "True 2"), ("4", "True 4"), ("many", "False many")])
def test_the_server_s_processes_take_two_arenas_unless_the_organiser_chose(organisers, expected):
    environment = {name: value for name, value in os.environ.items() if name != "MALLOC_ARENA_MAX"}
    if organisers is not None:
        environment["MALLOC_ARENA_MAX"] = organisers
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, env=environment, capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == expected
