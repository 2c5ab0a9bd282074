"""Fewer glibc malloc arenas in the server's processes (issue 27).

glibc gives a threaded process up to eight malloc arenas a core, and memory freed in one arena stays with it: at
40,000 sites a server held 601 MB after 1,000 requests of every kind, and 523 MB with two arenas (peak 606 against
570 MB, bench/scale_memory.py), its searches and pages as fast. Python's small objects have their own allocator.
"""

import ctypes
import os

ARENAS = 2
VARIABLE = "MALLOC_ARENA_MAX"  # glibc reads it as a process starts; an organiser's own value is kept
M_ARENA_MAX = -8  # mallopt's parameter for it, from glibc's malloc.h


def limit_malloc_arenas() -> bool:
    """At most `ARENAS` arenas (or MALLOC_ARENA_MAX's) from now on in this process and in the processes it starts.
    Call it before the server starts its threads. False where the C library has no mallopt (musl, macOS)."""
    arenas = os.environ.setdefault(VARIABLE, str(ARENAS))
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return arenas.isdigit() and mallopt(M_ARENA_MAX, int(arenas)) == 1
