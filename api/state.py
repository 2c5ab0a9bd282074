"""The application's shared services, typed: built once by `create_app`, handed to routes by `StateDep`."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, FastAPI, Request

from api.admin.staff_auth import StaffAuth
from api.caches.base_maps import BaseMapCache
from api.caches.calendar_feeds import CalendarFeeds
from api.caches.list_cache import ListCache
from api.caches.open_data import OpenDataFiles
from api.caches.page_cache import PageCache
from api.caches.print_shop import PrintShop
from api.image_worker import ImageWorker
from api.workpool import WorkPool
from sites.calendar.calendar_index import Calendars
from sites.catalog.live import Catalog
from sites.catalog.narration import NarrationLibrary
from sites.editing.writer import ContentWriter
from sites.form_guard import FormLimiter
from sites.operations.metrics import Metrics
from sites.outings.certificate_key import CertificateKey
from sites.outings.outing_guard import OutingGuard
from sites.outings.store import OutingStore
from sites.plaque_reports.store import ReportStore
from sites.settings import Settings
from sites.visits.store import VisitStore
from sites.visits.visitor_hasher import VisitorHasher


@dataclass(frozen=True)
class AppState:
    """Everything a request may need beyond itself; one instance per app."""

    settings: Settings
    catalog: Catalog
    visits: VisitStore
    visitor_hasher: VisitorHasher
    page_cache: PageCache
    passport_pages: PageCache  # site pages with a student's passport note (api/views/site_page.py)
    lists: ListCache  # rendered lists (home page, /stats, /map and its feed, JSON lists), while unchanged
    print_shop: PrintShop
    open_data: OpenDataFiles  # /api/open-data/ (issue 23)
    image_worker: ImageWorker  # every photo decode a request causes (issue 21)
    base_maps: BaseMapCache
    staff_auth: StaffAuth
    writer: ContentWriter
    reports: ReportStore
    form_limiter: FormLimiter
    narrations: NarrationLibrary
    certificate_key: CertificateKey
    outings: OutingStore
    outing_guard: OutingGuard
    imports: WorkPool  # spreadsheet imports, one at a time (api/admin/routes/imports.py)
    metrics: Metrics  # what /metrics reports (sites/operations/metrics.py)
    calendars: Calendars  # every event expanded, per content version and day (sites/calendar/)
    calendar_feeds: CalendarFeeds  # the iCalendar feeds, written in a worker process (issue 24)


def install_state(app: FastAPI, state: AppState) -> None:
    """Put `state` on `app`: the one attribute of `app.state` the app uses."""
    app.state.services = state


def app_state(app: FastAPI) -> AppState:
    """The state `install_state` put on `app` (for middleware, error handlers and tests)."""
    return app.state.services


# async: FastAPI runs a plain `def` dependency in its thread pool (see api/deps.py).
async def get_state(request: Request) -> AppState:
    return request.app.state.services


StateDep = Annotated[AppState, Depends(get_state)]
