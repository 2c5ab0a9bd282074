"""Plaque care: silent plaques from synthetic daily counts, visitors' reports of damaged plaques, and the
admin's task list."""

import asyncio
import io
import re
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from api.state import app_state
from sites.form_guard import MIN_FILL_SECONDS, TOKEN_LIFETIME, FormLimiter, form_token, token_ok
from sites.stores import VISITS_FILE
from sites.visits.silent_plaques import BEFORE_WEEKS, QUIET_WEEKS, silent_plaques
from sites.visits.store_sqlite import SQLiteVisitStore
from sites.visits.visit import Visit, VisitKind
from tests.attacks import flat_png
from tests.support import OFFLINE_SCRIPT_ONLY, csrf_of, phone, photo_bytes, scripts

QUIET, BEFORE = QUIET_WEEKS * 7, BEFORE_WEEKS * 7


def series(before_per_week: int, quiet_total: int) -> list[int]:
    """Daily scans: `before_per_week` scans each Monday of the earlier weeks, then `quiet_total` on the last day."""
    days = [before_per_week if day % 7 == 0 else 0 for day in range(BEFORE)] + [0] * QUIET
    days[-1] = quiet_total
    return days


def test_a_plaque_scanned_weekly_then_never_while_its_province_is_scanned_is_silent():
    scans = {"dinh": series(2, 0), "chua": series(1, 3), "mieu": series(0, 0), "den": series(3, 0)}
    provinces = {"dinh": "Cần Thơ", "chua": "Cần Thơ", "mieu": "Cần Thơ", "den": "Huế"}
    # dinh: regular then silent, Cần Thơ scanned meanwhile. chua: still scanned. mieu: never scanned
    # (nothing to miss). den: silent, but nothing in Huế was scanned either (a quiet season, not a plaque).
    assert silent_plaques(scans, provinces) == ["dinh"]


def test_rare_scans_before_or_one_recent_scan_are_not_silence():
    provinces = {"a": "P", "b": "P", "c": "P"}
    rare = [0] * (BEFORE + QUIET)
    rare[0] = 7  # seven scans before: under the threshold
    recent = series(2, 0)
    recent[-QUIET] = 1  # scanned once at the start of the quiet weeks
    assert silent_plaques({"a": rare, "b": recent, "c": series(0, 5)}, provinces) == []


def test_short_series_and_threshold_parameters():
    assert silent_plaques({"a": [1] * 10 + [0] * 5, "b": [0] * 14 + [1]}, {"a": "P", "b": "P"},
                          quiet_days=5, before_days=10, min_before=10) == ["a"]
    assert silent_plaques({"a": [0] * 5}, {"a": "P"}) == []


def record_scans(data_dir, scans: dict[str, list[int]]) -> None:
    """Store `scans[slug][n]` scans of each site `n` days ago (distinct visitors), as past plaque scans."""
    store = SQLiteVisitStore(data_dir / VISITS_FILE)
    now = datetime.now(UTC)
    visits = [Visit(slug, VisitKind.SCAN, f"{slug}{ago}-{n}".encode(), now - timedelta(days=ago), f"{ago}-{n}".encode())
              for slug, days in scans.items() for ago, count in enumerate(days) for n in range(count)]

    async def main() -> None:
        for visit in visits:
            await store.record(visit)
        await store.close()
    asyncio.run(main())


@pytest.mark.slow
def test_the_admin_list_names_silent_plaques_of_the_users_province(staff_client, data_dir):
    admin = staff_client("hoa")  # the app creates the data folder and the visit store
    weekly_before = {ago: 2 for ago in range(QUIET + 1, QUIET + BEFORE, 7)}
    record_scans(data_dir, {
        "dinh-thoi-an": [weekly_before.get(ago, 0) for ago in range(QUIET + BEFORE)],  # Cần Thơ, silent
        "dinh-phu-luong": [1, 0, 0, 1],  # Cần Thơ, scanned this week
        "bay-da-pi-nang-tac": [weekly_before.get(ago, 0) for ago in range(QUIET + BEFORE)],  # Khánh Hòa, quiet
    })
    page = admin.get("/admin").text
    silent = page.split('id="silent-plaques"')[1].split("</section>")[0]
    assert "Đình Thới An" in silent and "Phú Lương" not in silent and "Pi Năng Tắc" not in silent
    assert "Đình Thới An" not in staff_client("minh").get("/admin").text.split("<table")[0], "another province's"


def test_the_limiter_counts_per_address_group_and_per_site_and_keeps_memory_bounded():
    limiter = FormLimiter("secret", per_address=5, per_scope=8, tracked=3)
    assert [limiter.allow("1.2.3.4", "a", 100 + n) for n in range(6)] == [True] * 5 + [False]
    assert limiter.allow("1.2.3.4", "a", 100 + 3600 + 1), "an hour later"
    assert [limiter.allow(f"10.0.0.{n}", "b", 5000 + n) for n in range(3)] == [True] * 3
    assert [limiter.allow(f"10.0.1.{n}", "b", 5010) for n in range(6)] == [True] * 5 + [False], "the site's hour"
    assert limiter.allow("10.0.1.9", "c", 5010), "another site is not locked out"
    for n in range(100):
        limiter.allow(f"172.16.0.{n}", f"site {n}", 200_000 + n)
    assert len(limiter._by_address) <= 3 and len(limiter._by_scope) <= 3


def test_ipv6_addresses_of_one_64_share_a_limit_and_another_64_has_its_own():
    limiter = FormLimiter("secret", per_address=5, per_scope=100)
    assert [limiter.allow(f"2001:db8:1:2::{n:x}", "a", 100) for n in range(6)] == [True] * 5 + [False]
    assert limiter.allow("2001:db8:1:3::1", "a", 100), "the next /64 is another subscriber"
    assert not limiter.allow("2001:db8:1:2:ffff:ffff:ffff:ffff", "b", 100), "the same /64, any site"


def test_a_limit_per_site_lower_than_per_address_is_refused():
    with pytest.raises(ValueError, match="per_scope"):
        FormLimiter("secret", per_address=5, per_scope=5)


def test_form_tokens_are_bound_to_the_site_the_secret_and_time():
    token = form_token("secret", "dinh-thoi-an", 1000)
    assert token_ok("secret", "dinh-thoi-an", token, 1000 + MIN_FILL_SECONDS)
    assert not token_ok("secret", "dinh-thoi-an", token, 1001), "posted faster than a person fills it in"
    assert not token_ok("secret", "dinh-thoi-an", token, 1000 + TOKEN_LIFETIME + 1), "too old"
    assert (not token_ok("secret", "chua-pothi-somron", token, 1010)
            and not token_ok("other", "dinh-thoi-an", token, 1010))
    assert not token_ok("secret", "dinh-thoi-an", "x.y", 1010) and not token_ok("secret", "dinh-thoi-an", "", 1010)
    assert form_token("secret", "dinh-thoi-an", 1000) != token, "each form its own token, even in the same second"


def old_token(client, slug: str = "dinh-thoi-an", age: int = 10) -> str:
    """A form token as the report page gave it `age` seconds ago (a person takes a while to fill it in)."""
    return form_token(app_state(client.app).staff_auth.secret, slug, int(time.time()) - age)


def report(client, fields: dict, files=None, slug: str = "dinh-thoi-an", address_phone: int = 1):
    return client.post(f"/sites/{slug}/report", data={"token": old_token(client, slug), **fields}, files=files,
                       headers=phone(address_phone), follow_redirects=False)


@pytest.mark.slow
def test_a_visitor_reports_a_damaged_plaque_and_an_editor_closes_the_task(backend, staff_client, make_client):
    """On SQLite and on PostgreSQL (the same store interface and SQL)."""
    visitor = make_client()
    page = visitor.get("/sites/dinh-thoi-an", headers=phone(1))
    assert 'href="/sites/dinh-thoi-an/report"' in page.text
    form = visitor.get("/sites/dinh-thoi-an/report", headers=phone(1))
    assert (form.status_code == 200 and "Báo bảng QR hỏng hoặc mất" in form.text
            and scripts(form.text) == OFFLINE_SCRIPT_ONLY)
    assert "Plaque damaged or missing" in make_client().get("/sites/dinh-thoi-an?lang=en").text
    sent = report(visitor, {"kind": "damaged", "comment": "Bảng bị nứt góc trái", "website": ""},
                  files={"photo": ("bang.jpg", photo_bytes((120, 80), gps=True), "image/jpeg")})
    assert sent.status_code == 303 and sent.headers["location"] == "/sites/dinh-thoi-an/report?sent=1"
    assert "Cảm ơn bạn" in visitor.get(sent.headers["location"]).text
    assert report(visitor, {"kind": "missing"}, slug="bay-da-pi-nang-tac").status_code == 303

    lan = staff_client("lan")  # editor of Cần Thơ: sees Thới An's report, not Khánh Hòa's
    tasks = lan.get("/admin/reports").text
    assert "Bảng bị nứt góc trái" in tasks and "Đình Thới An" in tasks and "Pi Năng Tắc" not in tasks
    report_id = re.search(r'id="report-(\d+)"', tasks)[1]
    photo = lan.get(f"/admin/reports/{report_id}/photo")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert 0x8825 not in Image.open(io.BytesIO(photo.content)).getexif(), "GPS removed"
    other = re.findall(r'id="report-(\d+)"', staff_client("minh").get("/admin/reports").text)
    assert other and report_id not in other
    assert staff_client("minh").get(f"/admin/reports/{report_id}/photo").status_code == 403
    token = csrf_of(lan.get("/admin/reports").text)
    assert lan.post(f"/admin/reports/{report_id}/done", data={"csrf_token": token},
                    follow_redirects=False).status_code == 303
    assert f'id="report-{report_id}"' not in lan.get("/admin/reports").text
    closed = lan.get("/admin/reports?done=1").text
    assert f'id="report-{report_id}"' in closed and "Đã xong: lan" in closed
    assert lan.post(f"/admin/reports/{report_id}/done", data={}).status_code == 403, "CSRF checked"


def test_bad_reports_are_refused_with_the_reason_and_bots_store_nothing(staff_client, make_client):
    visitor = make_client()
    expired = visitor.post("/sites/dinh-thoi-an/report", data={"kind": "damaged", "token": "1.abc"},
                           headers=phone(2))
    assert expired.status_code == 400 and "hết hạn" in expired.text
    fresh = form_token(app_state(visitor.app).staff_auth.secret, "dinh-thoi-an", int(time.time()))
    assert visitor.post("/sites/dinh-thoi-an/report", data={"kind": "damaged", "token": fresh}).status_code == 400
    assert report(visitor, {"kind": "stolen"}).status_code == 422
    assert report(visitor, {"kind": "other", "comment": "x" * 501}).status_code == 422
    assert report(visitor, {"kind": "other"}, files={"photo": ("a.jpg", b"<html>", "image/jpeg")}).status_code == 422
    big = report(visitor, {"kind": "other"}, files={"photo": ("a.jpg", bytes(5 * 1024 * 1024 + 1), "image/jpeg")})
    assert big.status_code == 413 and "5 MB" in big.text
    assert report(visitor, {"kind": "other", "website": "http://spam.example"}).status_code == 303
    assert "id=\"report-" not in staff_client("hoa").get("/admin/reports").text, "nothing stored"


def test_reports_that_used_up_one_sites_hour_do_not_lock_out_another_site(make_client, staff_client):
    visitor = make_client()

    def report_from(address: str, slug: str) -> int:
        browser = TestClient(visitor.app, base_url=str(visitor.base_url), client=(address, 50000))
        return report(browser, {"kind": "other"}, slug=slug).status_code

    statuses = [report_from(f"2001:db8:{n // 5}::{n}", "dinh-thoi-an") for n in range(22)]  # 5 from each /64
    assert statuses == [303] * 20 + [429] * 2, "the site's 20 an hour, from all networks"
    assert report_from("2001:db8:7::1", "dinh-phu-luong") == 303, "another site, from a new network"
    assert report_from("2001:db8:3::99", "dinh-phu-luong") == 429, "the /64 that sent five already"
    page = staff_client("hoa").get("/admin/reports").text
    assert len(re.findall(r'id="report-', page)) == 21


def test_reports_are_rate_limited_per_address(make_client, staff_client):
    visitor = make_client()
    statuses = [report(visitor, {"kind": "other", "comment": f"{n}"}).status_code for n in range(6)]
    assert statuses == [303] * 5 + [429]
    assert len(re.findall(r'id="report-', staff_client("hoa").get("/admin/reports").text)) == 5


def stored_reports(staff_client) -> int:
    return len(re.findall(r'id="report-', staff_client("hoa").get("/admin/reports").text))


def test_a_photo_of_too_many_pixels_is_refused_by_its_header_without_being_decoded(make_client, staff_client):
    """Issue 21, item 1: a 131 KB PNG of 6300 x 6300 decodes to 160 MB; it is refused by the pixels its header
    declares. The second photo has a header and no pixels: decoding it would say "not a readable image"."""
    visitor = make_client()
    flood_photo = flat_png(6300, 6300)
    assert len(flood_photo) < 200_000
    for photo in (flood_photo, flat_png(6300, 6300, rows=0)):
        refused = report(visitor, {"kind": "damaged"}, files={"photo": ("bang.png", photo, "image/png")})
        assert refused.status_code == 413 and "24 megapixel" in refused.text
    english = visitor.post("/sites/dinh-thoi-an/report?lang=en", data={"token": old_token(visitor), "kind": "other"},
                           files={"photo": ("bang.png", flood_photo, "image/png")}, headers=phone(1))
    assert english.status_code == 413 and "more than 24 megapixels" in english.text
    assert stored_reports(staff_client) == 0


def test_a_form_token_is_good_for_one_report(backend, make_client, staff_client):
    """On SQLite and PostgreSQL: the spent tokens are in the report store, shared by every server process."""
    visitor, token = make_client(), old_token(make_client())

    def post(client):
        return client.post("/sites/dinh-thoi-an/report", data={"token": token, "kind": "missing"},
                           headers=phone(1), follow_redirects=False)

    assert post(visitor).status_code == 303
    again, elsewhere = post(visitor), post(make_client())  # the same form again, to another server process
    assert again.status_code == elsewhere.status_code == 400 and "đã được gửi" in again.text
    assert stored_reports(staff_client) == 1


def test_visitors_photos_wait_for_a_busy_image_worker_only_briefly_then_get_503(make_client, staff_client):
    """The image worker decodes one photo at a time with one visitor's photo waiting; the next is told, in the
    visitor's language, to come back (503 + Retry-After), and a report without a photo is still taken."""
    visitor = make_client()
    worker, release = app_state(visitor.app).image_worker, threading.Event()
    held = [visitor.portal.start_task_soon(worker._pool.run, release.wait) for _ in range(2)]  # running + waiting
    try:
        photo = {"photo": ("bang.jpg", photo_bytes((120, 80)), "image/jpeg")}
        busy = visitor.post("/sites/dinh-thoi-an/report?lang=en", data={"token": old_token(visitor), "kind": "other"},
                            files=photo, headers=phone(1), follow_redirects=False)
        assert busy.status_code == 503 and int(busy.headers["retry-after"]) > 0 and "busy with photos" in busy.text
        assert report(visitor, {"kind": "missing"}).status_code == 303
    finally:
        release.set()
    assert all(job.result(timeout=10) for job in held)
    assert report(visitor, {"kind": "damaged"}, files=photo).status_code == 303
    assert stored_reports(staff_client) == 2
