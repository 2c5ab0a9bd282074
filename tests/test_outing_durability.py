"""A killed server keeps every stamp it acknowledged (issue 14: "durable like scans")."""

import contextlib
import http.client
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sites.outings.store import OutingStore
from sites.outings.store_pg import PostgresOutingStore
from sites.outings.store_sqlite import OUTINGS_FILE, SQLiteOutingStore
from sites.storage.postgres import PostgresDatabase
from tests.live import start_server
from tests.support import TEST_CONTENT, kill_mid_burst, phone

pytestmark = pytest.mark.live  # every test here starts a real `diachido serve`

STUDENTS = 60
STOP_CODES = ["thoian", "phuluong", "linhson", "pothi", "camthien"]


@contextlib.contextmanager
def opened_store(backend: str | None, data_dir: Path) -> Iterator[OutingStore]:
    """The outing store of `backend`, its PostgreSQL pool closed at the end (not left to the garbage collector)."""
    if not backend:
        yield SQLiteOutingStore(data_dir / OUTINGS_FILE)
        return
    database = PostgresDatabase(backend)
    try:
        yield PostgresOutingStore(database)
    finally:
        database.close()


def scan_stops(base_url: str, student: int, token: str, acknowledged: list, stop: threading.Event) -> None:
    """Scan the stops one after the other over one connection; note each stamp the page acknowledged."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
    headers = {**phone(student), "Cookie": f"passport={token}"}
    for code in STOP_CODES:
        if stop.is_set():
            return
        try:
            connection.request("GET", f"/q/{code}", headers=headers)
            response = connection.getresponse()
            page = response.read().decode()
        except (OSError, http.client.HTTPException):
            return
        if response.status == 200 and "Đã đóng dấu hộ chiếu" in page:
            acknowledged.append((student, code))


def test_sigkill_during_a_class_burst_loses_no_acknowledged_stamp(backend, tmp_path):
    shutil.copytree(TEST_CONTENT, tmp_path / "content")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    now = datetime.now(UTC)
    with opened_store(backend, data_dir) as store:
        outing = store.create("ve-nguon-o-mon", "9A1", "Cần Thơ", now - timedelta(hours=1), now + timedelta(hours=2),
                              "lan", now)
        passports = [store.join(outing.code, f"student {number}", now) for number in range(STUDENTS)]
    settings = {"content_dir": str(tmp_path / "content"), "data_dir": str(data_dir),
                "counted_per_address": "1000000", **({"database_url": backend} if backend else {})}
    base_url, process = start_server(tmp_path, **settings)
    acknowledged: list[tuple[int, str]] = []
    stop = threading.Event()
    students = [threading.Thread(target=scan_stops, args=(base_url, number, joined.token, acknowledged, stop))
                for number, joined in enumerate(passports)]
    kill_mid_burst(process, students, acknowledged, stop, at_least=60)  # well into the burst, before its end

    codes = {site: code for site, code in zip(
        ["dinh-thoi-an", "dinh-phu-luong", "linh-son-co-mieu", "chua-pothi-somron", "chua-cam-thien-dai-de"],
        STOP_CODES, strict=True)}
    ids = {joined.passport.id: number for number, joined in enumerate(passports)}
    with opened_store(backend, data_dir) as store:
        stored = {(ids[row.passport.id], codes[stamp.slug]) for row in store.table(outing.code) for stamp in row.stamps}
    assert len(acknowledged) >= 60 and set(acknowledged) <= stored
    assert len(stored) < STUDENTS * len(STOP_CODES), "the kill came before the end of the burst"
