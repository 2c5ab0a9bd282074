"""Plaque care: silent plaques from synthetic daily counts, visitors' reports of damaged plaques, and the
admin's task list."""

import asyncio
from datetime import UTC, datetime, timedelta

from sites.stores import VISITS_FILE
from sites.visits import SQLiteVisitStore, Visit, VisitKind
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
