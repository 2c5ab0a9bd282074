"""Visit statistics per site, from a visit store and the registry.

Visits are stored under the slug a site had when visited. A site that was renamed keeps its old slug as
an alias, so its counts are gathered from every key that leads to it.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sites.catalog.registry import Registry, SiteNotFound
from sites.catalog.site import Site
from sites.visits.store import VisitStore
from sites.visits.visit import Counts

RECENT_DAYS = 30  # "the last 30 days": the map's recent visits, the /stats charts, /api/stats/{slug} by default


@dataclass(frozen=True)
class SiteCounts:
    """A published site and its all-time counts."""

    site: Site
    counts: Counts


def all_time_counts(store: VisitStore, registry: Registry) -> list[SiteCounts]:
    """Every published site with its all-time counts (zero when never visited), in registry order."""
    gathered = site_totals(store, registry)
    return [SiteCounts(site, gathered.get(site.slug, Counts())) for site in registry.all()]


def site_totals(store: VisitStore, registry: Registry) -> dict[str, Counts]:
    """All-time counts of the published sites visited at least once, by site slug."""
    return _by_site(store.totals(), registry)


def recent_period(end: date, days: int = RECENT_DAYS) -> tuple[date, date]:
    """The first and last day of the `days` days up to `end` included."""
    return end - timedelta(days=days - 1), end


def recent_counts(store: VisitStore, registry: Registry, today: date) -> dict[str, Counts]:
    """Counts of the published sites visited in the recent period up to `today` included, by site slug."""
    return _by_site(store.period_totals(*recent_period(today)), registry)


def daily_counts(store: VisitStore, sites: list[Site], start: date, end: date) -> dict[str, list[tuple[date, Counts]]]:
    """For each of `sites` (by slug), its counts on every day from `start` to `end`, days without visits included."""
    owner = {key: site.slug for site in sites for key in site.keys()}
    gathered: dict[str, dict[date, Counts]] = {site.slug: {} for site in sites}
    for stored_slug, days in store.daily(start, end, list(owner)).items():
        series = gathered[owner[stored_slug]]
        for day, counts in days.items():
            series[day] = series.get(day, Counts()) + counts
    every_day = [start + timedelta(days=offset) for offset in range((end - start).days + 1)]
    return {slug: [(day, series.get(day, Counts())) for day in every_day] for slug, series in gathered.items()}


def _by_site(stored: dict[str, Counts], registry: Registry) -> dict[str, Counts]:
    """`stored` counts (keyed by the slug a site had when visited) gathered under each site's current slug."""
    gathered: dict[str, Counts] = {}
    for stored_slug, counts in stored.items():
        site = _site_for(registry, stored_slug)
        if site is not None:
            gathered[site.slug] = gathered.get(site.slug, Counts()) + counts
    return gathered


def _site_for(registry: Registry, stored_slug: str) -> Site | None:
    """The published site that `stored_slug` (its slug, or an old slug now an alias) leads to, if any."""
    try:
        return registry.resolve(stored_slug)
    except SiteNotFound:
        return None
