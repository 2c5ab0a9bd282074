"""/metrics (issue 26): the Prometheus text format, read with prometheus-client's own parser; counted scans move
the scan counter by exactly one, a bot's do not; only this machine, a trusted proxy's own address or the bearer
token may read it, anyone else (a forwarded visitor included) gets the 404 of an unknown path."""

import uuid
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from sites.operations.version import VERSION
from tests.support import phone

LOOPBACK = ("127.0.0.1", 50000)
PROXY = "10.0.0.5"
BOT = {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}


def scrape(client: TestClient, **headers) -> dict[tuple[str, tuple], float]:
    """Every sample of /metrics as read from this machine: {(name, sorted labels): value}."""
    response = TestClient(client.app, client=LOOPBACK).get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_a_phone_scan_moves_the_scan_counter_by_exactly_one_and_a_bot_scan_does_not(client):
    before = scrape(client)
    assert client.get("/q/pinangtac", headers=phone(1)).status_code == 200
    after_phone = scrape(client)
    assert value(after_phone, "diachido_visits_total", kind="scan") == value(before, "diachido_visits_total",
                                                                             kind="scan") + 1
    assert client.get("/q/pinangtac", headers=BOT).status_code == 200
    assert client.get("/q/pinangtac", headers=phone(1)).status_code == 200  # the same phone again: not counted
    after_bot = scrape(client)
    assert value(after_bot, "diachido_visits_total", kind="scan") == value(after_phone, "diachido_visits_total",
                                                                           kind="scan")
    # ...but every answer is a request, labelled by the route template, never the path typed
    requests = value(after_bot, "diachido_http_requests_total", route="/q/{code}", method="GET", status="200")
    assert requests == 3
    assert not [key for key in after_bot if ("route", "/q/pinangtac") in key[1]]
    assert value(after_bot, "diachido_http_request_duration_seconds_count", route="/q/{code}") == 3
    assert value(after_bot, "diachido_store_commit_batch_size_count") >= 1  # one commit at least, its batch measured
    assert value(after_bot, "diachido_store_commit_seconds_count") >= 1


def test_the_page_says_which_release_runs_and_whether_it_is_healthy(client):
    samples = scrape(client)
    assert value(samples, "diachido_build_info", version=VERSION) == 1
    assert value(samples, "diachido_degraded") == 0
    assert value(samples, "diachido_content_errors") == 0
    for queue in ("QR codes", "posters", "monthly reports", "photos", "spreadsheet imports", "narration"):
        assert value(samples, "diachido_queue_depth", queue=queue) == 0
        assert value(samples, "diachido_queue_capacity", queue=queue) >= 1


def test_unknown_paths_share_one_label_and_refusals_are_counted_by_reason(client):
    for number in range(3):
        assert client.get(f"/no-such-page-{number}").status_code == 404
    assert client.post("/api/late-scans", content=b"x" * 70_000,
                       headers={"Content-Type": "application/json", **phone(2)}).status_code == 413
    samples = scrape(client)
    assert value(samples, "diachido_http_requests_total", route="unmatched", method="GET", status="404") == 3
    assert value(samples, "diachido_refused_requests_total", reason="size") == 1


def test_a_forwarded_public_address_gets_404_and_the_proxy_itself_is_served(make_client):
    app = make_client(trusted_proxies=PROXY).app
    proxy = TestClient(app, client=(PROXY, 40000))
    forwarded = proxy.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert forwarded.status_code == 404
    # the 404 page of any unknown path (its language links name the path): nothing tells the route exists
    assert forwarded.text.replace("/metrics", "/nothing-here") == proxy.get("/nothing-here").text
    assert proxy.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 404  # forwarded, whatever
    stranger = TestClient(app, client=("203.0.113.9", 40000))
    assert stranger.get("/metrics").status_code == stranger.head("/metrics").status_code == 404
    assert proxy.get("/metrics").status_code == 200  # Prometheus on the proxy's machine
    assert TestClient(app, client=LOOPBACK).get("/metrics").status_code == 200


def test_with_a_token_only_its_bearer_may_read(make_client):
    app = make_client(metrics_token="s3cret-token-for-prometheus").app
    public = TestClient(app, client=("203.0.113.9", 40000))
    assert public.get("/metrics", headers={"Authorization": "Bearer s3cret-token-for-prometheus"}).status_code == 200
    assert public.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    assert TestClient(app, client=LOOPBACK).get("/metrics").status_code == 404


def test_late_scans_count_under_their_own_kind_once_each(client):
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    scans = [{"id": str(uuid.uuid4()), "code": code, "at": yesterday} for code in ("thoian", "pothi")]
    body = {"device": "phone-0123456789abcdef", "sent_at": datetime.now(UTC).isoformat(), "scans": scans}
    for _ in range(2):  # the phone retries: duplicates count nothing
        assert client.post("/api/late-scans", json=body, headers=phone(3)).status_code == 200
    samples = scrape(client)
    assert value(samples, "diachido_visits_total", kind="late_scan") == 2
    assert value(samples, "diachido_visits_total", kind="scan") == 0  # present at 0 from the start
