"""The counting rule (sites/visits/visit_gate.py: one scan per visitor and site in the window, a view unless a visit
of that visitor and site was counted in it, a ceiling per address and period) run as one table of cases against
every back end, through the one factory that chooses it (sites/stores.py). SQLite applies the rule in Python
(VisitGate), PostgreSQL in its `record_visits` function; both take the window, period and ceiling from
visit_gate.py, and both must give the same answers here."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from sites.visits.visit import Visit, VisitKind
from sites.visits.visit_gate import ADDRESS_PERIOD_SECONDS, WINDOW_SECONDS
from tests.stores.conftest import CEILING

START = datetime.now(UTC)  # the stores forget windows that ended before the clock's now
SCAN, VIEW = VisitKind.SCAN, VisitKind.VIEW
WINDOW, PERIOD = WINDOW_SECONDS, ADDRESS_PERIOD_SECONDS

# Each case: visits as (seconds after START, visitor, address, slug, kind, alias), and whether each is counted.
CASES = {
    "a second scan in the window is the same visit": (
        [(0, "an", "school", "dinh", SCAN, ""), (WINDOW - 1, "an", "school", "dinh", SCAN, ""),
         (WINDOW + 1, "an", "school", "dinh", SCAN, "")],
        [True, False, True]),
    "a scan then a view (a language switch) is one visit; a view then a scan is two": (
        [(0, "an", "school", "dinh", SCAN, ""), (60, "an", "school", "dinh", VIEW, ""),
         (0, "binh", "home", "chua", VIEW, ""), (60, "binh", "home", "chua", SCAN, ""),
         (120, "binh", "home", "chua", VIEW, "")],
        [True, False, True, True, False]),
    "each site counts on its own": (
        [(0, "an", "school", "dinh", SCAN, ""), (5, "an", "school", "chua", SCAN, ""),
         (10, "binh", "school", "dinh", SCAN, "")],
        [True, True, True]),
    "an address counts up to its ceiling in a period, then again in the next": (
        [(second, f"phone{second}", "router", "dinh", SCAN, "") for second in range(CEILING + 1)]
        + [(CEILING + 1, "other", "carrier", "dinh", SCAN, ""), (PERIOD + 10, "late", "router", "dinh", SCAN, "")],
        [True] * CEILING + [False, True, True]),
    "a visit refused by the ceiling is not remembered": (
        [(second, f"phone{second}", "router", "dinh", SCAN, "") for second in range(CEILING)]
        + [(10, "refused", "router", "dinh", SCAN, ""), (PERIOD + 20, "refused", "router", "dinh", SCAN, "")],
        [True] * CEILING + [False, True]),
    "the cookie given with an answer takes over the window, counted or repeated": (
        [(0, "address+agent", "home", "dinh", SCAN, "cookie"), (60, "cookie", "home", "dinh", SCAN, ""),
         (WINDOW + 120, "address+agent", "home", "dinh", SCAN, ""),
         (WINDOW + 180, "address+agent", "home", "dinh", SCAN, "cookie2"),
         (WINDOW + 240, "cookie2", "home", "dinh", SCAN, "")],
        [True, False, True, False, False]),
}


@pytest.mark.parametrize("case", CASES)
def test_every_back_end_counts_by_the_same_rule(case, stores):
    visits, expected = CASES[case]

    async def run() -> list[bool]:
        return [await stores.visits.record(Visit(slug, kind, visitor.encode(), START + timedelta(seconds=at),
                                                 address.encode(), alias.encode()))
                for at, visitor, address, slug, kind, alias in visits]

    counted = asyncio.run(run())
    totals = stores.visits.totals()
    assert counted == expected
    for slug in {visit[3] for visit in visits}:
        wanted = [visit for visit, ok in zip(visits, expected, strict=True) if ok and visit[3] == slug]
        assert (totals[slug].scans, totals[slug].views) == (sum(v[4] is SCAN for v in wanted),
                                                            sum(v[4] is VIEW for v in wanted))
