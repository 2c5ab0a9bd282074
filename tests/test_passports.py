"""A student's class outing through the app (issue 14): joining, stamps from plaque scans only, the passport
page, quiz answering, recovery on another phone, and every refusal (translated, nothing changed)."""

import re
from datetime import UTC, datetime, time, timedelta
from html import unescape
from time import monotonic, sleep

import pytest
from fastapi.testclient import TestClient

from api.public.passport_cookie import PASSPORT_COOKIE
from api.state import app_state
from sites.form_guard import FormLimiter
from sites.outings.outing import Outing
from sites.outings.store_sqlite import OUTINGS_FILE, SQLiteOutingStore
from sites.visits.visit import VIETNAM_TIME
from tests.support import edit_site, phone

STOPS = ["dinh-thoi-an", "dinh-phu-luong", "linh-son-co-mieu", "chua-pothi-somron", "chua-cam-thien-dai-de"]
CODES = {"dinh-thoi-an": "thoian", "dinh-phu-luong": "phuluong", "linh-son-co-mieu": "linhson",
         "chua-pothi-somron": "pothi", "chua-cam-thien-dai-de": "camthien"}
PHONE = phone(14)
BOT_HEADERS = {"User-Agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}


def make_outing(client, hours: float = 2, **checks) -> Outing:
    now = datetime.now(UTC)
    return app_state(client.app).outings.create("ve-nguon-o-mon", "Lớp 9A1", "Cần Thơ", now - timedelta(hours=1),
                                                now + timedelta(hours=hours), "lan", now, **checks)


def token_of(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html)[1]


def join(client, code: str, nickname: str, headers=PHONE):
    token = token_of(client.get(f"/class/{code}", headers=headers).text)
    return client.post(f"/class/{code}/join", data={"token": token, "nickname": nickname}, headers=headers,
                       follow_redirects=False)


def table(client, outing: Outing):
    return app_state(client.app).outings.table(outing.code)


def answer(client, slug: str, question: str, choice: int, headers=PHONE):
    page = client.get(f"/passport/quiz/{slug}", headers=headers)
    return client.post(f"/passport/quiz/{slug}", data={"token": token_of(page.text), "question": question,
                                                        "choice": str(choice)}, headers=headers, follow_redirects=False)


def test_a_student_joins_with_the_class_code_in_any_case_and_sees_the_recovery_code(client):
    outing = make_outing(client)
    page = client.get(f"/class/{outing.code.lower()}", headers=PHONE, follow_redirects=False)
    assert page.status_code == 308 and page.headers["location"] == f"/class/{outing.code}"
    page = client.get(f"/class?code={outing.code.lower()}", headers=PHONE)
    assert "Lớp 9A1" in page.text and "Về nguồn Ô Môn" in page.text and 'name="nickname"' in page.text
    joined = join(client, outing.code, "  Nguye\u0302\u0303n An ")
    assert joined.status_code == 303 and joined.headers["location"] == "/passport?joined=1"
    cookie = joined.headers["set-cookie"]
    assert cookie.startswith(f"{PASSPORT_COOKIE}=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    passport = client.get("/passport?joined=1", headers=PHONE)
    (row,) = table(client, outing)
    assert row.passport.nickname == "Nguyễn An"
    code = row.passport.recovery_code
    assert f"{code[:4]}-{code[4:]}" in passport.text and "Chép lại mã khôi phục" in passport.text
    assert "Điểm: 0/" in passport.text and "Dấu: 0/5" in passport.text
    assert passport.headers["cache-control"] == "private, no-store"


def test_only_a_persons_scan_of_a_stop_stamps_and_its_page_is_personal(backend, client):
    outing = make_outing(client)
    join(client, outing.code, "An")
    viewed = client.get("/sites/dinh-thoi-an", headers=PHONE)
    bot = client.get("/q/thoian", headers=BOT_HEADERS)
    head = client.head("/q/thoian", headers=PHONE)
    prefetch = client.get("/q/thoian", headers={**PHONE, "Sec-Purpose": "prefetch"})
    assert all(response.status_code == 200 for response in (viewed, bot, head, prefetch))
    assert "Đã đóng dấu" not in viewed.text + bot.text
    assert table(client, outing)[0].stamps == ()
    other = client.get("/q/thanhduc", headers=PHONE)  # not a stop of the journey
    assert other.status_code == 200 and "Đã đóng dấu" not in other.text
    scanned = client.get("/Q/THOIAN", headers=PHONE)
    assert "Đã đóng dấu hộ chiếu" in scanned.text and 'href="/passport/quiz/dinh-thoi-an"' in scanned.text
    assert scanned.headers["cache-control"] == "private, no-store"
    (stamp,) = table(client, outing)[0].stamps
    assert stamp.slug == "dinh-thoi-an"
    client.cookies.clear()
    plain = client.get("/q/thoian", headers=phone(15))
    assert plain.status_code == 200 and "Đã đóng dấu" not in plain.text, "the personal page was not cached"
    assert plain.headers["cache-control"] == "no-store"


def test_a_student_answers_a_quiz_once_each_question_and_sees_right_wrong_and_why(backend, client):
    outing = make_outing(client)
    join(client, outing.code, "An")
    site = app_state(client.app).catalog.registry.get("dinh-thoi-an")
    first, second = site.quiz[:2]
    refused = client.get("/passport/quiz/dinh-thoi-an", headers=PHONE)
    assert refused.status_code == 403 and "quét mã QR trên biển" in refused.text  # before the stamp
    client.get("/q/thoian", headers=PHONE)
    token = token_of(client.get("/passport/quiz/dinh-thoi-an", headers=PHONE).text)
    other = app_state(client.app).catalog.registry.get("dinh-phu-luong").quiz[0]
    refused = client.post("/passport/quiz/dinh-phu-luong", data={"token": token, "question": other.id, "choice": "1"},
                          headers=PHONE)
    assert refused.status_code == 403 and "quét mã QR trên biển" in refused.text
    assert answer(client, "dinh-thoi-an", first.id, first.answer).status_code == 303
    wrong = next(number for number in range(1, len(second.choices) + 1) if number != second.answer)
    shown = client.get(answer(client, "dinh-thoi-an", second.id, wrong).headers["location"], headers=PHONE)
    assert "Đúng!" in shown.text and "Chưa đúng." in shown.text
    assert first.explanation in unescape(shown.text) and second.explanation in unescape(shown.text)
    again = answer(client, "dinh-thoi-an", first.id, 1)
    assert again.status_code == 409 and "đã trả lời câu hỏi này rồi" in again.text
    for question, choice in (("no-such-question", 1), (first.id, 99)):
        assert answer(client, "dinh-thoi-an", question, choice).status_code == 422
    (row,) = table(client, outing)
    assert row.score == 1 and [a.question for a in row.answers] == [first.id, second.id]
    english = client.get("/passport?lang=en", headers=PHONE)
    assert "Score: 1/" in english.text and "Stamps: 1/5" in english.text


def test_a_forged_answer_form_and_a_browser_without_passport_are_refused(client):
    outing = make_outing(client)
    join(client, outing.code, "An")
    client.get("/q/thoian", headers=PHONE)
    question = app_state(client.app).catalog.registry.get("dinh-thoi-an").quiz[0]
    forged = client.post("/passport/quiz/dinh-thoi-an", data={"token": "x", "question": question.id, "choice": "1"},
                         headers=PHONE)
    assert forged.status_code == 400 and "Biểu mẫu đã quá hạn" in forged.text
    client.cookies.clear()
    for path in ("/passport", "/passport/quiz/dinh-thoi-an"):
        page = client.get(path, headers=PHONE)
        assert page.status_code == 403 and "chưa có hộ chiếu" in page.text
    assert table(client, outing)[0].answers == ()


def test_a_complete_passport_links_the_certificate(client):
    outing = make_outing(client)
    join(client, outing.code, "An")
    registry = app_state(client.app).catalog.registry
    for slug in STOPS:
        client.get(f"/q/{CODES[slug]}", headers=PHONE)
        assert "/passport/certificate.pdf" not in client.get("/passport", headers=PHONE).text
        for question in registry.get(slug).quiz:
            answer(client, slug, question.id, question.answer)
    page = client.get("/passport", headers=PHONE)
    assert 'href="/passport/certificate.pdf"' in page.text and "Dấu: 5/5" in page.text
    total = sum(len(registry.get(slug).quiz) for slug in STOPS)
    assert f"Điểm: {total}/{total}" in page.text


@pytest.mark.parametrize("nickname, status, message", [
    ("   ", 422, "Hãy gõ một biệt danh"), ("x" * 41, 422, "tối đa 40 ký tự"), ("AN", 409, "đã có bạn trong lớp dùng")])
def test_bad_nicknames_are_refused_and_change_nothing(client, nickname, status, message):
    outing = make_outing(client)
    join(client, outing.code, "an", headers=phone(16))
    client.cookies.clear()
    refused = join(client, outing.code, nickname)
    assert refused.status_code == status and message in refused.text and PASSPORT_COOKIE not in refused.cookies
    assert [row.passport.nickname for row in table(client, outing)] == ["an"]


def test_look_alike_nicknames_are_refused_but_an_accent_makes_another_name(client):
    # Issue 21: Latin "An", Cyrillic "Аn" and fullwidth "Ａn" joined as three students (UTS #39 skeletons).
    outing = make_outing(client)
    assert join(client, outing.code, "An", headers=phone(16)).status_code == 303
    for number, look_alike in enumerate(["\u0410n", "\uff21n"], start=17):
        client.cookies.clear()
        refused = join(client, outing.code, look_alike, headers=phone(number))
        assert refused.status_code == 409 and PASSPORT_COOKIE not in refused.cookies
        assert "Biệt danh này trông giống hệt một biệt danh đã có trong lớp" in refused.text
    client.cookies.clear()
    token = token_of(client.get(f"/class/{outing.code}?lang=en", headers=phone(19)).text)
    english = client.post(f"/class/{outing.code}/join?lang=en", data={"token": token, "nickname": "\u0410n"},
                          headers=phone(19), follow_redirects=False)
    assert english.status_code == 409 and "looks just like one already used in the class" in english.text
    client.cookies.clear()
    assert join(client, outing.code, "Ân", headers=phone(20)).status_code == 303, "a Vietnamese accent is a letter"
    assert [row.passport.nickname for row in table(client, outing)] == ["An", "Ân"]


def test_unknown_and_ended_outings_and_forged_join_forms_are_refused(client):
    unknown = client.get("/class/ZZZZZZ", headers=PHONE)
    assert unknown.status_code == 404 and "Không có chuyến đi nào với mã lớp này" in unknown.text
    english = client.post("/class/ZZZZZZ/join?lang=en", data={"token": "1.x", "nickname": "An"}, headers=PHONE)
    assert english.status_code == 404 and "There is no class outing with this code" in english.text
    outing = make_outing(client)
    forged = client.post(f"/class/{outing.code}/join", data={"token": "1.x", "nickname": "An"}, headers=PHONE)
    assert forged.status_code == 400 and "This form has expired" in forged.text  # the language chosen is kept
    client.cookies.clear()
    token = token_of(client.get(f"/class/{outing.code}", headers=PHONE).text)
    app_state(client.app).outings.close(outing.code, datetime.now(UTC))
    closed = client.get(f"/class/{outing.code}", headers=PHONE)
    assert closed.status_code == 403 and "đã kết thúc hoặc đã đóng" in closed.text
    late = client.post(f"/class/{outing.code}/join", data={"token": token, "nickname": "An"}, headers=PHONE)
    assert late.status_code == 403 and table(client, outing) == []


def test_no_stamp_or_answer_once_the_outing_is_over(client):
    outing = make_outing(client)
    join(client, outing.code, "An")
    client.get("/q/thoian", headers=PHONE)
    question = app_state(client.app).catalog.registry.get("dinh-thoi-an").quiz[0]
    token = token_of(client.get("/passport/quiz/dinh-thoi-an", headers=PHONE).text)
    app_state(client.app).outings.close(outing.code, datetime.now(UTC))
    scanned = client.get("/q/phuluong", headers=PHONE)
    assert "đã kết thúc hoặc đã đóng" in scanned.text and "Đã đóng dấu" not in scanned.text
    late = client.post("/passport/quiz/dinh-thoi-an", data={"token": token, "question": question.id, "choice": "1"},
                       headers=PHONE)
    assert late.status_code == 403 and "đã kết thúc hoặc đã đóng" in late.text
    (row,) = table(client, outing)
    assert [stamp.slug for stamp in row.stamps] == ["dinh-thoi-an"] and row.answers == ()


def test_the_daily_window_keeps_stamps_to_the_teachers_hours(client):
    morning = datetime.now(VIETNAM_TIME).hour < 12
    outing = make_outing(client, window=(time(13), time(14)) if morning else (time(1), time(2)))
    join(client, outing.code, "An")
    scanned = client.get("/q/thoian", headers=PHONE)
    assert "ngoài khung giờ" in scanned.text and table(client, outing)[0].stamps == ()
    assert "Đóng dấu mỗi ngày từ" in client.get(f"/class/{outing.code}", headers=PHONE).text


def test_a_second_phone_continues_with_the_recovery_code(client, make_client):
    outing = make_outing(client)
    join(client, outing.code, "An")
    client.get("/q/thoian", headers=PHONE)
    code = table(client, outing)[0].passport.recovery_code
    other = make_client()
    form = other.get(f"/class/{outing.code}/recover", headers=phone(17))
    wrong = other.post(f"/class/{outing.code}/recover", data={"token": token_of(form.text), "recovery": "AAAA-AAAA"},
                       headers=phone(17))
    assert wrong.status_code == 422 and "Mã khôi phục không đúng" in wrong.text
    other.post(f"/class/{outing.code}/recover", data={"token": token_of(form.text), "recovery": code.lower()},
               headers=phone(17))
    page = other.get("/passport", headers=phone(17))
    assert page.status_code == 200 and "Dấu: 1/5" in page.text and "An" in page.text
    other.get("/q/phuluong", headers=phone(17))
    assert "Dấu: 2/5" in client.get("/passport", headers=PHONE).text, "both phones hold the same passport"


def test_joining_is_rate_limited_per_address(client):
    outing = make_outing(client)
    app_state(client.app).outing_guard.joins = FormLimiter("secret", per_address=2, per_scope=100)
    for number in range(2):
        assert join(client, outing.code, f"student {number}").status_code == 303
        client.cookies.clear()  # another phone, behind the same school router
    refused = join(client, outing.code, "student 3")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "3600"
    assert "Quá nhiều lượt từ mạng này" in refused.text and len(table(client, outing)) == 2


def from_address(client, address: str) -> TestClient:
    """Another browser on the same app, connecting from `address`."""
    return TestClient(client.app, base_url=str(client.base_url), client=(address, 50000))


def test_joins_used_up_by_one_ipv6_64_lock_out_neither_another_outing_nor_another_network(client):
    attacked, other = make_outing(client), make_outing(client)
    app_state(client.app).outing_guard.joins = FormLimiter("secret", per_address=3, per_scope=10)
    statuses = [join(from_address(client, f"2001:db8:1:2::{n:x}"), attacked.code, f"bot {n}").status_code
                for n in range(5)]  # a new address of the same /64 each time
    assert statuses == [303] * 3 + [429] * 2
    refused = join(from_address(client, "2001:db8:1:2:ffff::1"), other.code, "bot")
    assert refused.status_code == 429, "the /64 is one address for every outing"
    student = join(from_address(client, "203.0.113.7"), other.code, "Lan")
    assert student.status_code == 303 and [row.passport.nickname for row in table(client, other)] == ["Lan"]
    assert join(from_address(client, "2001:db8:1:3::1"), attacked.code, "An").status_code == 303, "the next /64"


def test_recovery_attempts_used_up_on_one_outing_do_not_lock_out_another_outings_student(client):
    attacked, other = make_outing(client), make_outing(client)
    join(client, other.code, "Lan")
    code = table(client, other)[0].passport.recovery_code
    app_state(client.app).outing_guard.recoveries = FormLimiter("secret", per_address=3, per_scope=10)

    def recover(browser, outing, recovery):
        form = browser.get(f"/class/{outing.code}/recover", headers=PHONE)
        return browser.post(f"/class/{outing.code}/recover", data={"token": token_of(form.text), "recovery": recovery},
                            headers=PHONE, follow_redirects=False)

    guesses = [recover(from_address(client, f"198.51.100.{n // 3}"), attacked, "AAAA-AAAA").status_code
               for n in range(12)]  # four networks, three guesses each, until the outing's hour is used up
    assert guesses == [422] * 10 + [429] * 2
    assert recover(from_address(client, "2001:db8:9:9::1"), attacked, "AAAA-AAAA").status_code == 429
    recovered = recover(from_address(client, "2001:db8:9:9::2"), other, code)
    assert recovered.status_code == 303 and PASSPORT_COOKIE in recovered.cookies


def test_outings_past_their_retention_are_deleted_when_the_server_starts(make_client, data_dir):
    store = SQLiteOutingStore(data_dir / OUTINGS_FILE)
    now = datetime.now(UTC)
    old = store.create("ve-nguon-o-mon", "old", "Cần Thơ", now - timedelta(days=40), now - timedelta(days=31), "lan",
                       now)
    recent = store.create("ve-nguon-o-mon", "recent", "Cần Thơ", now - timedelta(days=40), now - timedelta(days=29),
                          "lan", now)
    client = make_client(outing_retention_days=30)
    deadline = monotonic() + 10
    while len(app_state(client.app).outings.outings()) > 1 and monotonic() < deadline:  # purged in the background
        sleep(0.02)
    assert client.get(f"/class/{old.code}", headers=PHONE).status_code == 404
    assert [outing.code for outing in app_state(client.app).outings.outings()] == [recent.code]


def test_the_distance_check_stamps_near_the_plaque_only_and_keeps_no_coordinates(make_client, content_dir):
    edit_site(content_dir, "dinh-thoi-an", location={"lat": 10.1244, "lon": 105.6308, "precision": "exact"})
    client = make_client()
    outing = make_outing(client, max_distance_m=200)
    join(client, outing.code, "An")
    scanned = client.get("/q/thoian", headers=PHONE)
    assert "Đã đóng dấu hộ chiếu" not in scanned.text and 'src="/static/passport_location.js"' in scanned.text
    assert "script-src 'self'" in scanned.headers["content-security-policy"]
    assert scanned.headers["cache-control"] == "private, no-store" and table(client, outing)[0].stamps == ()
    ticket = re.search(r'name="ticket" value="([^"]+)"', scanned.text)[1]

    def stamp_here(lat, lon, sent_ticket=ticket):
        return client.post("/passport/stamp/dinh-thoi-an", data={"ticket": sent_ticket, "lat": lat, "lon": lon},
                           headers=PHONE, follow_redirects=False)

    no_script = stamp_here("", "")
    assert no_script.status_code == 403 and "cần JavaScript" in no_script.text
    assert all(stamp_here(lat, "105.6308").status_code == 403 for lat in ("nan", "inf", "91", "x"))
    assert stamp_here("10.1244", "105.6308", "1.forged").status_code == 403
    far = stamp_here("10.1300", "105.6308")  # about 620 m north
    assert far.status_code == 403 and "xa biển di tích" in far.text and table(client, outing)[0].stamps == ()
    near = stamp_here("10.1250", "105.6309")  # about 70 m
    assert near.status_code == 303 and near.headers["location"] == "/passport/quiz/dinh-thoi-an"
    (stamp,) = table(client, outing)[0].stamps
    assert stamp.slug == "dinh-thoi-an" and stamp.location_ok is True
    plain = client.get("/q/phuluong", headers=PHONE)  # located by district only: stamped on the scan
    assert "Đã đóng dấu hộ chiếu" in plain.text and "passport_location.js" not in plain.text
