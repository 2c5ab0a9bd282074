"""Two `diachido serve` behind Debian's nginx, run with the config of the guide (docs/nginx.conf.example): each
server has its own data folder, both share one PostgreSQL database; content/ lives on the writer and is copied
to the reader with rsync. One server is killed during a burst of scans: every scan nginx answered is counted
once. Login throttling follows the visitor's own address through the proxy."""

import contextlib
import http.client
import itertools
import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from sites.catalog.loader import load_content
from sites.editing.fields import parse_fields, site_fields
from sites.editing.writer import ContentWriter, site_version
from sites.stores import user_store
from tests.live import free_port, start_server
from tests.support import STAFF, STAFF_PASSWORD, TEST_CONTENT, login_from, phone

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "docs" / "nginx.conf.example"
CLIENTS = 8
# What the guide's config names, and what the test puts in its place.
WRITER, READER, LISTEN = "10.0.0.11:8000", "10.0.0.12:8000", "listen 80;"


def program(name: str) -> str:
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is missing in CI: .ci/run must install Debian's {name} package")
        pytest.skip(f"{name} is not installed (apt-get install {name})")
    return found


def sync(writer: Path, reader: Path) -> None:
    """The reader's copy of content/, as the guide's timer makes it."""
    subprocess.run([program("rsync"), "-a", "--delete", "--delay-updates", f"{writer}/", f"{reader}/"], check=True)


@contextlib.contextmanager
def nginx(folder: Path, writer_port: int, reader_port: int) -> Iterator[int]:
    """Run nginx in the foreground on the guide's site config; yield its port."""
    site = EXAMPLE.read_text()
    assert WRITER in site and READER in site and LISTEN in site, "the guide's config changed: update the test"
    port = free_port()
    site = (site.replace(WRITER, f"127.0.0.1:{writer_port}").replace(READER, f"127.0.0.1:{reader_port}")
            .replace(LISTEN, f"listen 127.0.0.1:{port};"))
    (folder / "site.conf").write_text(site)
    temp = "\n".join(f"    {kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                              "scgi"))
    (folder / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"daemon off;\nworker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        + "events { worker_connections 512; }\n"
        + f"http {{\n    access_log {folder}/access.log;\n{temp}\n    include {folder}/site.conf;\n}}\n")
    process = subprocess.Popen([program("nginx"), "-c", folder / "nginx.conf", "-p", folder],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, process.stderr.read().decode()
            assert time.monotonic() < deadline, (folder / "error.log").read_text()
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    return response.status, response.read()


def scan_through(port: int, stop: threading.Event, answered: list[int], failed: list[int], first: int) -> None:
    """Scan over one keep-alive connection to nginx, each scan from another phone, until told to stop."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for number in itertools.count(first):
        if stop.is_set():
            return
        try:
            connection.request("GET", "/q/thoian", headers=phone(number))
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            failed.append(number)
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            continue
        (answered if response.status == 200 else failed).append(number)


@pytest.mark.live
def test_two_servers_behind_nginx_count_each_answered_scan_once_when_one_is_killed(postgres, tmp_path):
    writer_content, reader_content = tmp_path / "writer" / "content", tmp_path / "reader" / "content"
    shutil.copytree(TEST_CONTENT, writer_content)
    reader_content.mkdir(parents=True)
    sync(writer_content, reader_content)
    user_store(tmp_path / "writer" / "data", None).add("hoa", STAFF_PASSWORD, *STAFF["hoa"])
    database = postgres.database()
    shared = {"database_url": database, "trusted_proxies": "127.0.0.1", "secret_key": "k" * 48,
              "counted_per_address": "1000000", "reload_interval": "0.3"}
    writer_url, writer = start_server(tmp_path / "writer", content_dir=str(writer_content),
                                      data_dir=str(tmp_path / "writer" / "data"), **shared)
    reader_url, reader = start_server(tmp_path / "reader", content_dir=str(reader_content),
                                      data_dir=str(tmp_path / "reader" / "data"), **shared)
    (tmp_path / "nginx").mkdir()
    try:
        proxy = contextlib.ExitStack()
        port = proxy.enter_context(nginx(tmp_path / "nginx", int(writer_url.rsplit(":", 1)[1]),
                                         int(reader_url.rsplit(":", 1)[1])))

        # Throttling: guesses from 127.0.0.2 slow down that address, not the owner at 127.0.0.3.
        assert [login_from("127.0.0.2", port, "hoa", "sai-mat-khau") for _ in range(6)] == [401] * 5 + [429]
        assert login_from("127.0.0.3", port, "hoa", STAFF_PASSWORD) == 303
        assert login_from("127.0.0.2", port, "hoa", STAFF_PASSWORD) == 429

        # An edit on the writer reaches the reader with the next copy, within its reload interval.
        site = load_content(writer_content).registry.get("dinh-thoi-an")
        ContentWriter(writer_content, tmp_path / "writer" / "data").save(
            parse_fields({**site_fields(site), "name": "Đình Thới An (sửa)"}), load_content(writer_content).registry,
            previous=site, version=site_version(site.folder))
        sync(writer_content, reader_content)
        deadline = time.monotonic() + 10
        while not all("Đình Thới An (sửa)" in get(port, "/api/sites/dinh-thoi-an")[1].decode() for _ in range(10)):
            assert time.monotonic() < deadline, "an edit on the writer did not reach both servers"
            time.sleep(0.1)

        # A burst of scans through nginx; the writer is killed in the middle of it.
        stop, answered, failed = threading.Event(), [], []
        clients = [threading.Thread(target=scan_through, args=(port, stop, answered, failed, n * 10**6))
                   for n in range(CLIENTS)]
        for client in clients:
            client.start()
        while len(answered) < 200:
            time.sleep(0.01)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        killed_at = len(answered)
        while len(answered) < killed_at + 200:  # the reader alone answers
            time.sleep(0.01)
        stop.set()
        for client in clients:
            client.join()
    finally:
        proxy.close()
        for server in (writer, reader):
            server.kill()
            server.wait()

    with psycopg.connect(database) as connection:
        stored = connection.execute("SELECT scans FROM site_totals WHERE slug = 'dinh-thoi-an'").fetchone()[0]
    # A scan nginx asked again of the reader is counted once (one visitor, one shared window); one that
    # failed may have been counted before its server died.
    assert len(answered) <= stored <= len(answered) + len(failed), (len(answered), len(failed), stored)
    assert len(failed) <= CLIENTS, f"nginx did not retry the killed server's scans: {len(failed)} failed"


def test_the_guide_shows_the_nginx_config_the_tests_run():
    assert EXAMPLE.read_text() in (REPO / "docs" / "deploy.md").read_text()
