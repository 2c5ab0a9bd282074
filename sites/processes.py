"""Helper processes that end with the process that started them: a server killed at once (SIGKILL, the kernel's
out-of-memory killer) must not leave its print, calendar, map or parsing processes waiting for work for ever."""

import multiprocessing
import os
import threading


def end_with_parent() -> None:
    """In a process started by multiprocessing: exit as soon as the parent process has ended."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_with, args=(parent,), name="exit-with-parent", daemon=True).start()


def _exit_with(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()
    os._exit(1)


def start_low_priority_worker(niceness: int) -> None:
    """Initializer of a server's helper processes: lower their priority, and end them with the server."""
    os.nice(niceness)
    end_with_parent()
