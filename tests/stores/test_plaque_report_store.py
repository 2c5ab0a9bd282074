"""Conformance of the plaque report store (sites/plaque_reports/store.py) on both back ends."""

from datetime import UTC, datetime, timedelta

from sites.plaque_reports.store import TOKEN_LIFETIME, PlaqueReport, ProblemKind

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)


def test_reports_are_listed_open_first_newest_first_and_by_province(stores):
    reports = stores.reports
    first = reports.add("dinh-thoi-an", "Cần Thơ", ProblemKind.DAMAGED, "Bảng bị nứt", None, NOW)
    second = reports.add("chua-pothi-somron", "Cần Thơ", ProblemKind.NO_SCAN, "", b"\xff\xd8photo", NOW + timedelta(1))
    third = reports.add("bay-da-pi-nang-tac", "An Giang", ProblemKind.MISSING, "", None, NOW + timedelta(2))
    assert [r.id for r in reports.reports()] == [third, second, first]
    assert [r.id for r in reports.reports(provinces=["Cần Thơ"])] == [second, first]
    assert reports.reports(provinces=[]) == []
    assert reports.get(first) == PlaqueReport(first, "dinh-thoi-an", "Cần Thơ", ProblemKind.DAMAGED, "Bảng bị nứt", NOW)
    assert reports.photo(second) == b"\xff\xd8photo" and reports.get(second).has_photo
    assert reports.photo(first) is None and reports.get(999) is None

    assert reports.close_task(third, "lan", NOW + timedelta(3))
    assert not reports.close_task(third, "minh", NOW + timedelta(4))  # closed once, by the first
    assert [r.id for r in reports.reports()] == [second, first]
    closed = reports.reports(include_done=True)
    assert [r.id for r in closed] == [second, first, third]
    assert (closed[-1].done_by, closed[-1].done_at) == ("lan", NOW + timedelta(3))


def test_a_report_form_token_is_spent_once(stores):
    assert stores.reports.spend_token("token-a", NOW)
    assert not stores.reports.spend_token("token-a", NOW + timedelta(seconds=1))
    assert stores.reports.spend_token("token-b", NOW)
    # Forgotten once no form could carry it any more.
    assert stores.reports.spend_token("token-a", NOW + timedelta(seconds=TOKEN_LIFETIME + 1))
