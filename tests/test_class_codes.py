"""Class codes cannot be enumerated (issue 21: unknown codes were looked up at 300 a second): an address that
tried `UNKNOWN_CODES_PER_ADDRESS` codes that do not exist within the hour gets 429 for any code, existing or
not, while every other address is served as before."""

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from api.state import app_state
from sites.outings.outing_guard import UNKNOWN_CODES_PER_ADDRESS
from tests.support import phone

PHONE = phone(21)


def test_an_address_guessing_class_codes_is_slowed_down_and_learns_nothing(client):
    now = datetime.now(UTC)
    outing = app_state(client.app).outings.create("ve-nguon-o-mon", "Lớp 9A1", "Cần Thơ", now - timedelta(hours=1),
                                                  now + timedelta(hours=2), "lan", now)
    for number in range(UNKNOWN_CODES_PER_ADDRESS):
        guess = client.get(f"/class/ZZ{number:04}", headers=PHONE)
        assert guess.status_code == 404 and "Không có chuyến đi nào với mã lớp này" in guess.text
        if number == UNKNOWN_CODES_PER_ADDRESS - 2:  # a right code between typos is served and does not count
            assert "Lớp 9A1" in client.get(f"/class/{outing.code}", headers=PHONE).text
    for path in ("/class/ZZZZZZ", f"/class/{outing.code}", f"/class?code={outing.code.lower()}",
                 f"/class/{outing.code}/recover"):
        refused = client.get(path, headers=PHONE)
        assert refused.status_code == 429 and refused.headers["retry-after"] == "3600", path
        assert "Quá nhiều lượt từ mạng này" in refused.text and "Lớp 9A1" not in refused.text
    posted = client.post("/class/ZZZZZZ/join", data={"nickname": "An", "token": "x"}, headers=PHONE)
    assert posted.status_code == 429
    elsewhere = TestClient(client.app, client=("203.0.113.7", 50000))  # another school's router
    page = elsewhere.get(f"/class/{outing.code}", headers=PHONE)
    assert page.status_code == 200 and "Lớp 9A1" in page.text and 'name="nickname"' in page.text
    assert elsewhere.get("/class/ZZZZZZ", headers=PHONE).status_code == 404
