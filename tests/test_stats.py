"""Statistics for organisers: /api/stats, /api/stats/{slug} and the /stats page."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from sites.visits.visit import vietnam_day
from tests.support import BASE_URL, OFFLINE_SCRIPT_ONLY, edit_site, scripts, visit

TODAY = vietnam_day(datetime.now(UTC))


def test_api_stats_lists_every_published_site_most_scanned_first(client):
    visit(client, "/q/pothi", 3)
    visit(client, "/q/thoian", 1)
    visit(client, "/sites/dinh-thoi-an", 2)
    stats = client.get("/api/stats").json()
    assert [site["slug"] for site in stats["sites"][:2]] == ["chua-pothi-somron", "dinh-thoi-an"]
    assert len(stats["sites"]) == 7
    thoi_an = stats["sites"][1]
    assert thoi_an | {"scans": 1, "views": 2, "unique_visitors": 3, "code": "thoian", "name": "Đình Thới An",
                      "url": f"{BASE_URL}/sites/dinh-thoi-an"} == thoi_an
    assert datetime.fromisoformat(thoi_an["last_visit"]) > datetime.now(UTC) - timedelta(minutes=1)
    assert stats["total"] | {"scans": 4, "views": 2, "unique_visitors": 6} == stats["total"]  # each a phone
    never = stats["sites"][-1]
    assert never["scans"] == never["views"] == 0 and never["last_visit"] is None


def test_api_site_stats_gives_every_day_of_the_period(client):
    visit(client, "/q/linhson", 2)
    stats = client.get(f"/api/stats/linh-son-co-mieu?from={TODAY - timedelta(days=6)}&to={TODAY}").json()
    assert (stats["from"], stats["to"]) == (str(TODAY - timedelta(days=6)), str(TODAY))
    assert [day["date"] for day in stats["days"]] == [str(TODAY - timedelta(days=n)) for n in range(6, -1, -1)]
    assert stats["days"][-1] == {"date": str(TODAY), "scans": 2, "views": 0, "unique_visitors": 2, "late_scans": 0}
    assert all(day["scans"] == 0 for day in stats["days"][:-1])
    assert stats["total"]["scans"] == 2


def test_api_site_stats_defaults_to_the_last_30_days(client):
    days = client.get("/api/stats/linh-son-co-mieu").json()["days"]
    assert len(days) == 30 and days[-1]["date"] == str(TODAY)


@pytest.mark.parametrize(("query", "message"), [
    ("from=2026-11-20&to=2026-11-01", "2026-11-20 is after to (2026-11-01)"),
    ("from=2020-01-01&to=2026-01-01", "at most 731 days at once"),
])
def test_api_site_stats_refuses_bad_periods(client, query, message):
    response = client.get(f"/api/stats/dinh-thoi-an?{query}")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", "from"] and error["msg"].startswith(message)


@pytest.mark.parametrize(("query", "parameter"), [
    ("to=0001-01-01", "to"),
    ("to=9999-12-31", "to"),
    ("from=0001-01-01&to=2026-01-30", "from"),
    ("from=9999-12-01", "from"),
    ("from=1999-12-31&to=2000-01-05", "from"),
])
def test_api_site_stats_refuses_dates_out_of_range_naming_the_parameter(client, query, parameter):
    response = client.get(f"/api/stats/dinh-thoi-an?{query}")
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["loc"] == ["query", parameter] and "is outside 2000-01-01 to" in error["msg"]


def test_api_site_stats_accepts_a_month_that_is_not_over_yet(client):
    end = TODAY + timedelta(days=20)
    response = client.get(f"/api/stats/dinh-thoi-an?from={TODAY}&to={end}")
    assert response.status_code == 200 and len(response.json()["days"]) == 21


def test_api_site_stats_names_a_malformed_date(client):
    response = client.get("/api/stats/dinh-thoi-an?from=25/11/2026")
    assert response.status_code == 422 and response.json()["detail"][0]["loc"] == ["query", "from"]


def test_a_renamed_site_keeps_its_counts(content_dir, make_client):
    visit(make_client(), "/q/thoian", 2)
    (content_dir / "dinh-thoi-an").rename(content_dir / "dinh-thoi-an-cu")
    edit_site(content_dir, "dinh-thoi-an-cu", slug="dinh-thoi-an-cu", aliases=["dinh-thoi-an"])
    client = make_client()
    visit(client, "/q/thoian")
    assert client.get("/api/stats/dinh-thoi-an-cu").json()["total"]["scans"] == 3
    assert next(s for s in client.get("/api/stats").json()["sites"] if s["slug"] == "dinh-thoi-an-cu")["scans"] == 3


def test_stats_is_in_the_openapi_schema(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/stats" in paths and "/api/stats/{slug}" in paths
    assert "/qr/{slug}.png" in paths and "/qr/{slug}.svg" in paths


def table_rows(html: str) -> list[str]:
    """Site names of the /stats table body, in order."""
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', body)


def test_stats_page_sorts_by_the_chosen_column(client):
    visit(client, "/q/pothi", 3)
    visit(client, "/sites/dinh-thoi-an", 4)
    by_scans = client.get("/stats")
    assert by_scans.status_code == 200 and "Thống kê lượt truy cập" in by_scans.text
    assert table_rows(by_scans.text)[0] == "Chùa Pôthi Somrôn"
    assert table_rows(client.get("/stats?sort=views").text)[0] == "Đình Thới An"
    by_name = table_rows(client.get("/stats?sort=name").text)
    assert by_name[0] == "Bẫy đá Pi Năng Tắc" and len(by_name) == 7
    assert 'aria-sort="descending"><a href="/stats?sort=views">' in client.get("/stats?sort=views").text


def test_stats_page_draws_the_last_30_days_and_links_the_qr_codes(client):
    visit(client, "/q/pothi", 2)
    page = client.get("/stats?lang=en").text
    assert "Visit statistics" in page and "Last 30 days" in page
    assert page.count('<svg class="spark"') == 7
    assert 'aria-label="Visits per day over the last 30 days"' in page
    assert '<a href="/qr/chua-pothi-somron.png" download>PNG</a>' in page
    assert scripts(page) == OFFLINE_SCRIPT_ONLY  # the bars are drawn on the server


def test_stats_page_refuses_an_unknown_sort_with_a_page(client):
    response = client.get("/stats?sort=popularity")
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    assert "sort:" in response.text
