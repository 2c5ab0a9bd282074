"""A real `diachido serve` killed with SIGKILL in the middle of a burst of scans keeps every scan it answered."""

import http.client
import shutil
import signal
import sqlite3
import threading
import time
from urllib.parse import urlsplit

from tests.conftest import BUNDLED_CONTENT, PHONE_BROWSER
from tests.live_server import server_process, start_server

CLIENTS = 8


def scan_until_refused(base_url: str, answered: list[int], stop: threading.Event) -> None:
    """Scan over one keep-alive connection until the server dies; count the 200 answers received in full."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
    while not stop.is_set():
        try:
            connection.request("GET", "/q/thoian", headers=PHONE_BROWSER)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            return
        if response.status == 200:
            answered.append(1)


def test_sigkill_during_a_burst_loses_no_answered_scan(tmp_path):
    shutil.copytree(BUNDLED_CONTENT, tmp_path / "content")
    settings = {"content_dir": str(tmp_path / "content"), "data_dir": str(tmp_path / "data")}
    base_url, process = start_server(tmp_path, **settings)
    answered: list[int] = []
    stop = threading.Event()
    clients = [threading.Thread(target=scan_until_refused, args=(base_url, answered, stop)) for _ in range(CLIENTS)]
    for client in clients:
        client.start()
    while len(answered) < 300:  # well into the burst
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stop.set()
    for client in clients:
        client.join()

    stored = sqlite3.connect(tmp_path / "data" / "visits.sqlite3").execute(
        "SELECT scans FROM site_totals WHERE slug = 'dinh-thoi-an'").fetchone()[0]
    assert stored >= len(answered) >= 300
    assert stored <= len(answered) + CLIENTS  # at most the scans in flight when it died were counted unanswered
    access_log = [line for log in tmp_path.glob("server-*.log") for line in log.read_text().splitlines()
                  if "GET /q/thoian" in line]
    assert access_log and not any("127.0.0.1" in line for line in access_log)  # no client address logged

    with server_process(tmp_path, **settings) as restarted:
        connection = http.client.HTTPConnection(urlsplit(restarted).hostname, urlsplit(restarted).port)
        connection.request("GET", "/api/stats/dinh-thoi-an")
        assert f'"scans":{stored},' in connection.getresponse().read().decode()
