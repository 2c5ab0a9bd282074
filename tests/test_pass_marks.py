"""A class outing's pass mark as a student meets it (issue 28): shown on the class page and the passport, the
certificate only at or above it and saying the score; and the outing's period written as days."""

from datetime import UTC, datetime, time, timedelta

from api.state import app_state
from sites.outings.outing import journey_questions
from sites.visits.visit import VIETNAM_TIME
from tests.support import one_line, page_text, phone

PHONE = phone(28)
JOURNEY = "ve-nguon-o-mon"


def complete_passport(client, pass_percent: int | None, right: int) -> tuple[str, int]:
    """A student of a new outing (`pass_percent`) with every stop stamped and `right` answers right; returns the
    class code and the number of questions. The browser holds the passport."""
    state, now = app_state(client.app), datetime.now(UTC)
    journey = state.catalog.journeys.get(JOURNEY)
    outing = state.outings.create(JOURNEY, "Lớp 10A1", "Cần Thơ", now - timedelta(hours=1), now + timedelta(hours=2),
                                  "lan", now, pass_percent=pass_percent)
    joined = state.outings.join(outing.code, "Ánh", now)
    client.cookies.set("passport", joined.token)
    questions = [(slug, question) for slug, ids in journey_questions(journey).items() for question in ids]
    for slug in journey_questions(journey):
        state.outings.stamp(joined.passport.id, slug, now)
    for number, (slug, question) in enumerate(questions):
        state.outings.answer(joined.passport.id, slug, question, 1, number < right, now)
    return outing.code, len(questions)


def test_below_the_pass_mark_the_student_is_told_and_gets_no_certificate(client):
    code, total = complete_passport(client, 50, right=1)
    needed = -(-total // 2)
    joining = one_line(client.get(f"/class/{code}", headers=PHONE).text)
    assert f"Điểm đạt: trả lời đúng ít nhất {needed}/{total} câu (50%) để nhận giấy chứng nhận." in joining
    passport = one_line(client.get("/passport", headers=PHONE).text)
    assert f"Điểm đạt: trả lời đúng ít nhất {needed}/{total} câu (50%)" in passport
    assert f"điểm 1/{total} chưa đạt: giấy chứng nhận cần ít nhất {needed} câu đúng" in passport
    assert "/passport/certificate.pdf" not in passport
    refused = client.get("/passport/certificate.pdf", headers={**PHONE, "Accept": "application/json"})
    assert refused.status_code == 409
    assert f"điểm 1/{total} chưa đạt điểm đạt của chuyến đi ({needed}/{total} câu đúng, 50%)" in refused.text
    english = one_line(client.get("/passport?lang=en", headers=PHONE).text)
    assert f"Pass mark: answer at least {needed} of {total} questions right (50%)" in english


def test_at_the_pass_mark_the_certificate_comes_and_says_the_score(client):
    code, total = complete_passport(client, 50, right=-(-total_questions(client) // 2))
    passport = client.get("/passport", headers=PHONE).text
    assert 'href="/passport/certificate.pdf"' in passport and "chưa đạt" not in passport
    pdf = client.get("/passport/certificate.pdf", headers=PHONE)
    assert pdf.status_code == 200
    assert f"Điểm câu đố / Quiz score: {-(-total // 2)}/{total}" in one_line(page_text(pdf.content))


def test_without_a_pass_mark_nothing_is_said_and_any_score_gets_the_certificate(client):
    code, _ = complete_passport(client, None, right=0)
    assert "Điểm đạt" not in client.get(f"/class/{code}", headers=PHONE).text
    passport = client.get("/passport", headers=PHONE).text
    assert "Điểm đạt" not in passport and 'href="/passport/certificate.pdf"' in passport


def total_questions(client) -> int:
    journey = app_state(client.app).catalog.journeys.get(JOURNEY)
    return sum(map(len, journey_questions(journey).values()))


def test_a_one_day_outing_shows_its_day_and_a_longer_one_its_first_and_last_days(client):
    state = app_state(client.app)
    today = datetime.now(UTC).astimezone(VIETNAM_TIME).date()
    start = datetime.combine(today, time(), VIETNAM_TIME)
    one_day = state.outings.create(JOURNEY, "9A1", "Cần Thơ", start, start + timedelta(days=1), "lan", start)
    page = one_line(client.get(f"/class/{one_day.code}", headers=PHONE).text)
    assert f'<dd id="outing-period">{today.day}/{today.month}/{today.year}' in page and "0:00" not in page
    three = state.outings.create(JOURNEY, "9A2", "Cần Thơ", start, start + timedelta(days=3), "lan", start)
    last = today + timedelta(days=2)
    page = one_line(client.get(f"/class/{three.code}", headers=PHONE).text)
    assert f"{today.day}/{today.month}/{today.year} – {last.day}/{last.month}/{last.year}" in page
    english = one_line(client.get(f"/class/{one_day.code}?lang=en", headers=PHONE).text)
    assert f'<dd id="outing-period">{today.month}/{today.day}/{today.year}' in english
