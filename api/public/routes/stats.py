"""Visit statistics for organisers: `/api/stats`, `/api/stats/{slug}` and the `/stats` page."""

from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.deps import LanguageDep, RegistryDep, SettingsDep, SiteDep
from api.errors import invalid_parameter
from api.listing import Pager, PagerDep, counts_version, kept_list
from api.responses import MOVED, NOT_FOUND, STORE_DAMAGED
from api.state import AppState, StateDep
from api.templating import render
from api.views.journey_views import (
    JourneyStatsOut,
    OutingFiguresOut,
    StatsWithJourneysOut,
    journey_language,
    journey_path,
    journeys_with_counts,
)
from api.views.schemas import CountsOut, DayOut, SiteDailyStatsOut, SiteStatsOut
from api.views.sparkline import sparkline_svg
from api.views.view_models import site_path
from sites.catalog.i18n import format_moment, strings
from sites.catalog.journeys import Journey
from sites.catalog.languages import valid_language_tag
from sites.catalog.registry import Registry
from sites.outings.outing import journey_questions
from sites.outings.store import OutingStore
from sites.settings import Settings
from sites.visits.stats import RECENT_DAYS, SiteCounts, all_time_counts, daily_counts, recent_period
from sites.visits.store import VisitStore
from sites.visits.visit import VIETNAM_TIME, Counts, vietnam_day

router = APIRouter()

MAX_SERIES_DAYS = 731
FIRST_DAY = date(2000, 1, 1)  # no count is older; bounds keep date arithmetic away from year 1 and 9999
FUTURE_DAYS = 366
STATS_PAGE_SIZE = 200
SORT_KEYS = {
    "scans": lambda row: (-row.counts.scans, -row.counts.views),
    "views": lambda row: (-row.counts.views, -row.counts.scans),
    "unique": lambda row: -row.counts.unique_visitors,
    "last": lambda row: -(row.counts.last_visit or datetime.min.replace(tzinfo=UTC)).timestamp(),
    "name": lambda row: row.site.folded_name,
}
SortKey = Literal["scans", "views", "unique", "last", "name"]


def counts_out(counts: Counts) -> CountsOut:
    return CountsOut(**asdict(counts))  # the same fields


def _sum(counts: list[Counts]) -> Counts:
    return sum(counts, Counts())


def _ranked(visits: VisitStore, registry: Registry, sort: str) -> list[SiteCounts]:
    rows = all_time_counts(visits, registry)
    return sorted(rows, key=SORT_KEYS[sort])  # stable: ties stay in name order


@router.get("/api/stats", response_model=StatsWithJourneysOut, tags=["stats"], responses=STORE_DAMAGED)
def stats(request: Request, state: StateDep, registry: RegistryDep, settings: SettingsDep) -> Response:
    """All-time scans, views, unique visitors and last visit of every published site, most scanned first;
    then the same for every published journey. Kept built while the counts stay the same (at most a few seconds
    old when another worker counts: docs/api.md)."""
    return kept_list(request, state, registry, (), counts_version(state),
                     lambda: JSONResponse(_all_stats(state, registry, settings).model_dump(mode="json")))


def _all_stats(state: AppState, registry: Registry, settings: Settings) -> StatsWithJourneysOut:
    rows = _ranked(state.visits, registry, "scans")
    return StatsWithJourneysOut(
        total=counts_out(_sum([row.counts for row in rows])),
        sites=[
            SiteStatsOut(slug=row.site.slug, code=row.site.code, name=row.site.card.name,
                         url=settings.base_url + site_path(row.site.slug), **asdict(row.counts))
            for row in rows
        ],
        journeys=[
            JourneyStatsOut(slug=journey.slug, code=journey.code, name=journey.meta.name,
                            url=settings.base_url + journey_path(journey.slug), **asdict(counts),
                            class_outings=_outing_figures(state.outings, journey))
            for journey, counts in journeys_with_counts(state.catalog.journeys.all(), state.visits.totals())
        ],
    )


@router.get("/api/stats/{slug}", response_model=SiteDailyStatsOut, responses={**NOT_FOUND, **MOVED, **STORE_DAMAGED},
            tags=["stats"])
def site_stats(
    state: StateDep, site: SiteDep,
    start: Annotated[date | None, Query(alias="from", description="First day (default: 29 days before `to`)")] = None,
    end: Annotated[date | None, Query(alias="to", description="Last day, included (default: today in Vietnam)")] = None,
) -> SiteDailyStatsOut:
    """One site's counts per day (Vietnam time) from `from` to `to`, with their totals.

    Days run from 2000-01-01 to a year after today."""
    today = vietnam_day(datetime.now(UTC))
    for name, day in (("to", end), ("from", start)):
        if day and not FIRST_DAY <= day <= today + timedelta(days=FUTURE_DAYS):
            raise invalid_parameter(name, f"{day} is outside {FIRST_DAY} to {today + timedelta(days=FUTURE_DAYS)}")
    end = end or today
    start = start or recent_period(end)[0]
    if start > end:
        raise invalid_parameter("from", f"{start} is after to ({end})")
    if (end - start).days + 1 > MAX_SERIES_DAYS:
        raise invalid_parameter("from", f"at most {MAX_SERIES_DAYS} days at once; ask for shorter periods")
    series = daily_counts(state.visits, [site], start, end)[site.slug]
    return SiteDailyStatsOut(
        slug=site.slug, code=site.code, name=site.card.name, start=start, end=end,
        total=counts_out(_sum([counts for _, counts in series])),
        days=[DayOut(date=day, scans=c.scans, views=c.views, unique_visitors=c.unique_visitors, late_scans=c.late_scans)
              for day, c in series],
    )


@router.get("/stats", response_class=HTMLResponse, include_in_schema=False)
def stats_page(
    request: Request, state: StateDep, registry: RegistryDep, lang: LanguageDep, pager: PagerDep,
    sort: SortKey = "scans",
) -> Response:
    """For organisers: every site's counts in a table sorted by `sort`, with its recent days drawn, a page at a
    time; kept rendered while the counts stay the same."""
    explicit_lang = valid_language_tag(request.query_params.get("lang")) == lang  # as api/templating.py
    query = {"sort": "" if sort == "scans" else sort, "page": "" if pager.number == 1 else str(pager.number)}
    return kept_list(request, state, registry, (lang, explicit_lang, sort, pager), counts_version(state),
                     lambda: _stats_page(request, state, registry, lang, pager, sort, query))


def _stats_page(request: Request, state: AppState, registry: Registry, lang: str, pager: Pager, sort: str,
                query: dict[str, str]) -> HTMLResponse:
    rows = _ranked(state.visits, registry, sort)
    shown = pager.page(rows, STATS_PAGE_SIZE)
    start, end = recent_period(vietnam_day(datetime.now(UTC)))
    series = daily_counts(state.visits, [row.site for row in shown.rows], start, end)
    return render(request, "stats.html", lang, {
        "rows": [
            {
                "site": row.site,
                "name": row.site.localized(lang).name,
                "counts": row.counts,
                "last_visit": _local_time(row.counts.last_visit, lang),
                "chart": sparkline_svg(
                    [counts.visits for _, counts in series[row.site.slug]],
                    strings(lang)["stats_chart_label"].format(days=RECENT_DAYS),
                ),
            }
            for row in shown.rows
        ],
        "total": _sum([row.counts for row in rows]),
        "journeys": [
            {"journey": journey, "name": journey.localized(journey_language(lang)).name, "counts": counts,
             "last_visit": _local_time(counts.last_visit, lang), "outings": _outing_figures(state.outings, journey),
             "questions": sum(map(len, journey_questions(journey).values()))}
            for journey, counts in journeys_with_counts(state.catalog.journeys.all(), state.visits.totals())
        ],
        "sort": sort,
        "sort_keys": list(SORT_KEYS),
        "page": shown.number,
        "pages": shown.pages,
        "start": start,
        "end": end,
    }, query=query)


def _outing_figures(outings: OutingStore, journey: Journey) -> OutingFiguresOut:
    """How the class outings on `journey` went: outings, students, completed, average score."""
    summary = outings.summary(journey.slug, journey_questions(journey))
    return OutingFiguresOut(outings=summary.outings, students=summary.students, completed=summary.completed,
                            completion_rate=summary.completed / summary.students if summary.students else 0.0,
                            average_score=round(summary.average_score, 2))


def _local_time(moment: datetime | None, lang: str) -> str | None:
    """`moment` in Vietnam time, written as people of `lang` write dates, for people reading the table."""
    return format_moment(moment.astimezone(VIETNAM_TIME), lang) if moment else None

