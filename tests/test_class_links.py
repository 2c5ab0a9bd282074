"""The way into a class outing (issue 28): the home page and the page of every site that is a journey stop link
to /class ("Vào lớp" / "Join a class"), and for a browser holding a passport to /passport too, without that
browser's page reaching anyone else."""

from datetime import UTC, datetime, timedelta

from api.state import app_state
from tests.support import add_site, phone

PHONE = phone(41)
CLASS_LINK = '<a class="button" href="/class">Vào lớp</a>'


def passport_token(client) -> str:
    now = datetime.now(UTC)
    outing = app_state(client.app).outings.create("ve-nguon-o-mon", "9A1", "Cần Thơ", now - timedelta(hours=1),
                                                  now + timedelta(hours=1), "lan", now)
    return app_state(client.app).outings.join(outing.code, "An", now).token


def test_the_home_page_and_journey_stops_link_to_the_class_page(content_dir, make_client):
    add_site(content_dir, "dinh-cong-thuc", address={"text": "Ô Môn, Cần Thơ", "province": "Cần Thơ"})
    client = make_client()
    home = client.get("/", headers=PHONE)
    assert CLASS_LINK in home.text and 'href="/passport"' not in home.text
    stop = client.get("/sites/dinh-thoi-an", headers=PHONE)
    assert CLASS_LINK in stop.text and 'href="/passport"' not in stop.text
    scanned = client.get("/q/thoian", headers=PHONE)
    assert CLASS_LINK in scanned.text
    english = client.get("/sites/dinh-thoi-an?lang=en", headers=PHONE).text
    assert '<a class="button" href="/class?lang=en">Join a class</a>' in english
    assert 'href="/class' not in client.get("/sites/dinh-cong-thuc", headers=PHONE).text, "not a journey stop"


def test_a_student_who_joined_gets_the_passport_link_and_nobody_else_does(client):
    client.get("/sites/dinh-phu-luong", headers=PHONE)  # the shared page cache holds the visitor's page
    client.cookies.set("passport", passport_token(client))
    home = client.get("/", headers=PHONE)
    assert '<a class="button" href="/passport">Hộ chiếu của em</a>' in home.text
    assert home.headers["cache-control"] == "private, no-store"
    stop = client.get("/sites/dinh-phu-luong", headers=PHONE)
    assert '<a class="button" href="/passport">Hộ chiếu của em</a>' in stop.text and 'href="/class"' in stop.text
    assert stop.headers["cache-control"] == "private, no-store"
    client.cookies.clear()
    visitor = client.get("/sites/dinh-phu-luong", headers=PHONE)
    assert 'href="/passport"' not in visitor.text and 'href="/class"' in visitor.text
    assert 'href="/passport"' not in client.get("/", headers=PHONE).text
