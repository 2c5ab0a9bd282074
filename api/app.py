"""The application factory: `create_app(settings)` loads content/ and wires the routes."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from api import admin_auth, admin_import, admin_sites, json_api, map_pages, pages, posters, qr_codes, stats
from api.api_docs import install_api_docs
from api.errors import install_error_handlers
from api.headers import SecurityHeaders
from api.map_pages import BaseMapCache
from api.page_cache import PageCache
from api.printing import PrintShop
from api.settings import Settings
from api.templating import STATIC_DIR
from api.uploads import BodySizeLimit
from map.assets import SERVED_PACKAGES
from sites.accounts import UserStore, session_secret
from sites.catalog import Catalog
from sites.files import make_private, private_folder
from sites.sessions import Sessions
from sites.stores import Stores, open_stores
from sites.throttle import LoginThrottle
from sites.visits import VisitStoreUnavailable
from sites.writer import ContentWriter

log = logging.getLogger(__name__)

def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app on `settings` (default: from DIACHIDO_* environment variables).

    The content folder is loaded now; its errors are logged and counted in /healthz, and the valid
    sites are served. The data folder and the visit database in it are created if they do not exist.
    """
    settings = settings or Settings()
    private_folder(settings.data_dir)
    catalog = Catalog(settings.content_dir)
    database_url = settings.database_url.get_secret_value() if settings.database_url else None
    stores = open_stores(settings.data_dir, database_url, settings.counted_per_address)
    visits = stores.visits
    print_shop = PrintShop()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        watcher = None
        if settings.reload_interval:
            watcher = asyncio.create_task(_watch_content(catalog, settings.reload_interval))
        yield
        if watcher:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        await stores.close()
        print_shop.close()

    app = FastAPI(
        title="Địa chỉ đỏ",
        summary="QR-coded digital heritage maps: sites, pages and open data",
        version="0.1.0",
        docs_url=None,  # install_api_docs: Swagger UI from a package, not from a CDN
        redoc_url=None,
        lifespan=lifespan,
    )
    # Pages shrink to about a third over slow rural connections.
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(BodySizeLimit)
    if settings.trusted_proxies:  # outermost: throttling and counting see the visitor, not the proxy
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)
    app.add_middleware(SecurityHeaders)  # added last: outermost, so every response gets nosniff
    app.state.settings = settings
    app.state.catalog = catalog
    app.state.visits = visits
    app.state.page_cache = PageCache()
    app.state.print_shop = print_shop
    app.state.base_maps = BaseMapCache()
    app.state.visitor_hasher = stores.hasher
    app.state.staff_auth = _staff_auth(settings, stores)
    app.state.writer = ContentWriter(settings.content_dir, settings.data_dir)
    make_private(settings.data_dir)  # 0700/0600 for what was just made (SQLite's files follow the database's mode)
    for path, folder in SERVED_PACKAGES.items():  # Leaflet and its plugins, from PyPI; mounted before /static
        app.mount(path, StaticFiles(directory=folder), name=path.rsplit("/", 1)[-1])
    install_api_docs(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(pages.router)
    app.include_router(json_api.router)
    app.include_router(qr_codes.router)
    app.include_router(posters.router)
    app.include_router(stats.router)
    app.include_router(map_pages.router)
    app.include_router(admin_auth.router)
    app.include_router(admin_sites.router)
    app.include_router(admin_import.router)
    install_error_handlers(app)
    app.add_exception_handler(VisitStoreUnavailable, stats.store_unavailable)
    return app


def _staff_auth(settings: Settings, stores: Stores) -> admin_auth.StaffAuth:
    """Accounts (in the data folder), sessions and the login throttle (in `stores`)."""
    secret = settings.secret_key.get_secret_value() if settings.secret_key else session_secret(settings.data_dir)
    sessions = Sessions(stores.sessions)
    throttle = LoginThrottle(stores.throttle, secret)
    return admin_auth.StaffAuth(UserStore(settings.data_dir, sessions), sessions, throttle,
                                admin_auth.PasswordCheckSlots(), secret)


async def _watch_content(catalog: Catalog, interval: float) -> None:
    """Reload the catalog whenever content/ changes, so staff edits show without a restart."""
    while True:
        await asyncio.sleep(interval)
        try:
            await asyncio.to_thread(catalog.reload_if_changed)
        except Exception:
            log.exception("reloading %s failed; still serving the previous content", catalog.content_dir)
