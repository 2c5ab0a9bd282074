"""Errors for people (issue 28): a browser that opens a refused file (a QR code or poster refused for a loopback
base URL, 409; a report for a month that does not exist, 422) gets a page in its language saying what to change,
with a link back; a program asking for the same file keeps the JSON problem."""

import pytest

from tests.support import PHONE_BROWSER, PageParser

LOOPBACK = "http://127.0.0.1:8000"
BROWSER = {**PHONE_BROWSER,
           "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"}
BAD_MONTH = "/stats/report.pdf?month=2026-13"


def links(html: str) -> list[str]:
    return [a["href"] for a in PageParser(html).find("a", **{"class": "button"})]


@pytest.mark.parametrize(("language", "says"), [
    ("vi", ["Giá trị “2026-13” của “month” trong địa chỉ này không dùng được", "Tháng viết dạng NNNN-TT"]),
    ("en", ["The value “2026-13” of “month” in this address cannot be used", "Write the month as YYYY-MM"]),
    ("km", ["តម្លៃ “2026-13” របស់ “month”", "សូមសរសេរខែជាទម្រង់ YYYY-MM"]),
])
def test_a_browser_asking_for_a_report_of_month_13_reads_what_to_change(client, language, says):
    response = client.get(BAD_MONTH, headers={**BROWSER, "Accept-Language": language})
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    assert f'<html lang="{language}">' in response.text
    assert all(text in response.text for text in says)
    assert links(response.text) == ["/stats", "/"]  # back to the statistics page, where the report is asked for


def test_a_program_asking_for_a_report_of_month_13_keeps_the_json_problem(client):
    response = client.get(BAD_MONTH)
    assert response.status_code == 422 and response.headers["content-type"] == "application/json"
    (problem,) = response.json()["detail"]
    assert problem["loc"] == ["query", "month"] and problem["input"] == "2026-13"
    csv = client.get("/stats/report.csv?month=2026-13", headers={"Accept": "text/csv"})
    assert csv.status_code == 422 and csv.headers["content-type"] == "application/json"


def test_a_browser_refused_a_poster_for_a_loopback_base_url_reads_what_to_set(make_client):
    client = make_client(base_url=LOOPBACK)
    response = client.get("/posters/dinh-thoi-an.pdf", headers={**BROWSER, "Accept-Language": "vi"})
    assert response.status_code == 409 and response.headers["content-type"].startswith("text/html")
    assert f"Máy chủ này đặt địa chỉ gốc là {LOOPBACK}" in response.text
    assert "cần đặt DIACHIDO_BASE_URL là địa chỉ mà điện thoại mở được" in response.text
    assert links(response.text) == ["/sites/dinh-thoi-an", "/"]
    english = client.get("/qr/dinh-thoi-an.png?lang=en", headers=BROWSER)
    assert english.status_code == 409 and "must set DIACHIDO_BASE_URL to an address phones can open" in english.text
    assert links(english.text) == ["/sites/dinh-thoi-an?lang=en", "/?lang=en"]
    # The link back is the page the file was opened from, when the browser says so.
    admin = client.get("/posters/dinh-thoi-an.pdf?format=a5", headers={**BROWSER, "Referer": "http://testserver/admin"})
    assert links(admin.text)[0] == "/admin"
    elsewhere = client.get("/posters/dinh-thoi-an.pdf", headers={**BROWSER, "Referer": "https://evil.example/x"})
    assert links(elsewhere.text)[0] == "/sites/dinh-thoi-an"


def test_a_program_refused_a_poster_keeps_the_json_problem(make_client):
    client = make_client(base_url=LOOPBACK)
    for accept in (None, "application/json", "image/png,*/*"):
        response = client.get("/qr/dinh-thoi-an.png", headers={"Accept": accept} if accept else {})
        assert response.status_code == 409 and response.headers["content-type"] == "application/json"
        assert LOOPBACK in response.json()["detail"] and "DIACHIDO_BASE_URL" in response.json()["detail"]
