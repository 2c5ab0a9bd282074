"""The application factory: `create_app(settings)` loads content/ and wires the routes."""

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api.admin.routes import (
    auth as admin_auth,
    imports as admin_imports,
    journeys as admin_journeys,
    outings as admin_outings,
    photos as admin_photos,
    plaque_reports as admin_plaque_reports,
    plates as admin_plates,
    sites as admin_sites,
    users as admin_users,
)
from api.admin.staff_auth import open_staff_auth
from api.caches.base_maps import BaseMapCache
from api.caches.calendar_feeds import AHEAD_INTERVAL, CalendarFeeds
from api.caches.list_cache import ListCache
from api.caches.open_data import OpenDataFiles
from api.caches.page_cache import PageCache
from api.caches.print_shop import PrintShop
from api.errors import install_error_handlers
from api.headers import SecurityHeaders
from api.image_worker import ImageWorker
from api.operations.readings import read_state
from api.operations.request_metrics import RequestMetrics
from api.operations.routes import metrics as metrics_route
from api.public.routes import (
    app_manifest,
    audio,
    calendar,
    certificates,
    health,
    home,
    journeys,
    late_scans,
    map as site_map,
    monthly_report,
    offline,
    open_data,
    outings,
    passports,
    photos,
    plaque_reports,
    plaques,
    posters,
    qr,
    scan,
    share_cards,
    sites,
    stats,
)
from api.public.routes.docs import install_api_docs
from api.responses import document_app_wide_answers
from api.state import AppState, install_state
from api.templating import STATIC_DIR
from api.uploads import BodySizeLimit
from api.workpool import WorkPool, low_priority_threads
from map.assets import SERVED_PACKAGES
from sites.calendar import clock
from sites.calendar.calendar_index import Calendars
from sites.catalog.live import SITE_CACHE, Catalog
from sites.catalog.narration import NarrationLibrary, queue_narrations
from sites.editing.writer import ContentWriter
from sites.form_guard import FormLimiter
from sites.operations.metrics import Metrics
from sites.operations.version import VERSION
from sites.outings.outing_guard import OutingGuard
from sites.outings.store import OutingStore
from sites.settings import Settings
from sites.storage.files import make_private, private_folder
from sites.stores import open_stores

log = logging.getLogger(__name__)
PASSPORT_PAGES = 256  # site pages with a passport note kept rendered: stops x languages x outcomes
IMPORT_QUEUE = 2  # spreadsheet imports waiting behind the one running; more are answered 503
PURGE_INTERVAL = 86_400  # seconds between deletions of class outings past their retention

def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app on `settings` (default: from DIACHIDO_* environment variables).

    The content folder is loaded now; its errors are logged and counted in /healthz, and the valid
    sites are served. The data folder and the visit database in it are created if they do not exist.
    """
    settings = settings or Settings()
    private_folder(settings.data_dir)
    catalog = Catalog(settings.content_dir, settings.data_dir / SITE_CACHE)
    database_url = settings.database_url.get_secret_value() if settings.database_url else None
    stores = open_stores(settings.data_dir, database_url, settings.counted_per_address)
    visits = stores.visits
    print_shop = PrintShop()
    open_data_files = OpenDataFiles()
    imports = WorkPool("spreadsheet imports", functools.partial(low_priority_threads, name="import"), 1, IMPORT_QUEUE)
    image_worker = ImageWorker()
    narrations = NarrationLibrary(settings.data_dir)
    state: AppState | None = None  # read at each scrape, once the state is built
    metrics = Metrics(lambda: read_state(state))
    visits.observe_commit = metrics.observe_commit
    calendar_feeds = CalendarFeeds()
    calendars = Calendars()
    base_maps = BaseMapCache()
    if settings.narrate_ahead:  # a reload runs in a thread, never on the event loop
        catalog.after_reload = functools.partial(queue_narrations, narrations)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        watcher = None
        if settings.reload_interval:
            watcher = asyncio.create_task(_watch_content(catalog, settings.reload_interval))
        # at startup, then daily; in the background: an unreachable database must not hold the start up
        purger = asyncio.create_task(_purge_outings(stores.outings, timedelta(days=settings.outing_retention_days)))
        if settings.narrate_ahead:
            queue_narrations(narrations, catalog.registry)
        calendar = asyncio.create_task(_write_calendar_ahead(catalog, calendars, calendar_feeds, settings.base_url)) \
            if settings.calendar_ahead else None
        yield
        for task in (watcher, purger, calendar):
            if task:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        # Every worker thread and process is stopped and joined here, none left to interpreter finalisation.
        await asyncio.to_thread(narrations.close)  # the synthesis under way stops within half a second of audio
        for pool in (print_shop, open_data_files, imports, image_worker, calendar_feeds, base_maps):
            await asyncio.to_thread(pool.close)
        await stores.close()
        catalog.close()

    app = FastAPI(
        title="Địa chỉ đỏ",
        summary="QR-coded digital heritage maps: sites, pages and open data",
        version=VERSION,
        docs_url=None,  # install_api_docs: Swagger UI from a package, not from a CDN
        redoc_url=None,
        lifespan=lifespan,
    )
    # Pages shrink to about a third over slow rural connections.
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(BodySizeLimit)
    if settings.trusted_proxies:  # outermost: throttling and counting see the visitor, not the proxy
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.add_middleware(SecurityHeaders)  # every answer of the app gets nosniff
    app.add_middleware(RequestMetrics, metrics=metrics)  # added last: outermost, so it times and logs every answer
    staff_auth = open_staff_auth(settings, stores)
    state = AppState(
        settings=settings,
        catalog=catalog,
        visits=visits,
        visitor_hasher=stores.hasher,
        page_cache=PageCache(),
        passport_pages=PageCache(PASSPORT_PAGES),
        lists=ListCache(),
        print_shop=print_shop,
        open_data=open_data_files,
        image_worker=image_worker,
        base_maps=base_maps,
        staff_auth=staff_auth,
        writer=ContentWriter(settings.content_dir, settings.data_dir),
        reports=stores.reports,
        form_limiter=FormLimiter(staff_auth.secret),
        narrations=narrations,
        certificate_key=stores.certificate_key,
        outings=stores.outings,
        outing_guard=OutingGuard(staff_auth.secret),
        imports=imports,
        calendars=calendars,
        calendar_feeds=calendar_feeds,
        metrics=metrics,
    )
    install_state(app, state)
    make_private(settings.data_dir)  # 0700/0600 for what was just made (SQLite's files follow the database's mode)
    # Routes are matched in order: the plaque's scan first (the hottest path), then /healthz (polled by monitors and
    # load balancers; each route tried before it costs a few µs), audio before journeys (its
    # /journeys/{slug}.m3u must win over the journey page's /journeys/{slug}), calendar before sites (its
    # /sites/{slug}.ics must win over the site page's /sites/{slug}), files and docs last.
    for routes in (scan, health, audio, calendar, home, sites, share_cards, photos, qr, posters, plaques, stats,
                   open_data, monthly_report, site_map, journeys, plaque_reports, outings, certificates, passports,
                   late_scans, offline, app_manifest, admin_auth, admin_sites, admin_photos, admin_imports,
                   admin_plaque_reports, admin_users, admin_journeys, admin_outings, admin_plates, metrics_route):
        app.include_router(routes.router)
    for path, folder in SERVED_PACKAGES.items():  # Leaflet and its plugins, from PyPI; mounted before /static
        app.mount(path, StaticFiles(directory=folder), name=path.rsplit("/", 1)[-1])
    install_api_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    document_app_wide_answers(app)
    install_error_handlers(app)
    return app


async def _watch_content(catalog: Catalog, interval: float) -> None:
    """Reload the catalog whenever content/ changes, so staff edits show without a restart."""
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(catalog.reload_if_changed)
        except Exception:
            log.exception("reloading %s failed; still serving the previous content", catalog.content_dir)


async def _write_calendar_ahead(catalog: Catalog, calendars: Calendars, feeds: CalendarFeeds, base_url: str) -> None:
    """Write the whole calendar feed at startup, then whenever the content or the month changes: only the sites
    not written yet, in the feeds' low-priority process, so a subscriber never waits for 10,000 sites' events.
    The day's calendar index is made here too, within AHEAD_INTERVAL of midnight."""
    written = None
    while True:
        registry, today = catalog.registry, clock.today()
        try:  # the day's index too, so the home page's first visitor of the day does not make it
            index = await asyncio.to_thread(calendars.index, registry, today)
            if written is None or written[0] is not registry or written[1] != index.first:
                await feeds.write_ahead(registry, index, base_url)
                written = (registry, index.first)
        except Exception:
            log.exception("writing the calendar feed ahead failed; trying again later")
        await asyncio.sleep(AHEAD_INTERVAL)


async def _purge_outings(outings: OutingStore, retention: timedelta) -> None:
    """Delete the class outings that ended more than `retention` ago, now and then daily."""
    while True:
        try:
            purged = await asyncio.to_thread(outings.purge, datetime.now(UTC), retention)
            if purged:
                log.info("deleted %d class outing(s) past their retention", purged)
        except Exception:
            log.exception("deleting old class outings failed; trying again tomorrow")
        await asyncio.sleep(PURGE_INTERVAL)
