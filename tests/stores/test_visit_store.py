"""Conformance of the visit store's queries and the daily visitor key (sites/visits/store.py,
sites/visits/visitor_keys.py) on both back ends; the counting rule itself is in test_counting_rule.py."""

import asyncio
from datetime import UTC, datetime, timedelta

from sites.visits.visit import Visit, VisitKind, vietnam_day

NOW = datetime.now(UTC)
TODAY = vietnam_day(NOW)


def record(stores, *visits: tuple[str, VisitKind, str, str]) -> list[bool]:
    async def run() -> list[bool]:
        return [await stores.visits.record(Visit(slug, kind, visitor.encode(), NOW, address.encode()))
                for slug, kind, visitor, address in visits]
    return asyncio.run(run())


def test_totals_days_and_periods_add_up_the_counted_visits(stores):
    assert record(stores, ("dinh", VisitKind.SCAN, "an", "a"), ("dinh", VisitKind.SCAN, "binh", "b"),
                  ("dinh", VisitKind.VIEW, "chi", "c"), ("chua", VisitKind.VIEW, "an", "a"),
                  ("dinh", VisitKind.SCAN, "an", "a")) == [True, True, True, True, False]
    totals = stores.visits.totals()
    assert (totals["dinh"].scans, totals["dinh"].views, totals["dinh"].unique_visitors) == (2, 1, 3)
    assert (totals["chua"].scans, totals["chua"].views) == (0, 1)
    daily = stores.visits.daily(TODAY - timedelta(1), TODAY)
    assert set(daily) == {"dinh", "chua"} and set(daily["dinh"]) == {TODAY}
    assert stores.visits.daily(TODAY, TODAY, slugs=["chua"]).keys() == {"chua"}
    assert stores.visits.period_totals(TODAY, TODAY)["dinh"].scans == 2
    assert stores.visits.period_totals(TODAY + timedelta(1), TODAY + timedelta(2)) == {}


def test_one_key_a_day_the_same_for_every_caller_and_past_keys_forgotten(stores):
    keys = stores.hasher.keys
    today, tomorrow = keys.key(TODAY), keys.key(TODAY + timedelta(1))
    assert len(today) == 32 and today == keys.key(TODAY) and today != tomorrow
    yesterday = TODAY - timedelta(1)
    assert keys.key(yesterday) != keys.key(yesterday)  # a past day's key is not kept: its ids cannot be linked
