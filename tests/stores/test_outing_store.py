"""Conformance of the class-outing store (sites/outings/store.py) on both back ends: SQLite in the data folder and
PostgreSQL; and the upgrade of each back end's tables made before pass marks."""

import sqlite3
from datetime import UTC, datetime, time, timedelta

import pytest

import sites.storage.postgres as storage_postgres
from sites.outings.outing import CLASS_CODE_LENGTH, CODE_ALPHABET, OutingRefused, Refusal, clean_nickname
from sites.outings.pass_mark import needed, passed
from sites.outings.store_pg import PostgresOutingStore
from sites.outings.store_sqlite import OUTINGS_FILE, SQLiteOutingStore
from sites.storage.migration_files import MIGRATIONS, SQLITE_MIGRATIONS, migration_files
from sites.storage.postgres import PostgresDatabase

NOW = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam
DAY = timedelta(days=1)


@pytest.fixture
def store(stores):
    """The outing store as the one factory (sites/stores.py) opens it, on each back end."""
    return stores.outings


def outing(store, **checks):
    return store.create("o-mon", "Lớp 9A1 · Ô Môn", "Cần Thơ", NOW - DAY, NOW + DAY, "lan", NOW - DAY, **checks)


def test_an_outing_gets_a_short_unambiguous_code_found_in_any_case(store):
    made = outing(store)
    assert len(made.code) == CLASS_CODE_LENGTH and set(made.code) <= set(CODE_ALPHABET)
    assert not set(made.code) & set("0O1I")
    assert store.get(made.code.lower()) == made == store.get(f" {made.code[:3]}-{made.code[3:]} ")
    assert store.get("ZZZZZZ") is None
    other = store.create("o-mon", "9A2", "Khánh Hòa", NOW, NOW + DAY, "minh", NOW)
    assert [o.code for o in store.outings()] == [other.code, made.code]
    assert store.outings(provinces=["Cần Thơ"]) == [made]
    assert store.outings(provinces=[]) == []


def test_students_join_stamp_answer_and_the_table_shows_them(store):
    made = outing(store)
    an = store.join(made.code, "  An  ", NOW)
    binh = store.join(made.code, "Bình", NOW + timedelta(seconds=1))
    assert an.passport.nickname == "An" and an.token != binh.token
    assert len(an.passport.recovery_code) == 8 and store.passport(an.token) == an.passport
    assert store.passport("forged") is None
    assert store.stamp(an.passport.id, "dinh-thoi-an", NOW) is True
    assert store.stamp(an.passport.id, "dinh-thoi-an", NOW + DAY / 2) is False  # the first time is kept
    store.answer(an.passport.id, "dinh-thoi-an", "1", 2, True, NOW)
    store.answer(an.passport.id, "dinh-thoi-an", "2", 0, False, NOW)
    rows = store.table(made.code)
    assert [row.passport.nickname for row in rows] == ["An", "Bình"]
    assert rows[0].stamps[0].slug == "dinh-thoi-an" and rows[0].stamps[0].at == NOW
    assert rows[0].score == 1 and len(rows[0].answers) == 2 and rows[1].score == 0
    assert store.progress(an.passport.id) == rows[0]
    assert rows[0].complete({"dinh-thoi-an": ["1", "2"]}) and not rows[0].complete({"dinh-thoi-an": ["1", "3"]})
    summary = store.summary("o-mon", {"dinh-thoi-an": ["1", "2"]})
    assert (summary.outings, summary.students, summary.completed, summary.average_score) == (1, 2, 1, 0.5)


def test_refusals_change_nothing(store):
    made = outing(store)
    an = store.join(made.code, "An", NOW)
    for code, nickname, reason in [("ZZZZZZ", "Chi", Refusal.UNKNOWN_CODE), (made.code, "  ", Refusal.NICKNAME_EMPTY),
                                   (made.code, "x" * 41, Refusal.NICKNAME_TOO_LONG),
                                   (made.code, "AN", Refusal.NICKNAME_TAKEN)]:
        with pytest.raises(OutingRefused) as refused:
            store.join(code, nickname, NOW)
        assert refused.value.reason is reason
    with pytest.raises(OutingRefused) as refused:
        store.answer(an.passport.id, "dinh-thoi-an", "1", 0, True, NOW)
    assert refused.value.reason is Refusal.NOT_STAMPED
    store.stamp(an.passport.id, "dinh-thoi-an", NOW)
    store.answer(an.passport.id, "dinh-thoi-an", "1", 0, True, NOW)
    with pytest.raises(OutingRefused) as refused:
        store.answer(an.passport.id, "dinh-thoi-an", "1", 1, False, NOW)
    assert refused.value.reason is Refusal.ANSWERED
    assert [row.passport.nickname for row in store.table(made.code)] == ["An"]
    assert store.progress(an.passport.id).answers[0].choice == 0


def test_nicknames_are_nfc_any_script_and_compared_casefolded():
    assert clean_nickname("Nguye\u0302\u0303n") == "Nguyễn"
    assert clean_nickname(" សុខា \t Đào ") == "សុខា Đào"
    assert len(clean_nickname("ễ" * 40)) == 40


def test_joining_needs_an_active_outing_and_recovery_gives_a_second_browser_the_passport(store):
    made = outing(store)
    an = store.join(made.code, "An", NOW)
    with pytest.raises(OutingRefused) as refused:
        store.join(made.code, "Chi", NOW + 2 * DAY)
    assert refused.value.reason is Refusal.NOT_ACTIVE
    again = store.recover(made.code.lower(), an.passport.recovery_code.lower(), NOW)
    assert again.passport == an.passport and again.token != an.token
    assert store.passport(an.token) == store.passport(again.token) == an.passport
    with pytest.raises(OutingRefused) as refused:
        store.recover(made.code, "AAAAAAAA", NOW)
    assert refused.value.reason is Refusal.WRONG_RECOVERY
    assert store.close(made.code, NOW) and not store.close(made.code, NOW)
    assert store.get(made.code).ends_at == NOW and not store.get(made.code).active(NOW)


def test_a_time_window_is_kept_in_vietnam_time(store):
    made = outing(store, window=(time(7, 30), time(11, 30)), max_distance_m=200)
    assert store.get(made.code) == made and made.max_distance_m == 200
    assert made.in_window(NOW)  # 09:00
    assert not made.in_window(NOW + timedelta(hours=3))  # 12:00
    assert outing(store).in_window(NOW + timedelta(hours=3))


def test_outings_are_deleted_with_everything_of_their_students_after_the_retention(store):
    old = store.create("o-mon", "old", "Cần Thơ", NOW - 100 * DAY, NOW - 95 * DAY, "lan", NOW - 100 * DAY)
    closed = store.create("o-mon", "closed", "Cần Thơ", NOW - 95 * DAY, NOW + DAY, "lan", NOW - 95 * DAY)
    store.close(closed.code, NOW - 91 * DAY)
    recent = store.create("o-mon", "recent", "Cần Thơ", NOW - 90 * DAY, NOW - 89 * DAY, "lan", NOW - 90 * DAY)
    student = store.join(closed.code, "An", NOW - 92 * DAY)
    store.stamp(student.passport.id, "dinh-thoi-an", NOW - 92 * DAY)
    assert store.purge(NOW, timedelta(days=90)) == 2
    assert [o.code for o in store.outings()] == [recent.code]
    assert store.passport(student.token) is None and store.progress(student.passport.id) is None
    assert store.get(old.code) is None
    assert store.delete(recent.code) and not store.delete(recent.code)


def test_a_pass_mark_is_kept_and_a_summary_counts_the_outings_of_a_period(store):
    marked = outing(store, pass_percent=50)
    assert store.get(marked.code).pass_percent == 50 and outing(store).pass_percent is None
    later = store.create("o-mon", "later", "Cần Thơ", NOW + 40 * DAY, NOW + 41 * DAY, "lan", NOW)
    store.join(later.code, "An", NOW + 40 * DAY)
    questions = {"dinh-thoi-an": ["1"]}
    assert store.summary("o-mon", questions).outings == 3
    this_month = store.summary("o-mon", questions, (NOW - 5 * DAY, NOW + 5 * DAY))
    assert (this_month.outings, this_month.students) == (2, 0)


def test_pass_marks_need_right_answers_rounded_up():
    assert [needed(None, 6), needed(50, 6), needed(50, 5), needed(100, 5), needed(1, 5)] == [0, 3, 3, 5, 1]
    assert passed(None, 0, 6) and passed(50, 3, 6) and not passed(50, 2, 6)


def test_a_sqlite_file_made_before_pass_marks_is_upgraded_with_its_outings_kept(data_dir):
    path = data_dir / OUTINGS_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    (version, _, old_schema), *later = migration_files(SQLITE_MIGRATIONS / "outings")  # release 0.1.0's tables
    assert version == 1 and later
    with sqlite3.connect(path) as old:
        old.executescript(old_schema)
        old.execute("INSERT INTO outings VALUES ('ABCDEF', 'o-mon', '9A1', 'Cần Thơ', ?, ?, 'lan', ?, NULL, NULL,"
                    " NULL, NULL)", (NOW.timestamp(), (NOW + DAY).timestamp(), NOW.timestamp()))
    store = SQLiteOutingStore(path)
    kept = store.get("ABCDEF")
    assert kept.name == "9A1" and kept.pass_percent is None
    assert store.get(outing(store, pass_percent=80).code).pass_percent == 80


@pytest.mark.postgres
def test_a_postgresql_database_made_before_pass_marks_is_upgraded_with_its_outings_kept(postgres, monkeypatch):
    url = postgres.database()
    everything = migration_files(MIGRATIONS)
    monkeypatch.setattr(storage_postgres, "migration_files", lambda folder: [m for m in everything if m[0] < 10])
    before = PostgresDatabase(url)
    with before.transaction() as db:
        db.execute("INSERT INTO outings (code, journey, name, province, valid_from, valid_until, created_by,"
                   " created_at) VALUES ('ABCDEF', 'o-mon', '9A1', 'Cần Thơ', ?, ?, 'lan', ?)",
                   (NOW.timestamp(), (NOW + DAY).timestamp(), NOW.timestamp()))
    before.close()
    monkeypatch.setattr(storage_postgres, "migration_files", lambda folder: everything)
    database = PostgresDatabase(url)
    store = PostgresOutingStore(database)
    assert store.get("ABCDEF").name == "9A1" and store.get("ABCDEF").pass_percent is None
    assert store.get(outing(store, pass_percent=80).code).pass_percent == 80
    database.close()
