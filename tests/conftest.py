"""Fixtures: apps built by the factory on a temporary copy of tests/content/ and a temporary data folder; and the
markers of tests that need more than Python (see README, Test): `browser` for Chromium, `postgres` for a
PostgreSQL cluster, `live` for a real `diachido serve`, `slow` for more than about a second
(the quick run leaves all four out, README)."""

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from playwright.sync_api import Browser, sync_playwright

from api.app import create_app
from sites.settings import Settings
from sites.staff.accounts import UserStore
from sites.stores import user_store
from tests import live
from tests.postgres import Cluster, binaries, postgres_cluster
from tests.support import BASE_URL, CHROMIUM_ARGS, STAFF, STAFF_PASSWORD, TEST_CONTENT, login

# A test that uses one of these fixtures gets the marker, before the run: `-m "not browser"` deselects it.
MARKER_OF_FIXTURE = {"browser": "browser", "postgres": "postgres", "server": "live"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the fixtures it uses, and the PostgreSQL run of a test on both back ends (tests that
    start a server themselves are marked `live` in their module)."""
    for item in items:
        for fixture in set(getattr(item, "fixturenames", ())) & MARKER_OF_FIXTURE.keys():
            item.add_marker(MARKER_OF_FIXTURE[fixture])
        callspec = getattr(item, "callspec", None)
        if callspec and callspec.params.get("backend") == "postgresql":
            item.add_marker("postgres")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before the test's fixtures start: tests/live.py refuses to start a server for a test not marked `live`,
    so a forgotten marker fails at once instead of slowing the quick run."""
    live.marked_live = item.get_closest_marker("live") is not None


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A private copy of the tests' content (tests/content/), safe to break."""
    target = tmp_path / "content"
    shutil.copytree(TEST_CONTENT, target)
    return target


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster for the whole run; outside CI a missing PostgreSQL skips, in CI it fails."""
    if binaries() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is missing in CI: .ci/run must install Debian's postgresql package")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    with postgres_cluster() as cluster:
        yield cluster


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str | None:
    """The store back end under test, as DIACHIDO_DATABASE_URL: None for SQLite in the data folder, or a new,
    empty PostgreSQL database. Tests that take it run once on each (the PostgreSQL run is marked `postgres`)."""
    return request.getfixturevalue("postgres").database() if request.param == "postgresql" else None


@pytest.fixture
def database_url(request) -> str | None:
    """The database of apps built by `make_client`: the test's `backend` if it has one, else SQLite."""
    return request.getfixturevalue("backend") if "backend" in request.fixturenames else None


@pytest.fixture
def make_client(content_dir: Path, data_dir: Path, database_url: str | None) -> Iterator[Callable[..., TestClient]]:
    """Build a client on the temporary content and data folders; keyword arguments override settings."""
    clients = []

    def make(raise_server_exceptions: bool = True, **overrides) -> TestClient:
        defaults = {"content_dir": content_dir, "data_dir": data_dir, "base_url": BASE_URL, "reload_interval": 0,
                    "database_url": database_url, "narrate_ahead": False, "calendar_ahead": False}
        settings = Settings(**{**defaults, **overrides})
        client = TestClient(create_app(settings), raise_server_exceptions=raise_server_exceptions)
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client) -> TestClient:
    return make_client()


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """The base URL of a real `diachido serve` on a copy of the tests' content, one per test module."""
    root = tmp_path_factory.mktemp("live")
    shutil.copytree(TEST_CONTENT, root / "content")
    # Narration is made when asked (narrate_ahead off): a lighter server.
    with live.live_server(root / "content", root / "data", narrate_ahead="false") as base_url:
        yield base_url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium; outside CI a missing Chromium skips, in CI (CI=true) it fails.

    Module-scoped: Playwright's sync API keeps an event loop running while it is open.
    """
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run must install Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def users(data_dir, database_url) -> UserStore:
    """The staff accounts apps of `make_client` use: users.json in the data folder, or the test's PostgreSQL."""
    return user_store(data_dir, database_url)


@pytest.fixture
def staff_client(make_client, users) -> Callable[..., TestClient]:
    """A client logged in as one of STAFF (hoa: admin; lan: editor of Cần Thơ; minh: editor of Khánh Hòa)."""
    store = users

    def make(name: str = "hoa", **overrides) -> TestClient:
        if store.get(name) is None:  # created on demand: each Argon2 hash costs about 0.14 s
            store.add(name, STAFF_PASSWORD, *STAFF[name])
        client = make_client(**overrides)
        assert login(client, name).status_code == 303
        return client

    return make
