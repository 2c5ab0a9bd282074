"""Events in front matter (issue 24): the strict loader's refusals, each with its file and field, and the
expansion of anniversaries, yearly days and lunar festivals into dated occurrences."""

import datetime as dt
from pathlib import Path

import pytest

from sites.calendar.calendar_index import CalendarIndex, Calendars, window
from sites.calendar.national_days import national_days
from sites.catalog.live import SITE_CACHE, Catalog
from sites.catalog.loader import load_content
from sites.catalog.messages import vietnamese
from tests.support import TEST_CONTENT, edit_site, read_front_matter, write_front_matter

THOI_AN = "dinh-thoi-an"


def problems(content_dir: Path) -> list[tuple[str, str | None, str]]:
    return [(Path(e.file).name, e.field, vietnamese(e.type, e.ctx)) for e in load_content(content_dir).errors]


def set_events(content_dir: Path, events: list[dict], folder: str = THOI_AN) -> None:
    edit_site(content_dir, folder, events=events)


@pytest.mark.parametrize("event, field, words", [
    ({"every_year": "02-30"}, "events.0.every_year", "không có trong mọi năm"),
    ({"every_year": "02-29"}, "events.0.every_year", "không có trong mọi năm"),
    ({"every_year": "13-01"}, "events.0.every_year", "không có trong mọi năm"),
    ({"every_year": "7-27"}, "events.0.every_year", "Sai định dạng"),
    ({"date": "1947-02-30"}, "events.0.date", "Ngày không có thật"),
    ({"date": "0947-04-10"}, "events.0.date", "không hợp lý"),
    ({"lunar": {"month": 13, "day": 15}}, "events.0.lunar.month", "tối đa là 12"),
    ({"lunar": {"month": 4, "day": 31}}, "events.0.lunar.day", "tối đa là 30"),
    ({"lunar": {"month": 4, "day": 15, "days": 0}}, "events.0.lunar.days", "tối thiểu là 1"),
    ({"lunar": {"month": 4, "day": 15}, "every_year": "05-20"}, "events.0", "đúng một cách tính ngày"),
    ({}, "events.0", "đúng một cách tính ngày"),
])
def test_an_impossible_date_is_refused_with_its_file_and_field(content_dir, event, field, words):
    set_events(content_dir, [{"id": "le-hoi", "name": "Lễ hội", "kind": "festival", **event}])
    found = problems(content_dir)
    assert len(found) == 1 and found[0][:2] == ("index.md", field) and words in found[0][2], found


def test_an_impossible_date_written_by_hand_is_an_error_not_a_crash(content_dir):
    """PyYAML would build a date of `1947-02-30` itself and raise; the loader keeps dates as text for the model."""
    index = content_dir / THOI_AN / "index.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace("date: 2004-11-15", "date: 2004-11-31"), encoding="utf-8")
    assert [(file, field) for file, field, _ in problems(content_dir)] == [("index.md", "events.2.date")]


def test_unknown_kinds_fields_and_repeated_ids_are_refused(content_dir):
    set_events(content_dir, [
        {"id": "le-hoi", "name": "Lễ hội", "kind": "party", "every_year": "05-01"},
        {"id": "le-hoi", "name": "Lễ hội", "kind": "festival", "every_year": "05-01", "time": "8h"},
        {"id": "ngay-khac", "name": "Ngày khác", "kind": "festival", "every_year": "05-02"},
        {"id": "ngay-khac", "name": "Ngày khác", "kind": "festival", "every_year": "05-03"},
    ], "linh-son-co-mieu")
    found = problems(content_dir)
    assert [(file, field) for file, field, _ in found] == [("index.md", "events.0.kind"), ("index.md", "events.1.time")]
    set_events(content_dir, [{"id": "le-hoi", "name": "Lễ hội", "kind": "festival", "every_year": "05-01"},
                             {"id": "le-hoi", "name": "Lễ hội", "kind": "festival", "every_year": "05-02"}],
               "linh-son-co-mieu")
    assert problems(content_dir) == [("index.md", "events.1.id", "Mã sự kiện 'le-hoi' đã dùng cho sự kiện 1")]


def test_a_translation_names_only_events_the_vietnamese_file_has(content_dir):
    index = content_dir / THOI_AN / "index.en.md"
    front, body = read_front_matter(index)
    write_front_matter(index, {**front, "events": [{"id": "khong-co", "name": "Nothing"}]}, body)
    assert problems(content_dir) == [("index.en.md", "events.0.id", "Bản tiếng Việt không có sự kiện mã 'khong-co'")]


def test_the_bundled_events_are_those_the_sites_texts_state():
    registry = load_content(TEST_CONTENT).registry
    events = {site.slug: [(e.id, e.kind.value, e.date or e.every_year or (e.lunar.month, e.lunar.day, e.lunar.days))
                          for e in site.meta.events] for site in registry.all() if site.meta.events}
    assert events == {
        "dinh-thoi-an": [("thuong-dien", "festival", (4, 15, 2)), ("ha-dien", "festival", (12, 15, 2)),
                         ("cong-nhan-di-tich", "ranking", dt.date(2004, 11, 15))],
        "chua-cam-thien-dai-de": [("cong-nhan-di-tich", "ranking", dt.date(2016, 2, 5))],
        "tham-sat-lang-thanh-duc-1947": [("ngay-tham-sat", "commemoration", dt.date(1947, 4, 10)),
                                         ("cong-nhan-di-tich", "ranking", dt.date(2020, 5, 7))],
        "bay-da-pi-nang-tac": [("tran-phuc-kich", "anniversary", dt.date(1961, 8, 10))],
    }
    for site in registry.all():  # each date is written in the site's own story
        for event in site.meta.events:
            if event.date:
                assert f"{event.date.day}/{event.date.month}/{event.date.year}" in site.bodies["vi"], event.id


def test_thuong_dien_2027_falls_on_20_and_21_may():
    index = CalendarIndex(load_content(TEST_CONTENT).registry, dt.date(2027, 1, 1))
    site = next(s for s in load_content(TEST_CONTENT).registry.all() if s.slug == THOI_AN)
    found = [o for o in index.all if o.site and o.site.slug == THOI_AN and o.event.id == "thuong-dien"]
    assert (found[0].start, found[0].last_day, found[0].days) == (dt.date(2027, 5, 20), dt.date(2027, 5, 21), 2)
    assert (found[0].lunar.month, found[0].lunar.day) == (4, 15)
    assert site.event_texts("en")["thuong-dien"].name == "Thượng Điền festival"


def test_occurrences_cover_three_years_with_anniversary_numbers():
    index = CalendarIndex(load_content(TEST_CONTENT).registry, dt.date(2026, 12, 6))
    assert window(dt.date(2026, 12, 6)) == (dt.date(2026, 12, 1), dt.date(2029, 12, 31))
    massacre = [(o.start, o.years) for o in index.all if o.event.id == "ngay-tham-sat"]
    assert massacre == [(dt.date(2027, 4, 10), 80), (dt.date(2028, 4, 10), 81), (dt.date(2029, 4, 10), 82)]
    ha_dien = [o.start for o in index.all if o.event.id == "ha-dien"]  # 15/12 of lunar 2026, 2027, 2028
    assert ha_dien == [dt.date(2027, 1, 22), dt.date(2028, 1, 11), dt.date(2029, 1, 29)]
    assert [o.start for o in index.upcoming(2)] == [dt.date(2026, 12, 22), dt.date(2027, 1, 22)]


def test_national_days_are_data():
    days = {day.id: (day.date.day, day.date.month) for day in national_days()}
    assert sorted(days.values()) == sorted([(27, 7), (22, 12), (26, 3), (30, 4), (2, 9), (19, 5)])
    assert all(day.text("en").lang == "en" for day in national_days())


def test_after_an_edit_the_index_reads_again_only_the_edited_sites_events(content_dir, data_dir):
    """A new content version's index keeps the occurrences of the sites whose folders did not change (the site
    cache gives back the same site: nothing read from disk for them) and equals an index made from scratch."""
    catalog, calendars, today = Catalog(content_dir, data_dir / SITE_CACHE), Calendars(), dt.date(2026, 12, 6)
    before = calendars.index(catalog.registry, today)
    edit_site(content_dir, THOI_AN, name="Đình Thới An (đã sửa)")
    catalog.reload()
    after = calendars.index(catalog.registry, today)

    def keys(index: CalendarIndex) -> list[tuple[str, str]]:
        return [(item.key, item.site.meta.name if item.site else "") for item in index.all]

    assert keys(after) == keys(CalendarIndex(catalog.registry, today)) != keys(before)
    assert {name for key, name in keys(after) if key.startswith(THOI_AN)} == {"Đình Thới An (đã sửa)"}
    others = [site for site in catalog.registry.all() if site.slug != THOI_AN and after.of_site(site)]
    assert len(others) == 3
    assert all(after.of_site(site) is before.of_site(site) for site in others)  # kept, not read again
    assert after.of_site(catalog.registry.get(THOI_AN)) is not before.of_site(catalog.registry.get(THOI_AN))
