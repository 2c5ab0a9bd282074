"""Plaque care: silent plaques from synthetic daily counts, visitors' reports of damaged plaques, and the
admin's task list."""

from sites.plaques import BEFORE_WEEKS, QUIET_WEEKS, silent_plaques

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
