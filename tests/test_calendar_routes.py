"""The calendar's pages and feeds (issue 24): /calendar, "Sắp tới" on the home page, a site's next event,
/calendar.ics (?province=) and /sites/{slug}.ics parsed back with `icalendar`, UIDs stable across requests
and content versions. The day is set: today is 6 December 2026 in Vietnam unless a test says otherwise."""

import datetime as dt
import re
import time

import pytest
from icalendar import Calendar

from api.state import app_state
from sites.calendar import clock
from sites.catalog.loader import load_content
from tests.support import BASE_URL, edit_site
from tests.synthetic import make_synthetic_content

TODAY = dt.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def events_of(body: bytes) -> dict[str, dict]:
    calendar = Calendar.from_ical(body)
    return {str(e["UID"]): {"start": e.decoded("DTSTART"), "end": e.decoded("DTEND"), "summary": str(e["SUMMARY"]),
                            "stamp": e.decoded("DTSTAMP"), "url": str(e.get("URL", "")),
                            "location": str(e.get("LOCATION", "")), "description": str(e["DESCRIPTION"])}
            for e in calendar.walk("VEVENT")}


def test_the_feed_has_thuong_dien_2027_on_20_and_21_may_as_all_day_dates(client):
    response = client.get("/calendar.ics", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200 and response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert b"DTSTART;VALUE=DATE:20270520" in response.content  # a DATE value, no VTIMEZONE
    assert b"VTIMEZONE" not in response.content
    events = events_of(response.content)
    thuong_dien = events["dinh-thoi-an-thuong-dien-20270520@testserver.example"]
    assert (thuong_dien["start"], thuong_dien["end"]) == (dt.date(2027, 5, 20), dt.date(2027, 5, 22))  # 2 days
    assert thuong_dien["summary"] == "Lễ Thượng Điền · Đình Thới An"
    assert thuong_dien["url"] == f"{BASE_URL}/sites/dinh-thoi-an"
    assert thuong_dien["location"] == "Khu vực Thới Trinh A, phường Thới An, quận Ô Môn, TP Cần Thơ"
    assert "15/4 âm lịch · 20/5/2027" in thuong_dien["description"]
    assert isinstance(thuong_dien["stamp"], dt.datetime) and thuong_dien["stamp"].tzinfo is not None
    # every event of every site and the national days, three years ahead, nothing later
    assert events["quoc-gia-thuong-binh-liet-si-20290727@testserver.example"]["summary"] == "Ngày Thương binh - Liệt sĩ"
    assert max(e["start"] for e in events.values()) <= dt.date(2029, 12, 31)
    assert len([uid for uid in events if "-thuong-dien-" in uid]) == 3
    assert events["tham-sat-lang-thanh-duc-1947-ngay-tham-sat-20270410@testserver.example"]["description"].startswith(
        "Ngày tưởng niệm · 10/4/2027 · 4/3 âm lịch · 80 năm")


def test_uids_are_stable_across_requests_and_content_versions(client, content_dir):
    first = events_of(client.get("/calendar.ics").content)
    again = events_of(client.get("/calendar.ics").content)
    assert first.keys() == again.keys()
    edit_site(content_dir, "dinh-thoi-an", summary="Một tóm tắt mới của đình.")
    client.app.state.services.catalog.reload()
    edited = events_of(client.get("/calendar.ics").content)
    assert edited.keys() == first.keys()


@pytest.mark.slow
def test_after_an_edit_only_the_edited_sites_events_are_written_again(client, content_dir):
    first = events_of(client.get("/calendar.ics").content)
    time.sleep(1.1)  # DTSTAMP counts seconds: a site written again has a later one
    edit_site(content_dir, "dinh-thoi-an", summary="Một tóm tắt mới của đình.")
    client.app.state.services.catalog.reload()
    edited = events_of(client.get("/calendar.ics").content)
    again = {uid for uid in edited if edited[uid]["stamp"] != first[uid]["stamp"]}
    assert again and all(uid.startswith("dinh-thoi-an-") for uid in again)
    assert again == {uid for uid in edited if uid.startswith("dinh-thoi-an-")}


def test_the_written_events_stay_within_their_cap_and_every_feed_stays_whole(client, monkeypatch):
    from api.caches import calendar_feeds

    monkeypatch.setattr(calendar_feeds, "WRITTEN_BYTES", 2_000)  # a site or two: the others are written again
    feeds = client.app.state.services.calendar_feeds
    whole = events_of(client.get("/calendar.ics").content)
    assert 0 < feeds._written_bytes <= 2_000
    khanh_hoa = events_of(client.get("/calendar.ics", params={"province": "khanh hoa"}).content)
    site = events_of(client.get("/sites/dinh-thoi-an.ics").content)
    assert feeds._written_bytes <= 2_000
    assert "dinh-thoi-an-thuong-dien-20270520@testserver.example" in site and len(khanh_hoa) < len(whole)
    unstamped = {uid: {**event, "stamp": None} for uid, event in whole.items()}
    assert all(unstamped[uid] == {**event, "stamp": None} for uid, event in (khanh_hoa | site).items())


def test_a_feed_past_its_cap_holds_its_first_days_whole_and_says_so_in_the_feed_and_on_the_page(client, monkeypatch):
    from sites.calendar import calendar_index

    monkeypatch.setattr(calendar_index, "FEED_EVENTS", 30)  # 40,000 sites' three years would be 200 MB
    calendar = Calendar.from_ical(client.get("/calendar.ics").content)
    events = events_of(calendar.to_ical())
    until = max(event["start"] for event in events.values())
    state = app_state(client.app)
    index = state.calendars.index(state.catalog.registry, TODAY)
    assert 0 < len(events) <= 30 < len(index.all) == 40
    # every occurrence of the first days, whole days only, national days included
    assert set(events) == {f"{item.key}@testserver.example" for item in index.all if item.start <= until}
    assert any(uid.startswith("quoc-gia-") for uid in events)
    day = f"{until.day}/{until.month}/{until.year}"
    assert f"chỉ gồm những sự kiện đầu tiên, đến ngày {day}" in str(calendar["X-WR-CALDESC"])
    assert "Choose a province, or a site, for all three years" in str(calendar["DESCRIPTION"])
    page = client.get("/calendar")
    assert f"tệp .ics chỉ gồm những sự kiện đầu tiên, đến ngày {day}" in page.text
    # a site's feed is never cut: its three years
    site = events_of(client.get("/sites/dinh-thoi-an.ics").content)
    assert len([uid for uid in site if "-thuong-dien-" in uid]) == 3
    # a province with fewer events than the cap (28 with the national days) has its whole feed, its page no note
    khanh_hoa = Calendar.from_ical(client.get("/calendar.ics", params={"province": "khanh hoa"}).content)
    assert len(khanh_hoa.walk("VEVENT")) == 28 and "X-WR-CALDESC" not in khanh_hoa
    assert "tệp .ics chỉ gồm" not in client.get("/calendar", params={"province": "khanh hoa"}).text


def test_a_day_too_crowded_to_hold_whole_is_cut_inside_so_the_feed_is_never_nearly_empty(tmp_path, monkeypatch):
    """Fifty copies of Đình Thới An share their festival days: holding whole days only would leave a national day."""
    from sites.calendar import calendar_index

    monkeypatch.setattr(calendar_index, "FEED_EVENTS", 30)
    registry = load_content(make_synthetic_content(tmp_path, 50)).registry
    index = calendar_index.CalendarIndex(registry, TODAY)
    parts, until = index.feed(None)
    held = [item for _, items in parts for item in items]
    assert len(held) == 30 and until == max(item.start for item in held) == index.all[29].start
    assert {item.key for item in held} == {item.key for item in index.all[:30]}
    assert index.feed("Cần Thơ").until == until and index.feed_until(None) == until


def test_the_gzipped_feed_says_what_the_plain_one_says(client):
    plain = client.get("/calendar.ics", headers={"Accept-Encoding": "identity"})
    gzipped = client.get("/calendar.ics", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in plain.headers and gzipped.headers["content-encoding"] == "gzip"
    assert gzipped.content == plain.content  # the test client decoded it; same DTSTAMP: the events were written once


def test_a_province_feed_has_its_sites_and_the_national_days_and_an_unknown_one_is_refused(client):
    khanh_hoa = events_of(client.get("/calendar.ics", params={"province": "khanh hoa"}).content)
    owners = {uid.rsplit("-", 1)[0] for uid in khanh_hoa}
    assert any(uid.startswith("bay-da-pi-nang-tac-tran-phuc-kich-") for uid in khanh_hoa)
    assert any(uid.startswith("quoc-gia-") for uid in khanh_hoa)
    assert not any(uid.startswith("dinh-thoi-an-") for uid in owners)
    refused = client.get("/calendar.ics", params={"province": "Atlantis"})
    assert refused.status_code == 422 and "province" in refused.text


def test_a_site_feed_has_only_its_events_gzipped_for_calendar_apps(client):
    response = client.get("/sites/dinh-thoi-an.ics", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and response.headers["content-encoding"] == "gzip"
    events = events_of(response.content)  # the test client has already decoded it
    assert {uid.split("-2")[0] for uid in events} == {"dinh-thoi-an-thuong-dien", "dinh-thoi-an-ha-dien",
                                                      "dinh-thoi-an-cong-nhan-di-tich"}
    assert client.get("/sites/khong-co.ics").status_code == 404


def test_the_calendar_page_lists_this_month_and_the_next_with_lunar_dates(client):
    page = client.get("/calendar")
    assert page.status_code == 200
    text = re.sub(r"<[^>]+>", "", page.text)
    assert "Tháng 12/2026" in text and "Tháng 1/2027" in text
    assert "22/12/2026 · 14/11 âm lịch" in text  # the army's founding, 82 years
    assert "15/12 âm lịch · 22/1/2027 · 2 ngày" in text  # Lễ Hạ Điền, 15/12 of lunar 2026
    assert 'href="/sites/dinh-thoi-an"' in page.text and "<script" not in page.text.split("</head>")[1]
    assert "Lễ Thượng Điền" not in text  # in May


def test_a_crowded_month_shows_its_first_rows_and_says_how_many_there_are(client, monkeypatch):
    from api.public.routes import calendar

    monkeypatch.setattr(calendar, "MONTH_ROWS", 0)
    text = re.sub(r"<[^>]+>", "", client.get("/calendar").text)
    assert text.count("Đang hiện 0 trong 1 sự kiện của tháng; chọn một tỉnh để xem hết.") == 2
    assert "Lễ Hạ Điền" not in text


def test_the_calendar_filters_by_kind_and_province_and_refuses_unknown_values(client):
    festivals = re.sub(r"<[^>]+>", "", client.get("/calendar", params={"kind": "festival"}).text)
    assert "Lễ Hạ Điền" in festivals and "Quân đội" not in festivals
    khanh_hoa = re.sub(r"<[^>]+>", "", client.get("/calendar", params={"province": "Khánh Hòa"}).text)
    assert "Lễ Hạ Điền" not in khanh_hoa and "Quân đội nhân dân" in khanh_hoa  # national days are everywhere's
    assert client.get("/calendar", params={"kind": "party"}).status_code == 422
    assert client.get("/calendar", params={"province": "Atlantis"}).status_code == 422


def test_the_home_page_shows_the_next_three_events(client):
    page = re.sub(r"<[^>]+>", "", client.get("/").text)
    upcoming = page.split("Sắp tới", 1)[1].split("Xem cả lịch", 1)[0]
    assert upcoming.index("Quân đội nhân dân") < upcoming.index("Lễ Hạ Điền") < upcoming.index(
        "Chùa Cảm Thiên Đại Đế")
    assert "Thạnh Đức" not in upcoming  # the fourth


def test_a_site_page_shows_its_next_event_and_the_api_gives_it_too(client, monkeypatch):
    page = re.sub(r"<[^>]+>", "", client.get("/sites/dinh-thoi-an").text)
    assert "Sự kiện sắp tới: Lễ Hạ Điền" in page and "15/12 âm lịch · 22/1/2027 · 2 ngày" in page
    english = client.get("/api/sites/dinh-thoi-an", params={"lang": "en"}).json()
    assert english["next_event"]["name"] == "Hạ Điền festival" and english["next_event"]["start"] == "2027-01-22"
    assert english["calendar_url"] == f"{BASE_URL}/sites/dinh-thoi-an.ics"
    assert client.get("/api/sites/linh-son-co-mieu").json()["next_event"] is None  # its texts give no date
    monkeypatch.setattr(clock, "today", lambda: dt.date(2027, 1, 23))  # the second day of Hạ Điền
    page = re.sub(r"<[^>]+>", "", client.get("/sites/dinh-thoi-an").text)
    assert "Sự kiện sắp tới: Lễ Hạ Điền" in page
    monkeypatch.setattr(clock, "today", lambda: dt.date(2027, 1, 24))  # the cached page is made again the next day
    page = re.sub(r"<[^>]+>", "", client.get("/sites/dinh-thoi-an").text)
    assert "Sự kiện sắp tới: Lễ Thượng Điền" in page and "15/4 âm lịch · 20/5/2027" in page


def test_the_whole_feed_is_written_ahead_so_the_first_subscriber_waits_for_nothing(make_client):
    client = make_client(calendar_ahead=True)
    feeds = client.app.state.services.calendar_feeds
    deadline = time.monotonic() + 120
    while not feeds.gzipped.size and time.monotonic() < deadline:  # the worker process starts, then writes
        time.sleep(0.2)
    assert feeds.gzipped.size, "the feed was not written ahead"
    made = feeds.gzipped.made
    assert "Lễ Thượng Điền" in client.get("/calendar.ics", headers={"Accept-Encoding": "gzip"}).text
    assert feeds.gzipped.made == made  # answered from what was written ahead (gzipped, as calendar apps ask)
