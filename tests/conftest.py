"""Fixtures: apps built by the factory on a temporary copy of content/ and a temporary data folder."""

import io
import itertools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient
from PIL import Image
from playwright.sync_api import Browser, sync_playwright

from api import create_app
from api.settings import Settings
from sites.accounts import UserStore
from tests.live_server import live_server
from tests.postgres_server import Cluster, binaries, postgres_cluster

REPO = Path(__file__).resolve().parent.parent
BUNDLED_CONTENT = REPO / "content"
BASE_URL = "http://testserver.example"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A cheap Android phone's browser: requests with it count as visits (bots, HEAD and prefetches do not).
PHONE_BROWSER = {
    "User-Agent": "Mozilla/5.0 (Linux; Android 11; SM-A105F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.230 Mobile Safari/537.36"
}


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """A private copy of the bundled content, safe to break."""
    target = tmp_path / "content"
    shutil.copytree(BUNDLED_CONTENT, target)
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
    empty PostgreSQL database. Tests that take it run once on each."""
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
                    "database_url": database_url}
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


def phone(number: int) -> dict[str, str]:
    """The headers of phone `number`: each number is another visitor (a person counts once per site in 30 min)."""
    return {"User-Agent": PHONE_BROWSER["User-Agent"].replace("SM-A105F", f"SM-A{number}F")}


_phones = itertools.count(1000)


def visit(client: TestClient, path: str, times: int = 1) -> None:
    """Open `path` `times` times, each from another visitor's phone (a scan or a view that counts)."""
    for _ in range(times):
        assert client.get(path, headers=phone(next(_phones))).status_code == 200


def read_front_matter(index: Path) -> tuple[dict, str]:
    """The front matter and body of a content file."""
    _, front, body = index.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front), body


def write_front_matter(index: Path, front: dict, body: str) -> None:
    """Write a content file the way staff would."""
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body
    index.write_text(text, encoding="utf-8")


def edit_site(content_dir: Path, folder: str, /, **changes) -> None:
    """Change front-matter fields of the site in `folder` (None deletes a field)."""
    index = content_dir / folder / "index.md"
    front, body = read_front_matter(index)
    for key, value in changes.items():
        if value is None:
            front.pop(key, None)
        else:
            front[key] = value
    write_front_matter(index, front, body)


def add_site(content_dir: Path, folder: str, /, body: str = "## Lịch sử\n\nMột đoạn.\n", **fields) -> Path:
    """Create a minimal valid site in `content_dir/folder`; `fields` override or extend its front matter."""
    front = {
        "name": f"Di tích {folder}",
        "slug": folder,
        "code": folder.replace("-", "")[:16],
        "category": "dinh",
        "address": {"text": "Xã Thử, huyện Mẫu, tỉnh Ninh Thuận", "province": "Khánh Hòa"},
        "summary": "Một di tích để thử nghiệm.",
        **fields,
    }
    (content_dir / folder).mkdir()
    write_front_matter(content_dir / folder / "index.md", front, body)
    return content_dir / folder


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """The base URL of a real `diachido serve` on a copy of the bundled content, one per test module."""
    root = tmp_path_factory.mktemp("live")
    shutil.copytree(BUNDLED_CONTENT, root / "content")
    with live_server(root / "content", root / "data") as base_url:
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


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (hidden ones too) with its bytes: compare before and after a refused write."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def photo_bytes(size: tuple[int, int] = (40, 20), image_format: str = "JPEG", orientation: int | None = None,
                gps: bool = False) -> bytes:
    """An image as a phone writes it: optionally rotated by EXIF orientation and carrying a GPS position."""
    image = Image.new("RGB", size, (164, 22, 26))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (10.0, 7.0, 28.0), 3: "E", 4: (105.0, 37.0, 51.0)}
    out = io.BytesIO()
    image.save(out, image_format, exif=exif.tobytes())
    return out.getvalue()


# A new site as staff fill in the admin form (flat field names, see sites/fields.py).
NEW_SITE = {
    "name": "Đình Mỹ Khánh",
    "category": "dinh",
    "address.text": "Xã Mỹ Khánh, huyện Phong Điền",
    "address.province": "Cần Thơ",
    "summary": "Đình làng có từ thế kỷ XIX.",
    "location.lat": "10.0",
    "location.lon": "105.7",
    "location.precision": "exact",
    "body": "## Lịch sử\n\nĐình được dựng năm 1850.",
}
STAFF_PASSWORD = "mat-khau-dai-du"
STAFF = {"hoa": ("admin", None), "lan": ("editor", "Cần Thơ"), "minh": ("editor", "Khánh Hòa")}


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of an admin page."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def login(client: TestClient, name: str, password: str = STAFF_PASSWORD):
    """Log in through the form, as a browser does; returns the response to the form's POST."""
    token = csrf_of(client.get("/admin/login").text)
    return client.post("/admin/login", data={"csrf_token": token, "name": name, "password": password},
                       follow_redirects=False)


@pytest.fixture
def staff_client(make_client, data_dir) -> Callable[..., TestClient]:
    """A client logged in as one of STAFF (hoa: admin; lan: editor of Cần Thơ; minh: editor of Khánh Hòa)."""
    store = UserStore(data_dir)

    def make(name: str = "hoa", **overrides) -> TestClient:
        if store.get(name) is None:  # created on demand: each Argon2 hash costs about 0.14 s
            store.add(name, STAFF_PASSWORD, *STAFF[name])
        client = make_client(**overrides)
        assert login(client, name).status_code == 303
        return client

    return make
