"""Late scans (`POST /api/late-scans`, issue 16): plaques scanned with no signal count once, on the day they
were scanned, marked as sent late; anything else is refused with why and counts nothing."""

import csv
import http.client
import io
import itertools
import json
import shutil
import sqlite3
import threading
import uuid
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from sites.visits.visit import VIETNAM_TIME, vietnam_day
from tests.live import server_process, start_server
from tests.support import PHONE_BROWSER, TEST_CONTENT, edit_site, kill_mid_burst, stored_total

DEVICE = "phone-0123456789abcdef"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


_earlier = itertools.count()


def scan(code: str = "thoian", at: datetime | None = None, id: str | None = None) -> dict:
    """One scan as the phone keeps it: by default of Đình Thới An, one to 13 days ago, each 31 minutes before the
    one made before it (a phone's scans of one site count once in 30 minutes)."""
    at = at or datetime.now(UTC) - timedelta(days=1) - next(_earlier) % 576 * timedelta(minutes=31)
    return {"id": id or str(uuid.uuid4()), "code": code, "at": at.isoformat()}


def send(client, scans: list[dict], device: str = DEVICE, sent_at: datetime | None = None,
         headers: dict | None = None):
    body = {"device": device, "sent_at": (sent_at or datetime.now(UTC)).isoformat(), "scans": scans}
    return client.post("/api/late-scans", json=body, headers=headers or PHONE_BROWSER)


def results(response) -> list[tuple[str, str | None]]:
    assert response.status_code == 200, response.text
    return [(result["status"], result.get("error")) for result in response.json()["results"]]


def totals(client) -> dict:
    """All sites' all-time counts, from /api/stats."""
    total = client.get("/api/stats").json()["total"]
    return {key: total[key] for key in ("scans", "views", "unique_visitors", "late_scans")}


NOTHING = {"scans": 0, "views": 0, "unique_visitors": 0, "late_scans": 0}


def test_a_late_scan_counts_once_on_the_day_it_was_made(backend, make_client):
    client = make_client()
    two_days_ago = datetime.combine(vietnam_day(datetime.now(UTC)) - timedelta(days=2), time(9), VIETNAM_TIME)
    sent = [scan("thoian", two_days_ago), scan("THOIAN", two_days_ago + timedelta(minutes=40)), scan("pothi")]
    answer = send(client, sent)
    assert [result["id"] for result in answer.json()["results"]] == [one["id"] for one in sent]
    assert results(answer) == [("counted", None)] * 3
    # Scans, marked as sent late; unique visitors of past days are not guessed.
    assert totals(client) == {"scans": 3, "views": 0, "unique_visitors": 0, "late_scans": 3}
    day = vietnam_day(two_days_ago)
    series = client.get(f"/api/stats/dinh-thoi-an?from={day - timedelta(days=1)}&to={day + timedelta(days=2)}").json()
    counted_days = [entry for entry in series["days"] if entry["scans"]]
    assert counted_days == [{"date": day.isoformat(), "scans": 2, "views": 0, "unique_visitors": 0, "late_scans": 2}]
    assert series["total"]["late_scans"] == 2

    assert results(send(client, sent)) == [("duplicate", None)] * 3  # the phone retried: nothing more
    assert totals(client)["scans"] == 3
    live = client.get("/q/thoian", headers=PHONE_BROWSER)  # a live scan is not a late one
    assert live.status_code == 200
    assert totals(client) == {"scans": 4, "views": 0, "unique_visitors": 1, "late_scans": 3}


def test_the_phone_clock_skew_is_corrected(backend, make_client):
    """A phone whose clock runs 10 hours behind: its scan at '23:00' on its clock was at 09:00 the next day."""
    client = make_client()
    now = datetime.now(UTC)
    skew = timedelta(hours=10)
    moment = now - timedelta(days=3)
    assert results(send(client, [scan(at=moment - skew)], sent_at=now - skew)) == [("counted", None)]
    day = vietnam_day(moment)
    series = client.get(f"/api/stats/dinh-thoi-an?from={day - timedelta(days=2)}&to={day + timedelta(days=2)}").json()
    assert [entry["date"] for entry in series["days"] if entry["late_scans"]] == [day.isoformat()]


def test_each_refusal_says_why_and_counts_nothing(backend, content_dir, make_client):
    edit_site(content_dir, "dinh-phu-luong", published=False)
    client = make_client(late_scans_per_day=3)
    now = datetime.now(UTC)
    repeated = str(uuid.uuid4())
    answer = results(send(client, [
        scan("no-such-plaque"),
        scan("phuluong"),  # a draft
        scan(at=now - timedelta(days=15)),
        scan(at=now + timedelta(hours=1)),
        scan(id=repeated),
        scan(id=repeated.upper()),  # the same id again in the same request
    ]))
    assert answer == [
        ("refused", "not counted: no published site has the code 'no-such-plaque'"),
        ("refused", "not counted: no published site has the code 'phuluong'"),
        ("refused", "not counted: the scan is more than 14 days old"),
        ("refused", "not counted: the scan time is in the future"),
        ("counted", None),
        ("duplicate", None),
    ]
    assert totals(client) == {**NOTHING, "scans": 1, "late_scans": 1}

    # A clock off by more than a day: its times cannot be trusted, even ones that look fine.
    assert results(send(client, [scan(at=now - timedelta(days=2))], sent_at=now - timedelta(days=3))) == [
        ("refused",
         "not counted: the phone's clock is off by more than 26 hours (sent_at), its times cannot be trusted")]

    # Daily cap per phone (3 here), then per address: another phone on the same network.
    assert results(send(client, [scan(), scan(), scan()])) == [("counted", None)] * 2 + [
        ("refused", "not counted: this phone sent more than 3 late scans today")]
    assert results(send(client, [scan()], device="another-phone-12345678")) == [
        ("refused", "not counted: more than 3 late scans came from this network today")]
    assert totals(client) == {**NOTHING, "scans": 3, "late_scans": 3}


def test_two_offline_opens_of_one_plaque_within_a_minute_count_one(backend, make_client):
    client = make_client()
    moment = datetime.combine(vietnam_day(datetime.now(UTC)) - timedelta(days=3), time(9), VIETNAM_TIME)
    repeat = ("refused", "not counted: this phone's scan of this site less than 30 minutes before or after it "
                         "counted already")
    assert results(send(client, [scan(at=moment), scan(at=moment + timedelta(seconds=50))])) == [
        ("counted", None), repeat]
    # The same window by the phone's scan times in a later request, and in either order.
    assert results(send(client, [scan(at=moment - timedelta(minutes=10)), scan(at=moment + timedelta(minutes=31)),
                                 scan("pothi", at=moment)])) == [repeat, ("counted", None), ("counted", None)]
    assert results(send(client, [scan(at=moment)], device="another-phone-12345678")) == [("counted", None)]
    assert totals(client) == {**NOTHING, "scans": 4, "late_scans": 4}


@pytest.mark.slow
def test_forged_ids_from_five_addresses_add_at_most_the_ceiling_per_site_and_address(backend, make_client):
    client = make_client()

    def forge(address: str, code: str) -> list[str]:
        """100 forged scans of `code` from `address`: 20 made-up phones of 5 scans each."""
        network = TestClient(client.app, base_url=str(client.base_url), client=(address, 50000))
        return [status for phone in range(20) for status, _ in results(send(
            network, [scan(code) for _ in range(5)], device=uuid.uuid4().hex))]

    statuses = [forge(f"203.0.113.{n}", "thoian") for n in range(5)]
    assert all(sent.count("counted") == 60 for sent in statuses)  # DIACHIDO_LATE_SCANS_PER_SITE
    assert results(send(TestClient(client.app, client=("203.0.113.0", 50000)), [scan()], device="honest-phone-000001")
                   ) == [("refused", "not counted: more than 60 late scans of this site came from this network today")]
    assert results(send(TestClient(client.app, client=("203.0.113.0", 50000)), [scan("pothi")],
                        device="honest-phone-000001")) == [("counted", None)], "another site is not locked out"
    # Five addresses of one IPv6 /64 are one network.
    assert sum(forge(f"2001:db8:5:6::{n + 1}", "linhson").count("counted") for n in range(5)) == 60
    counted = {site["slug"]: site["late_scans"] for site in client.get("/api/stats").json()["sites"]}
    assert (counted["dinh-thoi-an"], counted["linh-son-co-mieu"], counted["chua-pothi-somron"]) == (300, 60, 1)


def test_neither_the_phone_id_nor_the_address_is_stored(make_client, data_dir):
    client = make_client()
    assert results(send(client, [scan()])) == [("counted", None)]
    client.__exit__(None, None, None)
    stored = b"".join(path.read_bytes() for path in data_dir.rglob("*") if path.is_file())
    assert DEVICE.encode() not in stored and b"testclient" not in stored  # the TestClient's address


def test_bots_and_tools_get_every_scan_refused(backend, make_client):
    client = make_client()
    for user_agent in ("curl/8.5.0", GOOGLEBOT, "python-requests/2.32", ""):
        answer = send(client, [scan(), scan("pothi")], headers={"User-Agent": user_agent})
        assert results(answer) == [("refused", "not counted: automated client")] * 2, user_agent
    assert totals(client) == NOTHING


def test_a_malformed_body_is_refused_whole_naming_the_field(backend, make_client, caplog):
    client = make_client()
    now = datetime.now(UTC).isoformat()
    good = {"device": DEVICE, "sent_at": now, "scans": [scan()]}

    def post(body, content_type="application/json", **headers):
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return client.post("/api/late-scans", content=data,
                           headers={**PHONE_BROWSER, "Content-Type": content_type, **headers})

    not_json = post(b'{"device": ')
    assert not_json.status_code == 400 and not_json.json()["detail"].startswith("body: not JSON")
    as_text = post(json.dumps(good), content_type="text/plain")
    assert as_text.status_code == 400 and "Content-Type" in as_text.json()["detail"]
    too_large = post({**good, "scans": [scan(code="x" * 180) for _ in range(150)]})
    assert too_large.status_code == 413 and "32768 bytes" in too_large.json()["detail"]
    nested = post("[" * 2000 + "]" * 2000)  # issue 21: a RecursionError in the parser was a 500
    assert nested.status_code == 400 and nested.json()["detail"].startswith("body: not JSON")
    assert post({**good, "scans": [[[[{"id": []}]]]]}).status_code == 422  # nested but parsed: the shape is wrong
    assert [record for record in caplog.records if record.levelname == "ERROR"] == []

    def refused_field(body) -> list:
        response = post(body)
        assert response.status_code == 422, response.text
        return [error["loc"] for error in response.json()["detail"]]

    assert refused_field({**good, "scans": [scan() for _ in range(101)]}) == [["body", "scans"]]
    assert refused_field({**good, "device": "short"}) == [["body", "device"]]
    assert refused_field({**good, "sent_at": "yesterday"}) == [["body", "sent_at"]]
    assert refused_field({**good, "scans": [{**scan(), "at": "2026-11-28T10:00:00"}]}) == [  # no offset
        ["body", "scans", 0, "at"]]
    assert refused_field({**good, "scans": [scan(), {**scan(), "id": "1"}]}) == [["body", "scans", 1, "id"]]
    assert refused_field({**good, "sent_at": 1764500000}) == [["body", "sent_at"]]  # seconds, not a time
    assert refused_field({**good, "sent_at": "4", "scans": [{**scan(), "at": "3"}]}) == [  # seconds as text
        ["body", "sent_at"], ["body", "scans", 0, "at"]]
    assert refused_field({key: value for key, value in good.items() if key != "scans"}) == [["body", "scans"]]
    assert totals(client) == NOTHING


def test_the_stats_page_shows_the_scans_sent_late(make_client):
    client = make_client()
    results(send(client, [scan(), scan()]))
    page = client.get("/stats").text
    assert "Gửi muộn" in page and 'data-label="Gửi muộn">2</td>' in page
    assert "Sent late" in client.get("/stats?lang=en").text


def test_the_monthly_report_says_how_many_scans_were_sent_late(make_client):
    client = make_client()
    moment = datetime.now(UTC) - timedelta(days=2)
    assert results(send(client, [scan(at=moment), scan(at=moment + timedelta(minutes=31))])) == [("counted", None)] * 2
    report = client.get(f"/stats/report.csv?month={vietnam_day(moment):%Y-%m}")
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows[0][8] == "Trong đó gửi muộn / Of which sent late"
    thoi_an = next(row for row in rows if row[0] == "dinh-thoi-an")
    assert (thoi_an[4], thoi_an[8]) == ("2", "2") and rows[-1][8] == "2"


def test_scan_ids_are_kept_fifteen_days_then_forgotten(make_client, data_dir):
    first = make_client()
    kept = scan(at=datetime.now(UTC) - timedelta(days=13))
    results(send(first, [kept]))
    first.__exit__(None, None, None)
    old = uuid.uuid4().bytes
    store = sqlite3.connect(data_dir / "visits.sqlite3")
    with store:
        store.execute("INSERT INTO late_scan_ids VALUES (?, ?)",
                      (old, (vietnam_day(datetime.now(UTC)) - timedelta(days=16)).isoformat()))
    again = make_client()  # pruning is done by the first commit of a day
    assert results(send(again, [kept, scan()])) == [("duplicate", None), ("counted", None)]
    ids = {row[0] for row in store.execute("SELECT id FROM late_scan_ids")}
    assert uuid.UUID(kept["id"]).bytes in ids and old not in ids


def test_a_visit_store_made_before_late_scans_gets_their_column(make_client, data_dir):
    data_dir.mkdir()
    store = sqlite3.connect(data_dir / "visits.sqlite3")
    with store:
        store.executescript("""
            CREATE TABLE daily_counts (slug TEXT NOT NULL, day TEXT NOT NULL, scans INTEGER NOT NULL DEFAULT 0,
                views INTEGER NOT NULL DEFAULT 0, unique_visitors INTEGER NOT NULL DEFAULT 0,
                last_visit TEXT NOT NULL, PRIMARY KEY (slug, day)) WITHOUT ROWID;
            CREATE TABLE site_totals (slug TEXT PRIMARY KEY, scans INTEGER NOT NULL DEFAULT 0,
                views INTEGER NOT NULL DEFAULT 0, unique_visitors INTEGER NOT NULL DEFAULT 0,
                last_visit TEXT NOT NULL) WITHOUT ROWID;
            INSERT INTO site_totals VALUES ('dinh-thoi-an', 7, 2, 5, '2026-01-01T00:00:00+00:00');
            INSERT INTO daily_counts VALUES ('dinh-thoi-an', '2026-01-01', 7, 2, 5, '2026-01-01T00:00:00+00:00');
        """)
    store.close()
    client = make_client()
    assert totals(client) == {"scans": 7, "views": 2, "unique_visitors": 5, "late_scans": 0}
    assert results(send(client, [scan()])) == [("counted", None)]
    assert totals(client) == {"scans": 8, "views": 2, "unique_visitors": 5, "late_scans": 1}


CLIENTS = 6


def send_until_refused(base_url: str, counted: list[str], stop: threading.Event, client: int) -> None:
    """Send batches of 5 late scans over one keep-alive connection until the server dies; keep the ids of the
    scans answered `counted`. Each client is another phone."""
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
    device = f"durability-phone-{client:04d}"
    while not stop.is_set():
        body = {"device": device, "sent_at": datetime.now(UTC).isoformat(), "scans": [scan() for _ in range(5)]}
        try:
            connection.request("POST", "/api/late-scans", body=json.dumps(body),
                               headers={**PHONE_BROWSER, "Content-Type": "application/json"})
            response = connection.getresponse()
            answer = response.read()
        except (OSError, http.client.HTTPException):
            return
        if response.status == 200:
            counted += [result["id"] for result in json.loads(answer)["results"] if result["status"] == "counted"]


@pytest.mark.live
def test_sigkill_loses_no_acknowledged_late_scan(backend, tmp_path):
    shutil.copytree(TEST_CONTENT, tmp_path / "content")
    settings = {"content_dir": str(tmp_path / "content"), "data_dir": str(tmp_path / "data"),
                "late_scans_per_day": "1000000", "late_scans_per_site": "1000000", "narrate_ahead": "false",
                **({"database_url": backend} if backend else {})}
    base_url, process = start_server(tmp_path, **settings)
    counted: list[str] = []
    stop = threading.Event()
    clients = [threading.Thread(target=send_until_refused, args=(base_url, counted, stop, n)) for n in range(CLIENTS)]
    kill_mid_burst(process, clients, counted, stop, at_least=300)  # well into the stream

    stored = stored_total(backend, tmp_path / "data", "late_scans")
    assert stored >= len(counted) >= 300
    assert stored <= len(counted) + 5 * CLIENTS  # at most the batches in flight were counted unanswered

    with server_process(tmp_path, **settings) as restarted:  # the phones that got no answer send again
        address = urlsplit(restarted)
        connection = http.client.HTTPConnection(address.hostname, address.port)
        retry = [scan(id=one) for one in counted[:100]]
        connection.request("POST", "/api/late-scans", headers={**PHONE_BROWSER, "Content-Type": "application/json"},
                           body=json.dumps({"device": DEVICE, "sent_at": datetime.now(UTC).isoformat(),
                                            "scans": retry}))
        answer = json.loads(connection.getresponse().read())
        assert {result["status"] for result in answer["results"]} == {"duplicate"}
    assert stored_total(backend, tmp_path / "data", "late_scans") == stored
