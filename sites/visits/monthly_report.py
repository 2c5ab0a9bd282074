"""The monthly report for organisers: each published site's scans, views and visitors in one month (Vietnam
time), optionally for one province; the top sites; the sites first visited that month.

The report also lists the next month's events of the sites in scope and the national days (issue 24), so
organisers can plan outings on them.
A site's creation date is not recorded anywhere, so "new sites" are the ones whose first visit falls in the
month, and the report says so. Plaque problems are the visitors' reports (sites/plaque_reports/store.py) sent
that month about the sites in scope, with whether staff have closed them. Class outings are counted per journey:
the outings whose period meets the month (Vietnam time), of journeys with a stop in scope, with their students, how
many completed and their average score (issue 28).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sites.calendar.calendar_index import events_between
from sites.calendar.labels import occurrence_text
from sites.catalog.journeys import Journey
from sites.catalog.languages import SOURCE_LANGUAGE
from sites.catalog.registry import Registry
from sites.outings.outing import journey_questions
from sites.outings.store import OutingStore
from sites.plaque_reports.store import ProblemKind, ReportStore
from sites.visits.stats import daily_counts
from sites.visits.store import VisitStore
from sites.visits.visit import VIETNAM_TIME, Counts, vietnam_day

FIRST_DAY = date(2000, 1, 1)  # no count is older
TOP_SITES = 10


@dataclass(frozen=True)
class SiteMonth:
    """One site's counts for the month."""

    slug: str
    code: str
    name: str
    province: str
    scans: int
    views: int
    visitors: int  # unique visitors per day, added up over the month (as /api/stats/{slug} adds them)
    late_scans: int = 0  # of the scans, those sent late (sites/visits/late_scans.py)
    first_visit: date | None = None  # the day (Vietnam time) of the site's first visit ever, when in this month


@dataclass(frozen=True)
class PlaqueProblem:
    """A visitor's report of a damaged or missing plaque, sent in the month."""

    day: date  # Vietnam time
    slug: str
    name: str
    kind: ProblemKind
    done: bool


@dataclass(frozen=True)
class JourneyOutings:
    """The class outings of one journey in the month: how many, their students, how many completed, and the
    students' average score out of `questions`."""

    journey: str  # its name
    outings: int
    students: int
    completed: int
    average_score: float
    questions: int


@dataclass(frozen=True)
class ReportEvent:
    """An event of the month after the report's, in Vietnamese."""

    day: date
    dates: str  # "15/4 âm lịch · 20/5/2027"
    name: str
    site: str  # the site's name, or "" for a national day
    kind: str


@dataclass(frozen=True)
class MonthlyReport:
    """Everything the report prints, in plain values (picklable, for the print process)."""

    month: date  # its first day
    province: str | None
    rows: tuple[SiteMonth, ...]  # every published site in scope, most scanned first
    first_visited: tuple[str, ...]  # slugs of the sites whose first visit was in the month
    plaque_problems: tuple[PlaqueProblem, ...] = ()  # oldest first
    outings: tuple[JourneyOutings, ...] = ()  # journeys with class outings in the month, in name order
    next_month_events: tuple[ReportEvent, ...] = ()  # by date

    @property
    def end(self) -> date:
        return last_day(self.month)

    @property
    def total(self) -> SiteMonth:
        return SiteMonth("", "", "", self.province or "", sum(r.scans for r in self.rows),
                         sum(r.views for r in self.rows), sum(r.visitors for r in self.rows),
                         sum(r.late_scans for r in self.rows))

    @property
    def top(self) -> tuple[SiteMonth, ...]:
        """The most scanned sites with at least one visit, at most TOP_SITES."""
        return tuple(row for row in self.rows if row.scans or row.views)[:TOP_SITES]


def parse_month(text: str, latest: date | None = None) -> date:
    """The first day of the month written `YYYY-MM`, no later than the month of `latest` when given (a report of
    a month to come would be empty); ValueError saying what is expected otherwise."""
    try:
        year, month = text.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        first_day = date(int(year), int(month), 1)
    except ValueError:
        raise ValueError(f"'{text[:20]}' không phải tháng dạng YYYY-MM (ví dụ 2026-11) / "
                         "is not a month written YYYY-MM (e.g. 2026-11)") from None
    if latest is not None and first_day > latest:
        raise ValueError(f"{text} là tháng chưa tới; muộn nhất là {latest:%Y-%m} / "
                         f"{text} has not begun; the latest month is {latest:%Y-%m}")
    return first_day


def last_day(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def monthly_report(store: VisitStore, registry: Registry, month: date, province: str | None,
                   plaque_reports: ReportStore | None = None, outings: OutingStore | None = None,
                   journeys: Iterable[Journey] = ()) -> MonthlyReport:
    """The report of `month` (its first day) for `province` (today's or the former name; None: every province),
    with the plaque problems reported that month when `plaque_reports` is given, and the class outings of
    `journeys` with a stop in scope when `outings` is given."""
    sites = registry.search(province=province) if province else registry.all()
    end = last_day(month)
    series = daily_counts(store, sites, month, end)
    before = store.period_totals(FIRST_DAY, month - timedelta(days=1))
    rows = []
    for site in sites:
        counts = sum((day_counts for _, day_counts in series[site.slug]), Counts())
        visited_on = next((day for day, day_counts in series[site.slug] if day_counts.scans or day_counts.views), None)
        first_visit = None if any(key in before for key in site.keys()) else visited_on
        rows.append(SiteMonth(site.slug, site.code, site.card.name, site.card.province,
                              counts.scans, counts.views, counts.unique_visitors, counts.late_scans, first_visit))
    first_visited = tuple(row.slug for row in rows if row.first_visit)
    rows.sort(key=lambda row: (-row.scans, -row.views))  # stable: ties stay in name order
    names = {site.slug: site.card.name for site in sites}
    problems = tuple(
        PlaqueProblem(day, report.slug, names[report.slug], report.kind, report.done_at is not None)
        for report in (plaque_reports.reports(include_done=True) if plaque_reports else [])
        if report.slug in names and month <= (day := vietnam_day(report.created_at)) <= end)
    in_scope = [journey for journey in journeys if any(stop.site.slug in names for stop in journey.stops)]
    return MonthlyReport(month, province, tuple(rows), first_visited, tuple(sorted(problems, key=lambda p: p.day)),
                         journey_outings(outings, in_scope, month) if outings else (),
                         next_month_events(sites, end + timedelta(days=1)))


def journey_outings(outings: OutingStore, journeys: Iterable[Journey], month: date) -> tuple[JourneyOutings, ...]:
    """The figures of the outings of each of `journeys` whose period meets `month`; journeys without any left out."""
    start = datetime.combine(month, time(), VIETNAM_TIME).astimezone(UTC)
    end = datetime.combine(last_day(month) + timedelta(days=1), time(), VIETNAM_TIME).astimezone(UTC)
    figures = []
    for journey in sorted(journeys, key=lambda journey: journey.meta.name):
        questions = journey_questions(journey)
        summary = outings.summary(journey.slug, questions, (start, end - timedelta(microseconds=1)))
        if summary.outings:
            figures.append(JourneyOutings(journey.meta.name, summary.outings, summary.students, summary.completed,
                                          summary.average_score, sum(map(len, questions.values()))))
    return tuple(figures)


def next_month_events(sites: list, month: date) -> tuple[ReportEvent, ...]:
    """The events of `sites` and the national days starting in `month` (its first day)."""
    events = []
    for item in events_between(sites, month, last_day(month)):
        text = occurrence_text(item, SOURCE_LANGUAGE)
        events.append(ReportEvent(item.start, text.dates, text.name + (f" ({text.years})" if text.years else ""),
                                  text.site_name or "", text.kind))
    return tuple(events)
