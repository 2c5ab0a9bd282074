"""The calendar (issue 24): `/calendar` (this month and the next, by province and kind, no script needed),
`/calendar.ics` (every published event and the national days, the next three years, `?province=` for one
province's) and `/sites/{slug}.ics` (one site's). Feeds come from memory once written (api/caches/calendar_feeds.py)."""

import asyncio
import datetime as dt
from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.caches.calendar_feeds import WHOLE, WHOLE_NAME
from api.deps import LanguageDep, RegistryDep, SiteDep
from api.errors import invalid_parameter, shorten
from api.listing import ProvinceDep
from api.responses import BUSY, MOVED, NOT_FOUND
from api.state import AppState, StateDep
from api.templating import render
from api.views.calendar_views import month_rows
from sites.calendar import clock
from sites.calendar.calendar_index import CalendarIndex, FeedSelection
from sites.calendar.ics import MEDIA_TYPE
from sites.calendar.labels import kind_label
from sites.catalog.models import EventKind
from sites.catalog.registry import Registry

router = APIRouter(tags=["calendar"])

MONTH_ROWS = 200  # rows shown per month; more (a nationwide calendar) asks to choose a province
FEED_HEADERS = {"Cache-Control": "public, max-age=3600", "Vary": "Accept-Encoding"}


async def event_kind(kind: Annotated[str | None, Query(
        description="Only this kind of event; empty or absent: every kind",
        json_schema_extra={"enum": ["", *(k.value for k in EventKind)]})] = None) -> EventKind | None:
    """The kind asked for: one of a closed set, else a 422 before any page is made."""
    if not kind:
        return None
    try:
        return EventKind(kind)
    except ValueError:
        raise invalid_parameter("kind", f"không có loại sự kiện '{shorten(kind)}' / no kind '{shorten(kind)}'; "
                                        f"one of: {', '.join(k.value for k in EventKind)}") from None


KindDep = Annotated[EventKind | None, Depends(event_kind)]


@router.get("/calendar", response_class=HTMLResponse, include_in_schema=False)
def calendar_page(request: Request, state: StateDep, registry: RegistryDep, lang: LanguageDep,
                  province: ProvinceDep, kind: KindDep) -> HTMLResponse:
    """This month's and the next month's events, each beside its lunar date, linking to its site."""
    day = clock.today()
    index = state.calendars.index(registry, day)
    this_month = day.replace(day=1)
    next_month = (this_month + dt.timedelta(days=32)).replace(day=1)
    after = (next_month + dt.timedelta(days=32)).replace(day=1)
    months = [month_rows(index.between(first, last - dt.timedelta(days=1), province, kind), first, lang, day,
                         MONTH_ROWS)
              for first, last in ((this_month, next_month), (next_month, after))]
    feed = "/calendar.ics" + (f"?province={province}" if province else "")
    return render(request, "calendar.html", lang, {
        "months": months,
        "province": province or "",
        "provinces": registry.provinces(),
        "kind": kind.value if kind else "",
        "kinds": [(k.value, kind_label(k, lang)) for k in EventKind],
        "feed_path": feed,
        "feed_until": index.feed_until(province),
        "filtered": bool(province or kind),
    })


@router.get("/calendar.ics", response_class=Response, responses={**BUSY, 422: {
    "description": "`province` is no known province"}})
async def calendar_feed(request: Request, state: StateDep, registry: RegistryDep, province: ProvinceDep) -> Response:
    """Every published event (festivals by the lunar calendar, anniversaries) and the national days, the next
    three years one by one, as iCalendar (RFC 5545) for phone calendars; `province`: that province's sites only.
    A feed holds at most 10,000 events: past that, the first ones, and its description says so."""
    index = await asyncio.to_thread(state.calendars.index, registry, clock.today())
    name = f"{WHOLE_NAME} · {province}" if province else WHOLE_NAME
    return await _feed(request, state, registry, index, f"{WHOLE}{province or ''}", name, lambda: index.feed(province))


@router.get("/sites/{slug}.ics", response_class=Response, responses={**NOT_FOUND, **MOVED, **BUSY})
async def site_feed(request: Request, state: StateDep, registry: RegistryDep, site: SiteDep) -> Response:
    """One site's events, the next three years, as iCalendar (RFC 5545)."""
    index = await asyncio.to_thread(state.calendars.index, registry, clock.today())
    name = f"{site.card.name} · Địa chỉ đỏ"
    return await _feed(request, state, registry, index, f"site:{site.slug}", name,
                       lambda: FeedSelection([(site, index.of_site(site))], None))


async def _feed(request: Request, state: AppState, registry: Registry, index: CalendarIndex, scope: str, name: str,
                select: Callable[[], FeedSelection]) -> Response:
    gzipped = "gzip" in request.headers.get("accept-encoding", "")
    body = await state.calendar_feeds.body(registry, index, scope, name, select, state.settings.base_url, gzipped)
    headers = {**FEED_HEADERS, "Content-Disposition": 'inline; filename="lich.ics"'}
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=MEDIA_TYPE, headers=headers)
