"""Scanning a plaque (`/q/CODE`) and opening a page (`/sites/SLUG`): what is counted and what is not."""

import re
import secrets
import sqlite3
import time
import tracemalloc

import pytest
from fastapi.testclient import TestClient
from starlette.requests import Request

from api.public import counting
from api.public.counting import countable_user_agent
from tests.support import BASE_URL, PHONE_BROWSER, edit_site, phone, returning_phone

IPHONE = {"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"}


REDUCED_CHROME = {"User-Agent": "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
                                "Chrome/130.0.0.0 Mobile Safari/537.36"}


def counts(client, slug: str) -> dict:
    """The all-time counts of `slug` from /api/stats."""
    site = next(site for site in client.get("/api/stats").json()["sites"] if site["slug"] == slug)
    return {key: site[key] for key in ("scans", "views", "unique_visitors")}


def test_a_scan_answers_the_site_page_itself_and_counts_once(backend, client):
    response = client.get("/q/thoian", headers=PHONE_BROWSER, follow_redirects=False)
    assert response.status_code == 200
    assert "<h1>Đình Thới An</h1>" in response.text
    assert f'<link rel="canonical" href="{BASE_URL}/sites/dinh-thoi-an?lang=vi">' in response.text
    assert response.headers["cache-control"] == "no-store"
    assert counts(client, "dinh-thoi-an") == {"scans": 1, "views": 0, "unique_visitors": 1}


def test_n_phones_scanning_count_n(backend, client):
    for number in range(25):
        assert client.get("/q/pothi", headers=phone(number)).status_code == 200
    assert counts(client, "chua-pothi-somron") == {"scans": 25, "views": 0, "unique_visitors": 25}


@pytest.mark.slow
def test_one_phone_scanning_again_and_again_counts_one_scan_and_is_served_every_time(backend, client):
    for _ in range(2000):
        response = client.get("/q/pothi", headers=PHONE_BROWSER)
        assert response.status_code == 200 and "<h1>Chùa Pôthi Somrôn</h1>" in response.text
    assert counts(client, "chua-pothi-somron") == {"scans": 1, "views": 0, "unique_visitors": 1}
    client.get("/q/thoian", headers=PHONE_BROWSER)  # another plaque is another scan
    assert counts(client, "dinh-thoi-an")["scans"] == 1


def test_a_class_of_40_phones_behind_one_school_router_counts_40(backend, client):
    # The TestClient's requests all come from one address, as a class's phones behind one router do.
    for number in range(40):
        client.get("/q/linhson", headers=phone(number))
        client.get("/q/linhson", headers=phone(number))  # and each scans twice
    assert counts(client, "linh-son-co-mieu") == {"scans": 40, "views": 0, "unique_visitors": 40}


@pytest.mark.slow
def test_40_phones_with_visitor_cookies_behind_one_address_and_one_reduced_agent_count_40(backend, client):
    # Chrome's reduced User-Agent is the same for every Android phone; the TestClients share one address.
    phones = [TestClient(client.app, base_url=str(client.base_url)) for _ in range(40)]  # 40 cookie jars
    for browser in phones:
        first = browser.get("/q/thoian", headers=REDUCED_CHROME)
        assert first.status_code == 200 and "<h1>Đình Thới An</h1>" in first.text
        given = first.headers["set-cookie"]
        assert given.startswith("visitor=") and "HttpOnly" in given and "SameSite=lax" in given
        assert "Max-Age=31536000" in given and "Path=/" in given
    assert len({browser.cookies["visitor"] for browser in phones}) == 40, "a new random id each, none cached"
    # Sent without the cookie, the first scans count by address and agent, as before: one visitor (a request asked
    # again by a proxy of another server is identical, and must count once).
    assert counts(client, "dinh-thoi-an") == {"scans": 1, "views": 0, "unique_visitors": 1}
    for browser in phones:
        scanned = browser.get("/q/pothi", headers=REDUCED_CHROME)
        assert scanned.status_code == 200 and "set-cookie" not in scanned.headers, "kept, not replaced"
        browser.get("/q/pothi", headers=REDUCED_CHROME)  # and each scans twice
        browser.get("/sites/chua-pothi-somron?lang=en", headers=REDUCED_CHROME)  # then reads on, in English
    assert counts(client, "chua-pothi-somron") == {"scans": 40, "views": 0, "unique_visitors": 40}


def test_a_reload_after_the_scan_that_gave_the_cookie_is_the_same_visit(backend, client):
    client.get("/q/linhson", headers=REDUCED_CHROME)  # no cookie yet: counted by address and agent
    assert client.cookies.get("visitor")
    client.get("/q/linhson", headers=REDUCED_CHROME)  # the reload, now with the cookie
    client.get("/sites/linh-son-co-mieu", headers=REDUCED_CHROME)
    assert counts(client, "linh-son-co-mieu") == {"scans": 1, "views": 0, "unique_visitors": 1}


def test_a_visitor_cookie_that_this_server_did_not_make_is_ignored_and_replaced(client):
    response = client.get("/q/thoian", headers={**REDUCED_CHROME, "Cookie": "visitor=" + "x" * 300})
    assert response.status_code == 200 and re.match(r"visitor=[\w-]{22};", response.headers["set-cookie"])
    assert counts(client, "dinh-thoi-an")["scans"] == 1


@pytest.mark.slow
def test_one_address_rotating_its_user_agent_stops_counting_at_the_ceiling(backend, client):
    for number in range(2000):
        assert client.get("/q/thoian", headers=phone(number)).status_code == 200
    assert counts(client, "dinh-thoi-an") == {"scans": 600, "views": 0, "unique_visitors": 600}
    above = client.get("/q/pothi", headers=phone(99999))
    assert above.status_code == 200 and "<h1>Chùa Pôthi Somrôn</h1>" in above.text  # served, not counted
    assert counts(client, "chua-pothi-somron")["scans"] == 0


def test_the_ceiling_per_address_is_a_setting(make_client):
    client = make_client(counted_per_address=5)
    for number in range(8):
        client.get("/sites/dinh-thoi-an", headers=phone(number))
    assert counts(client, "dinh-thoi-an") == {"scans": 0, "views": 5, "unique_visitors": 5}


@pytest.mark.parametrize("key", ["THOIAN", "ThoiAn", "dinh-thoi-an", "DINH-THOI-AN", "dinh-cu"])
def test_codes_work_in_any_case_and_as_slugs_or_aliases(content_dir, make_client, key):
    edit_site(content_dir, "dinh-thoi-an", aliases=["dinh-cu"])
    client = make_client()
    for number, prefix in enumerate(("/q/", "/Q/")):
        assert client.get(prefix + key, headers=phone(number)).status_code == 200
    assert counts(client, "dinh-thoi-an")["scans"] == 2


def test_the_language_switch_of_a_scanned_page_leads_to_the_canonical_page(client):
    page = client.get("/q/thoian?lang=en", headers=PHONE_BROWSER).text
    assert '<a href="/sites/dinh-thoi-an?lang=vi" hreflang="vi"' in page
    # Both halves can fail: `lang="en"` alone also matched the switch's `hreflang="en"`.
    assert '<html lang="en">' in page and "<h1>Thới An Communal House</h1>" in page


def test_an_unknown_code_is_the_404_page_and_counts_nothing(client):
    response = client.get("/q/khongco", headers=PHONE_BROWSER)
    assert response.status_code == 404 and "Không tìm thấy trang" in response.text
    assert client.get("/api/stats").json()["total"]["scans"] == 0


def test_a_drafts_qr_code_is_temporarily_unavailable_and_not_counted(content_dir, make_client):
    """A draft (an unpublished site, or one printed before publishing) is not shown, but its plaque is not a 404."""
    edit_site(content_dir, "dinh-phu-luong", published=False)
    client = make_client()
    response = client.get("/q/phuluong", headers=PHONE_BROWSER)
    assert response.status_code == 503 and "Tạm thời chưa mở" in response.text and "Phú Lương" not in response.text
    assert client.get("/api/stats").json()["total"]["scans"] == 0


def test_a_page_view_counts_a_view_not_a_scan(client):
    client.get("/sites/chua-pothi-somron", headers=PHONE_BROWSER)
    client.get("/sites/chua-pothi-somron?lang=en", headers=PHONE_BROWSER)  # the same visit, in English
    client.get("/sites/chua-pothi-somron", headers=IPHONE)
    assert counts(client, "chua-pothi-somron") == {"scans": 0, "views": 2, "unique_visitors": 2}


def test_reading_on_after_a_scan_is_the_scan_but_a_scan_after_reading_counts(backend, client):
    client.get("/q/pothi", headers=PHONE_BROWSER)
    client.get("/sites/chua-pothi-somron?lang=en", headers=PHONE_BROWSER)  # the language switch of the page
    assert counts(client, "chua-pothi-somron") == {"scans": 1, "views": 0, "unique_visitors": 1}
    client.get("/sites/dinh-thoi-an", headers=PHONE_BROWSER)  # read at home, then at the plaque
    client.get("/q/thoian", headers=PHONE_BROWSER)
    assert counts(client, "dinh-thoi-an") == {"scans": 1, "views": 1, "unique_visitors": 1}


NOT_COUNTED = [
    ("HEAD", {}),
    ("GET", {"Sec-Purpose": "prefetch"}),
    ("GET", {"Sec-Purpose": "prefetch;prerender"}),
    ("GET", {"Purpose": "prefetch"}),
    ("GET", {"X-Moz": "prefetch"}),
    ("GET", {"X-Purpose": "preview"}),
    ("GET", {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}),
    ("GET", {"User-Agent": "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)"}),
    ("GET", {"User-Agent": "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"}),
    ("GET", {"User-Agent": "WhatsApp/2.23.20.0 A"}),
    ("GET", {"User-Agent": "TelegramBot (like TwitterBot)"}),
    ("GET", {"User-Agent": "curl/8.5.0"}),
    ("GET", {"User-Agent": "python-requests/2.32.3"}),
    # bots in any case, and HTTP tools and load generators
    ("GET", {"User-Agent": "Mozilla/5.0 (compatible; GOOGLEBOT/2.1; +http://www.google.com/bot.html)"}),
    ("GET", {"User-Agent": "FACEBOOKEXTERNALHIT/1.1"}),
    ("GET", {"User-Agent": "k6/0.47.0 (https://k6.io/)"}),
    ("GET", {"User-Agent": "Wget/1.21.4"}),
    ("GET", {"User-Agent": "Go-http-client/1.1"}),
    ("GET", {"User-Agent": "Apache-HttpClient/4.5.14 (Java/17.0.8)"}),
    ("GET", {"User-Agent": "okhttp/4.12.0"}),
    ("GET", {"User-Agent": "PostmanRuntime/7.36.0"}),
    ("GET", {"User-Agent": "Java/17.0.2"}),
    ("GET", {"User-Agent": "node"}),
    ("GET", {"User-Agent": "Dalvik/2.1.0 (Linux; U; Android 11; SM-A105F Build/RP1A.200720.012)"}),
    ("GET", {"User-Agent": ""}),
]


@pytest.mark.parametrize(("method", "headers"), NOT_COUNTED)
@pytest.mark.parametrize("path", ["/q/thoian", "/sites/dinh-thoi-an"])
def test_head_prefetch_and_bots_are_served_but_not_counted(client, method, headers, path):
    response = client.request(method, path, headers={**PHONE_BROWSER, **headers})
    assert response.status_code == 200
    assert counts(client, "dinh-thoi-an") == {"scans": 0, "views": 0, "unique_visitors": 0}


REAL_BROWSERS = [
    # Zalo's in-app browser: how many Vietnamese open a shared link or a scanned code
    "Mozilla/5.0 (Linux; Android 12; SM-A125F Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 Zalo android/12100638 ZaloTheme/light ZaloLanguage/vi",
    # Cốc Cốc, the Vietnamese browser
    "Mozilla/5.0 (Linux; Android 10; Redmi Note 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
    "Mobile Safari/537.36 coc_coc_browser/133.0",
    # Facebook's in-app browser
    "Mozilla/5.0 (Linux; Android 13; moto g) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
    " [FB_IAB/FB4A;FBAV/440.0.0.33.118;]",
    # a Cubot phone: "bot" inside a brand name is not a bot
    "Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
    "Mobile Safari/537.36",
    IPHONE["User-Agent"],
]


@pytest.mark.parametrize("user_agent", REAL_BROWSERS)
def test_real_phone_browsers_are_counted(client, user_agent):
    client.get("/q/thoian", headers={"User-Agent": user_agent})
    assert counts(client, "dinh-thoi-an")["scans"] == 1


def test_a_60_kb_user_agent_is_judged_by_its_start(client):
    junk = secrets.token_hex(30_000)
    bot = {"User-Agent": f"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) {junk}"}
    assert "<h1>Đình Thới An</h1>" in client.get("/q/thoian", headers=bot).text
    assert counts(client, "dinh-thoi-an")["scans"] == 0
    person = {"User-Agent": f"{IPHONE['User-Agent']} {junk}"}
    assert "<h1>Đình Thới An</h1>" in client.get("/q/thoian", headers=person).text
    assert counts(client, "dinh-thoi-an")["scans"] == 1


def _judge(agents: list[bytes]) -> float:
    """Seconds to decide whether each of `agents` (all new) is a person's, as a scan does."""
    started = time.perf_counter()
    for agent in agents:
        countable_user_agent(Request({"type": "http", "method": "GET", "headers": [(b"user-agent", agent)]}))
    return time.perf_counter() - started


def test_a_flood_of_new_60_kb_user_agents_costs_about_what_short_ones_do_and_is_kept_in_little_memory():
    """Issue 21: the crawler patterns took 101 ms per new 60 KB agent (0.5 ms at 100 characters) and 4,096 of
    them could keep 250 MB. Agents are cut to 512 characters before matching: the cost and the cache stay
    small."""
    short = [f"{PHONE_BROWSER['User-Agent']} {secrets.token_hex(8)}".encode() for _ in range(300)]
    long = [f"{PHONE_BROWSER['User-Agent']} {secrets.token_hex(30_000)}".encode() for _ in range(300)]
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    ratio = _judge(long) / _judge(short)
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    here = [tracemalloc.Filter(True, counting.__file__)]  # what the bot check keeps, not other threads' work
    grown = sum(stat.size_diff for stat in after.filter_traces(here).compare_to(before.filter_traces(here), "filename"))
    assert ratio < 5, f"new 60 KB agents cost {ratio:.1f} times as much as short ones"
    assert grown < 2_000_000, f"{grown} bytes kept for 600 new agents"


def test_unique_visitors_are_per_person_per_day(backend, client):
    for headers in (PHONE_BROWSER, PHONE_BROWSER, IPHONE):
        client.get("/q/linhson", headers=headers)
    client.get("/sites/linh-son-co-mieu", headers=IPHONE)
    client.get("/q/pothi", headers=IPHONE)
    assert counts(client, "linh-son-co-mieu") == {"scans": 2, "views": 0, "unique_visitors": 2}
    assert counts(client, "chua-pothi-somron") == {"scans": 1, "views": 0, "unique_visitors": 1}


def test_counts_survive_a_restart(backend, make_client, data_dir):
    first = make_client()
    for number in range(3):
        first.get("/q/camthien", headers=phone(number))
    first.__exit__(None, None, None)
    second = make_client()
    assert counts(second, "chua-cam-thien-dai-de")["scans"] == 3
    second.get("/q/camthien", headers=phone(3))
    assert counts(second, "chua-cam-thien-dai-de")["scans"] == 4


def test_a_returning_visitor_is_one_unique_visitor_across_a_restart(backend, make_client):
    first = make_client()
    first.get("/q/camthien", headers=returning_phone(1))
    first.__exit__(None, None, None)
    second = make_client()
    second.get("/q/camthien", headers=returning_phone(1))
    found = counts(second, "chua-cam-thien-dai-de")
    assert found["unique_visitors"] == 1  # the day's key is kept in the store, not in the process
    # PostgreSQL shares the 30-minute window too; SQLite's window is in the process (one process per data folder).
    assert found["scans"] == (1 if backend else 2)


def test_two_processes_on_one_database_count_a_visitor_once(postgres, content_dir, tmp_path, make_client):
    database = postgres.database()
    one, two = (make_client(database_url=database, data_dir=tmp_path / name) for name in ("one", "two"))
    for client in (one, two, one):
        assert client.get("/q/camthien", headers=returning_phone(7)).status_code == 200
    # reading on after the scan, on the other process
    two.get("/sites/chua-cam-thien-dai-de", headers=returning_phone(7))
    assert counts(one, "chua-cam-thien-dai-de") == {"scans": 1, "views": 0, "unique_visitors": 1}


def test_no_client_address_is_written_anywhere(make_client, data_dir):
    client = make_client()
    client.get("/q/thoian", headers=PHONE_BROWSER)  # the TestClient's address is "testclient"
    client.__exit__(None, None, None)
    files = [path for path in data_dir.rglob("*") if path.is_file()]
    assert files and not any(b"testclient" in path.read_bytes() for path in files)
    tables = sqlite3.connect(data_dir / "visits.sqlite3").execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert sorted(name for (name,) in tables) == ["daily_counts", "late_scan_ids", "late_senders", "late_windows",
                                                  "site_totals", "visitors_today"]
