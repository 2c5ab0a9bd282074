"""`diachido serve --workers N`: refused on SQLite, N processes sharing one PostgreSQL database otherwise."""

import json
import os
import shutil
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from cli.main import main
from sites.operations.metric_files import METRICS_FOLDER
from tests.live import server_process
from tests.support import TEST_CONTENT, edit_site, returning_phone

VISITORS = 30
SCANS_EACH = 4


def test_several_workers_on_sqlite_are_refused_with_a_reason(tmp_path):
    env = {"DIACHIDO_CONTENT_DIR": str(TEST_CONTENT), "DIACHIDO_DATA_DIR": str(tmp_path / "data"),
           "DIACHIDO_DATABASE_URL": None}
    result = CliRunner().invoke(main, ["serve", "--workers", "2"], env=env)
    assert result.exit_code == 2
    assert "--workers" in result.output and "DIACHIDO_DATABASE_URL" in result.output
    assert not (tmp_path / "data").exists()  # refused before anything was opened


def _workers(parent: int) -> list[int]:
    """The worker processes uvicorn spawned under `parent` (not multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent and b"spawn_main" in command:
                found.append(int(entry.name))
    return found


def _scans_served(data_dir: Path, pid: int) -> float:
    """How many /q/ requests worker `pid` answered, read from its own file in the metrics folder."""
    files = [str(path) for path in (data_dir / METRICS_FOLDER).glob(f"counter_{pid}.db")]
    return sum(sample.value for family in MultiProcessCollector.merge(files) for sample in family.samples
               if sample.name == "diachido_http_requests_total" and sample.labels.get("route") == "/q/{code}")


def _get(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    """One request on a new connection, so the kernel hands each to whichever worker accepts first."""
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read()


@pytest.mark.live
def test_two_workers_on_postgresql_count_each_visitor_once_and_see_content_edits(postgres, tmp_path):
    shutil.copytree(TEST_CONTENT, tmp_path / "content")
    settings = {"content_dir": str(tmp_path / "content"), "data_dir": str(tmp_path / "data"),
                "database_url": postgres.database(), "counted_per_address": "1000000", "reload_interval": "0.3"}
    with server_process(tmp_path, ("--workers", "2"), **settings) as base_url:
        server = _server_pid(base_url)
        workers = _workers(server)
        assert len(workers) == 2
        for worker in workers:  # glibc reads it as a worker starts (sites/operations/malloc_arenas.py)
            assert b"MALLOC_ARENA_MAX=2" in Path(f"/proc/{worker}/environ").read_bytes().split(b"\0")

        # The kernel decides which worker accepts each connection; on a busy machine one can take a whole round,
        # so the same phones scan again (still counted once each) until both workers have served scans.
        scans = [returning_phone(number) for number in range(VISITORS) for _ in range(SCANS_EACH)]
        sent = 0
        with ThreadPoolExecutor(16) as pool:
            for _ in range(10):
                statuses = list(pool.map(lambda headers: _get(f"{base_url}/q/thoian", headers)[0], scans))
                assert statuses == [200] * len(scans)
                sent += len(scans)
                if all(_scans_served(tmp_path / "data", pid) for pid in workers):
                    break
        assert all(_scans_served(tmp_path / "data", pid) for pid in workers)  # both workers served scans

        counts = json.loads(_get(f"{base_url}/api/stats/dinh-thoi-an")[1])["total"]
        assert (counts["scans"], counts["unique_visitors"]) == (VISITORS, VISITORS)
        # /metrics sums every worker's counters (prometheus-client's multiprocess mode), whichever one answers
        for _ in range(4):
            samples = {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
                       for family in text_string_to_metric_families(_get(f"{base_url}/metrics")[1].decode())
                       for sample in family.samples}
            assert samples[("diachido_visits_total", (("kind", "scan"),))] == VISITORS
            route = (("method", "GET"), ("route", "/q/{code}"), ("status", "200"))
            assert samples[("diachido_http_requests_total", route)] == sent

        edit_site(tmp_path / "content", "dinh-thoi-an", name="Đình Thới An (đã sửa)")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            names = {json.loads(_get(f"{base_url}/api/sites/dinh-thoi-an")[1])["name"] for _ in range(20)}
            if names == {"Đình Thới An (đã sửa)"}:
                break
            time.sleep(0.1)
        assert names == {"Đình Thới An (đã sửa)"}  # 20 requests in a row, over both workers, see the edit
        assert (tmp_path / "data" / "site-cache.sqlite3").is_file()  # the workers' one site cache (issue 27)

        index = tmp_path / "content" / "dinh-thoi-an" / "index.md"
        index.write_text(index.read_text(encoding="utf-8").replace("name: ", 'name: "', 1), encoding="utf-8")
        deadline = time.monotonic() + 10
        while json.loads(_get(f"{base_url}/healthz")[1])["content_errors"] != 1 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)  # both workers have seen the typo
        pages = [_get(f"{base_url}/sites/dinh-thoi-an") for _ in range(20)]
        assert {status for status, _ in pages} == {200}  # served in its last valid version, story read from disk
        assert all("Đình Thới An (đã sửa)" in page.decode() and "vua Tự Đức sắc phong" in page.decode()
                   for _, page in pages)


def _server_pid(base_url: str) -> int:
    """The pid of the `diachido serve` listening on `base_url`'s port (the supervisor of the workers)."""
    port = int(base_url.rsplit(":", 1)[1])
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"serve" in command and str(port).encode() in command and os.getpid() != int(entry.name):
                return int(entry.name)
    raise AssertionError(f"no server on port {port}")
