"""Start the real `diachido serve` in a subprocess on a free port, and stop it afterwards."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

CONSOLE_SCRIPT = Path(sys.executable).parent / "diachido"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def live_server(content_dir: Path, data_dir: Path, **settings: str) -> Iterator[str]:
    """Yield the base URL of a running server; its log is printed if it fails to start."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "DIACHIDO_CONTENT_DIR": str(content_dir), "DIACHIDO_DATA_DIR": str(data_dir),
           "DIACHIDO_BASE_URL": base_url, **{f"DIACHIDO_{k.upper()}": v for k, v in settings.items()}}
    log = data_dir.parent / f"server-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([CONSOLE_SCRIPT, "serve", "--port", str(port)], env=env, stdout=out, stderr=out)
    try:
        _wait_until_up(base_url, process, log)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(base_url: str, process: subprocess.Popen, log: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=1):
                return
        time.sleep(0.1)
    raise RuntimeError(f"server did not answer within {timeout} s:\n{log.read_text()}")
