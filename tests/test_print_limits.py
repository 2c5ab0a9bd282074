"""Issue 11, items 1, 4 and 14: QR codes and posters have a bounded cost, and never encode a loopback address
that phones cannot open. Memory and latency are measured on a real `diachido serve` (bench/abuse.py)."""

import asyncio
import os
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from api.state import app_state
from api.workpool import ENTRY_OVERHEAD, ByteCache
from cli.main import main
from tests.attacks import (
    abuse_server,
    idle_scans,
    peak_rss,
    percentile,
    posters as poster_attack,
    qr_flood,
    qr_flood_allowed,
    request,
    scanning,
    status_kb,
    tree_rss_kb,
)
from tests.live import CONSOLE_SCRIPT, free_port, live_server, wait_until_up
from tests.support import TEST_CONTENT, edit_site, running

LOOPBACK = "http://127.0.0.1:8000"
PRINTED = ["/qr/dinh-thoi-an.png", "/qr/dinh-thoi-an.svg", "/posters/dinh-thoi-an.pdf", "/posters.pdf"]


@pytest.mark.live
def test_a_qr_flood_of_distinct_sizes_keeps_the_server_small(tmp_path):
    """The issue's flood (sizes 7000-7099 at 40 in parallel) took 4.7 GB; allowed sizes must stay bounded too."""
    with abuse_server(tmp_path, 7) as target:
        idle_scans(target, "dt00002", 20)  # warm: the pages, the first QR code
        assert request(target, "GET", "/calendar.ics")[0] == 200  # the feeds' worker, started at boot, is up
        # The server alone, and with the processes it started (the calendar feeds' worker writes ahead from the start)
        idle, idle_tree = status_kb(target.pid)["VmRSS"] / 1024, tree_rss_kb(target.pid) / 1024
        with peak_rss(target.pid) as rss:
            statuses = qr_flood(target) + qr_flood_allowed(target)
        # The issue's budget is 300 MB for every attack; what this flood adds stays under 100 MB.
        assert rss["hwm"] < idle + 100 and rss["tree"] < idle_tree + 100
        assert statuses[422] == 100  # 7000 px and more: refused, naming `size`
        assert statuses[200] >= 2 and set(statuses) <= {200, 422, 503}  # the rest made, or "busy, retry"


def test_the_cache_is_bounded_by_bytes_and_makes_each_key_once():
    async def scenario() -> ByteCache:
        cache, started = ByteCache(max_bytes=10_000), asyncio.Event()

        async def make() -> bytes:
            started.set()
            await asyncio.sleep(0.01)
            return b"x" * 1000

        bodies = await asyncio.gather(*[cache.get("same", make) for _ in range(20)])  # a burst: one job
        assert bodies == [b"x" * 1000] * 20 and cache.made == 1
        for key in range(30):
            await cache.get(key, make)
        assert cache.made == 31 and cache.size <= 10_000 and cache.size >= 10_000 - 1000 - ENTRY_OVERHEAD
        return cache

    asyncio.run(scenario())


@pytest.mark.slow
def test_a_poster_batch_is_made_once_per_content_version(make_client, content_dir):
    client = make_client()
    results = []
    threads = [threading.Thread(target=lambda: results.append(client.get("/posters.pdf"))) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    again = client.get("/posters.pdf")
    shop = app_state(client.app).print_shop
    assert [r.status_code for r in results] == [200] * 6 and again.status_code == 200
    assert len({r.content for r in [*results, again]}) == 1 and shop.pdfs.made == 1
    etag = again.headers["etag"]
    assert client.get("/posters.pdf", headers={"If-None-Match": etag}).status_code == 304

    edit_site(content_dir, "dinh-thoi-an", summary="Một bản tóm tắt mới cho áp phích.")
    app_state(client.app).catalog.reload()
    edited = client.get("/posters.pdf")
    assert edited.status_code == 200 and edited.headers["etag"] != etag and shop.pdfs.made == 2
    assert client.get("/posters.pdf?format=a5").status_code == 200 and shop.pdfs.made == 3


@pytest.mark.live
def test_scans_are_answered_while_posters_of_1000_sites_are_made(tmp_path):
    """24 requests for the whole batch (about 5 s of CPU each, before): scans keep their speed (a ratio)."""
    with abuse_server(tmp_path, 1000) as target:
        idle = idle_scans(target, "dt00002", 300)
        with scanning(target, "dt00002") as during:
            statuses = poster_attack(target)
        assert statuses == {200: 24}
        assert len(during) > 100
        # Generous for a shared two-core machine; the old code (posters on the event loop's GIL) was > 100x.
        assert percentile(during, 0.9) < 10 * max(percentile(idle, 0.9), 1.0)


@pytest.mark.parametrize("path", PRINTED)
def test_a_loopback_base_url_is_refused_naming_the_setting(make_client, path):
    response = make_client(base_url=LOOPBACK).get(path)
    assert response.status_code == 409
    assert "DIACHIDO_BASE_URL" in response.json()["detail"] and LOOPBACK in response.json()["detail"]


@pytest.mark.slow
@pytest.mark.parametrize("path", PRINTED)
def test_a_loopback_base_url_is_fine_on_a_server_listening_on_loopback(make_client, path):
    for host in ("127.0.0.1", "localhost", "::1"):
        client = make_client(base_url=LOOPBACK, listen_host=host)
        assert client.get(path, headers={"Host": "127.0.0.1:8000"}).status_code == 200
        # Through a reverse proxy on the same machine: the request names the public host.
        assert client.get(path, headers={"Host": "diachido.example.vn"}).status_code == 409


def test_admin_shows_a_banner_for_a_loopback_base_url(staff_client):
    page = staff_client(base_url="http://localhost:8000").get("/admin").text
    assert "Mã QR và áp phích đang bị tắt" in page and "QR codes and posters are turned off" in page
    assert "DIACHIDO_BASE_URL" in page
    assert "DIACHIDO_BASE_URL" not in staff_client().get("/admin").text


@pytest.mark.live
def test_serve_on_a_public_address_with_a_loopback_base_url_warns_and_refuses(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("DIACHIDO_")}
    env.update(DIACHIDO_CONTENT_DIR=str(TEST_CONTENT), DIACHIDO_DATA_DIR=str(tmp_path / "data"))
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        process = subprocess.Popen([CONSOLE_SCRIPT, "serve", "--host", "0.0.0.0", "--port", str(port)],
                                   env=env, stdout=subprocess.DEVNULL, stderr=out)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process, log)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/qr/dinh-thoi-an.png", timeout=5)
        assert refused.value.code == 409
    finally:
        process.terminate()
        process.wait(timeout=10)
    warning = log.read_text()
    assert "DIACHIDO_BASE_URL (http://127.0.0.1:8000) là địa chỉ nội bộ" in warning
    assert "QR codes and posters are refused" in warning


@pytest.mark.live
def test_serve_on_loopback_prints_no_warning_and_serves_codes(tmp_path):
    with live_server(TEST_CONTENT, tmp_path / "data") as base_url:
        with urllib.request.urlopen(f"{base_url}/qr/dinh-thoi-an.png", timeout=5) as response:
            assert response.status == 200
    log = next(tmp_path.glob("server-*.log")).read_text()
    assert "DIACHIDO_BASE_URL" not in log


@pytest.mark.parametrize("command", [["qr", "--out", "codes"], ["posters", "--out", "all.pdf"]])
def test_cli_warns_when_printing_a_loopback_base_url(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DIACHIDO_CONTENT_DIR", str(TEST_CONTENT))
    monkeypatch.delenv("DIACHIDO_BASE_URL", raising=False)
    result = CliRunner().invoke(main, [*command, "dinh-thoi-an"])
    assert result.exit_code == 0 and "DIACHIDO_BASE_URL (http://127.0.0.1:8000)" in result.stderr
    assert "do not print these files" in result.stderr
    monkeypatch.setenv("DIACHIDO_BASE_URL", "https://diachido.example.vn")
    assert "DIACHIDO_BASE_URL" not in CliRunner().invoke(main, [*command, "dinh-thoi-an"]).stderr


@pytest.mark.live
def test_a_server_stops_at_once_while_a_poster_batch_is_being_made(tmp_path):
    """A restart must not wait minutes for a low-priority batch: its worker process is terminated."""
    with abuse_server(tmp_path, 1000) as target:
        waiting = threading.Thread(target=poster_attack, args=(target,), daemon=True)
        waiting.start()
        children = f"/proc/{target.pid}/task/{target.pid}/children"
        for _ in range(200):  # the batch's worker process is started on the first request
            if open(children).read().split():
                break
            threading.Event().wait(0.05)
        workers = [int(pid) for pid in open(children).read().split()]
        assert workers, "the poster batch runs in a worker process"
        os.kill(target.pid, 15)
        for _ in range(200):  # ten seconds at most (systemd waits 90 before killing)
            if not any(running(pid) for pid in [target.pid, *workers]):
                break
            threading.Event().wait(0.05)
        assert not running(target.pid), "the server stopped"
        assert not any(running(pid) for pid in workers), "its poster worker stopped with it"


@pytest.mark.slow
def test_a_flood_of_report_pdfs_leaves_staff_poster_printing_answered(make_client):
    """Issue 21, item 7: report PDFs for 8 clients' random values took the poster worker's queue, and 6 of 12
    poster requests got 503. Reports have their own small queue: 12 months at once are made or refused
    (503, retry), while the five posters asked for meanwhile are all made."""
    client = make_client()
    statuses: dict[str, list[int]] = {"reports": [], "posters": []}

    def get(kind: str, path: str) -> None:
        response = client.get(path)
        statuses[kind].append(response.status_code if response.status_code != 503 or
                              int(response.headers["retry-after"]) > 0 else "503 without Retry-After")

    reports = [threading.Thread(target=get, args=("reports", f"/stats/report.pdf?month=2025-{month:02d}"))
               for month in range(1, 13)]
    for thread in reports:
        thread.start()
    time.sleep(0.3)  # the reports are queued (their process is starting) when staff print
    posters = [threading.Thread(target=get, args=("posters", path)) for path in
               ["/posters.pdf", "/posters/dinh-thoi-an.pdf", "/posters/dinh-thoi-an.pdf?format=a5",
                "/posters/dinh-thoi-an.pdf?format=plaque", "/posters.pdf?format=a5"]]
    for thread in posters:
        thread.start()
    for thread in reports + posters:
        thread.join(timeout=120)
    assert statuses["posters"] == [200] * 5  # as many as the poster worker takes at once (1 made, 4 waiting)
    assert sorted(set(statuses["reports"])) == [200, 503] and len(statuses["reports"]) == 12
    assert app_state(client.app).print_shop.pdfs.made == 5, "no report in the posters' cache or queue"
