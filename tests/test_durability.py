"""A killed server keeps every scan it answered; a damaged visit store is reported and kept, pages still served."""

import http.client
import itertools
import json
import os
import random
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.live import live_server, server_process, start_server
from tests.support import PHONE_BROWSER, TEST_CONTENT, kill_mid_burst, phone, stored_total

CLIENTS = 8


def scan_until_refused(base_url: str, answered: list[int], stop: threading.Event, client: int) -> None:
    """Scan over one keep-alive connection until the server dies; count the 200 answers received in full.

    Every scan is another phone, so that each one is counted."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
    for number in itertools.count(client * 1_000_000):
        if stop.is_set():
            return
        try:
            connection.request("GET", "/q/thoian", headers=phone(number))
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            return
        if response.status == 200:
            answered.append(1)


@pytest.mark.live
def test_sigkill_during_a_burst_loses_no_answered_scan(backend, tmp_path):
    shutil.copytree(TEST_CONTENT, tmp_path / "content")
    # All from 127.0.0.1: the ceiling per address is lifted, as if they came from many addresses.
    settings = {"content_dir": str(tmp_path / "content"), "data_dir": str(tmp_path / "data"),
                "counted_per_address": "1000000", **({"database_url": backend} if backend else {})}
    base_url, process = start_server(tmp_path, **settings)
    answered: list[int] = []
    stop = threading.Event()
    clients = [threading.Thread(target=scan_until_refused, args=(base_url, answered, stop, n)) for n in range(CLIENTS)]
    kill_mid_burst(process, clients, answered, stop, at_least=300)  # well into the burst

    stored = stored_total(backend, tmp_path / "data", "scans")
    assert stored >= len(answered) >= 300
    assert stored <= len(answered) + CLIENTS  # at most the scans in flight when it died were counted unanswered
    access_log = [line for log in tmp_path.glob("server-*.log") for line in log.read_text().splitlines()
                  if "GET /q/thoian" in line]
    assert access_log and not any("127.0.0.1" in line for line in access_log)  # no client address logged

    with server_process(tmp_path, **settings) as restarted:
        connection = http.client.HTTPConnection(urlsplit(restarted).hostname, urlsplit(restarted).port)
        connection.request("GET", "/api/stats/dinh-thoi-an")
        assert f'"scans":{stored},' in connection.getresponse().read().decode()


@pytest.mark.slow
def test_an_unreachable_database_is_reported_while_pages_and_scans_are_served(make_client, tmp_path, caplog):
    # No server listens on this socket: as when PostgreSQL is down or its host unreachable.
    client = make_client(database_url=f"postgresql://diachido@/diachido?host={tmp_path}&port=9")
    for _ in range(3):
        scan = client.get("/q/thoian", headers=PHONE_BROWSER)
        assert scan.status_code == 200 and "<h1>Đình Thới An</h1>" in scan.text
    assert client.get("/sites/dinh-thoi-an", headers=PHONE_BROWSER).status_code == 200
    health = client.get("/healthz").json()
    assert health["status"] == "degraded" and health["reason"].startswith("PostgreSQL: ")
    assert client.get("/api/stats").status_code == 503
    assert "Visits cannot be counted" in caplog.text


def damage(path: Path, kind: str) -> bytes:
    """Damage the store file as disks and people do; returns the damaged bytes, which must be kept."""
    size = path.stat().st_size
    if kind == "truncated":
        os.truncate(path, size // 2)
    elif kind == "zero":
        os.truncate(path, 0)
    else:
        with open(path, "r+b") as out:
            out.write(random.Random(kind).randbytes(size))
    return path.read_bytes()


def assert_degraded_but_serving(get, store: Path, damaged: bytes) -> None:
    """Pages and scans are served, /healthz says why counts stopped, stats answer 503, the file is kept."""
    scan = get("/q/thoian")
    assert scan.status_code == 200 and "<h1>Đình Thới An</h1>" in scan.text
    assert get("/sites/dinh-thoi-an").status_code == 200 and get("/").status_code == 200
    health = get("/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded" and "visits.sqlite3" in health.json()["reason"]
    for path in ("/api/stats", "/api/stats/dinh-thoi-an", "/api/sites.geojson"):
        refused = get(path)
        assert refused.status_code == 503 and "visit store is damaged" in refused.json()["detail"], path
    assert get("/stats").status_code == 503
    assert store.read_bytes() == damaged  # never replaced by an empty store


@pytest.mark.parametrize("kind", ["truncated", "zero", "garbage"])
@pytest.mark.slow
def test_a_damaged_store_at_start_is_reported_and_kept_while_pages_are_served(make_client, staff_client, data_dir,
                                                                                 kind, caplog):
    first = make_client()
    for number in range(30):
        first.get("/q/thoian", headers=phone(number))
    first.__exit__(None, None, None)
    store = data_dir / "visits.sqlite3"
    damaged = damage(store, kind)

    client = make_client()
    assert_degraded_but_serving(lambda path: client.get(path, headers=PHONE_BROWSER), store, damaged)
    assert "visits.sqlite3.created" in caplog.text and "backup" in caplog.text  # staff are told how to restore
    admin = staff_client().get("/admin")
    assert admin.status_code == 200 and "Dữ liệu lượt truy cập bị hỏng" in admin.text
    assert "The visit store is damaged" in admin.text


def test_a_new_empty_store_is_created_but_a_missing_one_that_existed_is_reported(make_client, data_dir):
    data_dir.mkdir()
    (data_dir / "visits.sqlite3").touch()  # 0 bytes and never created: a fresh start
    client = make_client()
    client.get("/q/thoian", headers=PHONE_BROWSER)
    health = client.get("/healthz").json()
    assert health.pop("narrations_pending") <= 1  # the scanned page asked for its narration
    assert health == {"status": "ok", "sites": 7, "content_errors": 0}
    assert client.get("/api/stats").json()["total"]["scans"] == 1
    client.__exit__(None, None, None)
    for name in ("visits.sqlite3", "visits.sqlite3-wal", "visits.sqlite3-shm"):
        (data_dir / name).unlink(missing_ok=True)
    health = make_client().get("/healthz").json()
    assert health["status"] == "degraded" and "visits.sqlite3 is missing" in health["reason"]
    assert not (data_dir / "visits.sqlite3").exists()


@pytest.mark.live
@pytest.mark.parametrize("kind", ["truncated", "garbage"])
def test_a_real_server_starts_on_a_damaged_store(tmp_path, kind):
    shutil.copytree(TEST_CONTENT, tmp_path / "content")
    with live_server(tmp_path / "content", tmp_path / "data") as base_url:
        for number in range(20):
            assert fetch(base_url, "/q/thoian", phone(number)).status_code == 200
    store = tmp_path / "data" / "visits.sqlite3"
    damaged = damage(store, kind)
    with live_server(tmp_path / "content", tmp_path / "data") as base_url:
        assert_degraded_but_serving(lambda path: fetch(base_url, path, PHONE_BROWSER), store, damaged)


@pytest.mark.live
@pytest.mark.parametrize("kind", ["truncated", "zero", "garbage"])
def test_damage_while_the_server_runs_is_detected_at_the_next_scan(tmp_path, kind):
    shutil.copytree(TEST_CONTENT, tmp_path / "content")
    with live_server(tmp_path / "content", tmp_path / "data") as base_url:
        for number in range(20):
            fetch(base_url, "/q/thoian", phone(number))
        assert fetch(base_url, "/api/stats").json()["total"]["scans"] == 20
        store = tmp_path / "data" / "visits.sqlite3"
        damaged = damage(store, kind)
        assert fetch(base_url, "/q/pothi", phone(99)).status_code == 200
        assert fetch(base_url, "/healthz").json()["status"] == "degraded"
        assert_degraded_but_serving(lambda path: fetch(base_url, path, PHONE_BROWSER), store, damaged)
    # At shutdown SQLite writes its log (the last good pages) back into the file: a restart either finds it
    # still damaged or finds the counts recovered, never an empty store counting from zero.
    with live_server(tmp_path / "content", tmp_path / "data") as base_url:
        health = fetch(base_url, "/healthz").json()
        if health["status"] == "ok":
            assert fetch(base_url, "/api/stats").json()["total"]["scans"] == 20


class Answer:
    """What a real HTTP client received."""

    def __init__(self, status_code: int, body: bytes):
        self.status_code, self.text = status_code, body.decode()

    def json(self):
        return json.loads(self.text)


def fetch(base_url: str, path: str, headers: dict | None = None) -> Answer:
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.request("GET", path, headers=headers or {})
    response = connection.getresponse()
    return Answer(response.status, response.read())
