"""The live-server harness: the real `diachido serve` started in a subprocess on a free port (and stopped
afterwards), a phone browser's headers and Chromium's options. bench/ scripts import it from here; nothing in
tests/ imports bench/.

Tests that start a server must carry the `live` marker (conftest.py adds it for the `server` fixture): the quick
run (`-m "not live"`) deselects them, and `wait_until_up` refuses to run in a test that lacks it."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

CONSOLE_SCRIPT = Path(sys.executable).parent / "diachido"
# Generous: with eight test runs sharing 2 cores (load average 30), a server took 28 s to answer its first
# /healthz and several seconds to stop; these bound a hang, they do not measure speed.
START_TIMEOUT = 120
STOP_TIMEOUT = 60
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A cheap Android phone's browser: requests with it count as visits (bots, HEAD and prefetches do not).
PHONE_BROWSER = {
    "User-Agent": "Mozilla/5.0 (Linux; Android 11; SM-A105F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.230 Mobile Safari/537.36"
}


# Whether the running test carries the `live` marker: tests/conftest.py sets it before each test; bench scripts
# leave it True.
marked_live = True


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def live_server(content_dir: Path, data_dir: Path, **settings: str) -> Iterator[str]:
    """Yield the base URL of a server on `content_dir` and `data_dir`; its log is shown if it fails to start."""
    paths = {"content_dir": str(content_dir), "data_dir": str(data_dir)}
    with server_process(data_dir.parent, **paths, **settings) as base_url:
        yield base_url


@contextlib.contextmanager
def server_process(cwd: Path, serve_args: tuple[str, ...] = (), **settings: str) -> Iterator[str]:
    """Run `diachido serve` in `cwd` with only the given DIACHIDO_* settings; yield its base URL."""
    base_url, process = start_server(cwd, serve_args, **settings)
    try:
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=STOP_TIMEOUT)


def start_server(cwd: Path, serve_args: tuple[str, ...] = (), start_timeout: float = START_TIMEOUT,
                 program: Sequence[str] = (str(CONSOLE_SCRIPT),), **settings: str) -> tuple[str, subprocess.Popen]:
    """Start `diachido serve [serve_args]` in `cwd` and wait until it answers; the caller stops the process.
    `program` is how `diachido` is started (bench/scan.py --against starts another commit's)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DIACHIDO_")}
    env.update({f"DIACHIDO_{key.upper()}": value for key, value in {"base_url": base_url, **settings}.items()})
    log = cwd / f"server-{port}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [*program, "serve", "--port", str(port), *serve_args], cwd=cwd, env=env, stdout=out, stderr=out
        )
    try:
        wait_until_up(base_url, process, log, start_timeout)
    except BaseException:
        process.kill()
        process.wait()
        raise
    return base_url, process


def wait_until_up(base_url: str, process: subprocess.Popen, log: Path, timeout: float = START_TIMEOUT) -> None:
    """Wait until the server `process` answers /healthz at `base_url`; raise with its log if it exits or is slow."""
    if not marked_live:
        raise RuntimeError("this test starts a real server: mark it @pytest.mark.live (or give its module "
                           "pytestmark = pytest.mark.live) so that the quick run leaves it out")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=1):
                return
        time.sleep(0.1)
    raise RuntimeError(f"server did not answer within {timeout} s:\n{log.read_text()}")
