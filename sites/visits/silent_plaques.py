"""Plaque care: which plaques seem to have stopped working, from the daily scan counts alone.

A plaque is "silent" when its site was scanned regularly before (at least `MIN_SCANS_BEFORE` scans over
the `BEFORE_WEEKS` weeks before the quiet period), has not been scanned at all for the last `QUIET_WEEKS`
weeks, while another site of the same province was scanned in those weeks (so the quiet is not the
season, a holiday, or the server being down). Such a plaque is probably damaged, covered or gone.
"""

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from sites.catalog.site import Site
from sites.visits.stats import daily_counts
from sites.visits.store import VisitStore

QUIET_WEEKS = 3  # no scan for this many weeks...
BEFORE_WEEKS = 8  # ...after at least MIN_SCANS_BEFORE scans over the weeks before
MIN_SCANS_BEFORE = 8  # about one scan a week: "scanned regularly"


def silent_plaques(scans: Mapping[str, Sequence[int]], provinces: Mapping[str, str],
                   quiet_days: int = QUIET_WEEKS * 7, before_days: int = BEFORE_WEEKS * 7,
                   min_before: int = MIN_SCANS_BEFORE) -> list[str]:
    """The slugs (in the order of `scans`) whose plaque seems to have stopped working.

    `scans` holds each site's scans per day, oldest first, ending today, `quiet_days + before_days` long
    (shorter series are read as zeros before their start); `provinces` the province of each slug."""
    def quiet(series: Sequence[int]) -> int:
        return sum(series[-quiet_days:]) if quiet_days else 0

    def before(series: Sequence[int]) -> int:
        return sum(series[-(quiet_days + before_days):len(series) - quiet_days])

    scanned_lately = {provinces[slug] for slug, series in scans.items() if quiet(series) > 0}
    return [slug for slug, series in scans.items()
            if before(series) >= min_before and quiet(series) == 0 and provinces[slug] in scanned_lately]


def silent_sites(store: VisitStore, sites: list[Site], today: date) -> list[Site]:
    """The published `sites` whose plaque seems silent up to `today`, from the visit store's daily counts."""
    start = today - timedelta(days=(QUIET_WEEKS + BEFORE_WEEKS) * 7 - 1)
    series = daily_counts(store, sites, start, today)
    by_slug = {site.slug: site for site in sites}
    scans = {slug: [counts.scans for _, counts in days] for slug, days in series.items()}
    provinces = {site.slug: site.card.province for site in sites}
    return [by_slug[slug] for slug in silent_plaques(scans, provinces)]
