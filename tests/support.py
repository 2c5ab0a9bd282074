"""What the tests share that is not a fixture: example data, request helpers, content editing, PDF and
page readers. A plain module (no tests in it), so test modules import it and never each other."""

import contextlib
import http.client
import io
import itertools
import re
import signal
import sqlite3
import subprocess
import tarfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import psycopg
import pypdf
import pypdfium2 as pdfium
import soundfile
import yaml
from axe_playwright_python.sync_playwright import Axe
from fastapi.testclient import TestClient
from PIL import Image

from speech.audio import encode_mp3
from speech.espeak import synthesize
from tests.live import CHROMIUM_ARGS, CONSOLE_SCRIPT, PHONE_BROWSER  # noqa: F401 (the tests' names too)


class FormFields(HTMLParser):
    """What a browser would submit from a page's site form (the page's POST form, not the plate preview's GET form):
    inputs, checked boxes, textareas, selects."""

    def __init__(self, html: str):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._textarea = self._select = None
        self._posting = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "form":
            self._posting = attrs.get("method", "get").lower() == "post"
        elif not self._posting:
            return
        elif tag == "input" and name and name != "csrf_token" and attrs.get("type") != "file":
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.fields[name] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and (self._select not in self.fields or "selected" in attrs):
            self.fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._posting = False
        if tag in ("textarea", "select"):
            self._textarea = self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


DPI = 200


AXE_RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}}


REPO = Path(__file__).resolve().parent.parent


# The sites every test starts from: a committed copy of content/ as shipped, so that editing content/ in a
# checkout (by hand or in the admin) never changes what the tests see. tests/test_fixture_content.py checks it.
TEST_CONTENT = Path(__file__).resolve().parent / "content"


def shipped_content(target: Path) -> Path:
    """content/ as committed (git archive HEAD), extracted under `target`: the sites as shipped, whatever was
    changed by hand in the working folder since. Only for checks that hold whatever sites it has (no counts)."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "HEAD", "content"], capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as shipped:
        shipped.extractall(target, filter="data")
    return target / "content"


BASE_URL = "http://testserver.example"






def running(pid: int) -> bool:
    """True while process `pid` runs (a zombie waiting for its parent to read its status has finished)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def sqlite_logs(folder: Path) -> list[str]:
    """The SQLite logs (-wal) and shared-memory files (-shm) in `folder`: none once every file there is closed."""
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(("-wal", "-shm")))


def phone(number: int) -> dict[str, str]:
    """The headers of phone `number`: each number is another visitor (a person counts once per site in 30 min)."""
    return {"User-Agent": PHONE_BROWSER["User-Agent"].replace("SM-A105F", f"SM-A{number}F")}


def returning_phone(number: int) -> dict[str, str]:
    """Phone `number` sending the visitor cookie an earlier scan gave it (api/public/visitor_cookie.py), for requests
    that share no cookie jar: several clients or processes, one phone."""
    return {**phone(number), "Cookie": f"visitor=phone{number:017d}"}


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


# A new site as staff fill in the admin form (flat field names, see sites/editing/fields.py).
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


def login_from(source: str, port: int, name: str, password: str) -> int:
    """Open a live server's login form and post it from the loopback address `source`; the status of the post."""
    connection = http.client.HTTPConnection("127.0.0.1", port, source_address=(source, 0), timeout=30)
    connection.request("GET", "/admin/login")
    response = connection.getresponse()
    token, cookie = csrf_of(response.read().decode()), response.getheader("set-cookie").split(";")[0]
    form = urlencode({"csrf_token": token, "name": name, "password": password})
    connection.request("POST", "/admin/login", body=form,
                       headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    return response.status


class PageParser(HTMLParser):
    """Collects the tags of a page with their attributes, and its visible text."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)

    def find(self, tag: str, **attrs) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def meta(self, prop: str) -> str | None:
        found = self.find("meta", property=prop) or self.find("meta", name=prop)
        return found[0]["content"] if found else None


def post_form(client, path: str, fields: dict, files: dict | None = None, page: str | None = None):
    """Submit the form of `page` (default `path`) as a browser would, with its CSRF token."""
    token = csrf_of(client.get(page or path).text)
    return client.post(path, data={"csrf_token": token, **fields}, files=files, follow_redirects=False)


def form_of(client, slug: str) -> dict[str, str]:
    """The fields of a site's edit form as the browser would send them back unchanged."""
    return FormFields(client.get(f"/admin/sites/{slug}").text).fields


def give_photo(content_dir, slug: str = "dinh-thoi-an", **changes) -> None:
    """Put a photo `cong.jpg` in the site's folder and front matter (plus other front-matter `changes`)."""
    (content_dir / slug / "cong.jpg").write_bytes(photo_bytes((800, 600)))
    edit_site(content_dir, slug, photos=[{"file": "cong.jpg", "caption": "Cổng", "credit": "Đoàn phường"}], **changes)


def one_line(text: str) -> str:
    """`text` with every run of whitespace (line breaks of wrapped text) as one space."""
    return " ".join(text.split())


def page_image(data: bytes, index: int = 0) -> Image.Image:
    """Page `index` of the PDF rendered at DPI, grey-scale."""
    return pdfium.PdfDocument(data)[index].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")


def page_text(data: bytes, index: int = 0) -> str:
    return pdfium.PdfDocument(data)[index].get_textpage().get_text_range()


def fonts(data: bytes) -> dict[str, int]:
    """Every font the pages use, with the size in bytes of its embedded font program (0: not embedded)."""
    found = {}
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant.get("/FontDescriptor", {})
            programs = [descriptor[key].get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
                        if key in descriptor]
            found[str(font["/BaseFont"]).lstrip("/")] = len(programs[0].get_data()) if programs else 0
    return found


PHONE = {"width": 360, "height": 740}


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def axe_failures(page, base_url: str, paths: list[str]) -> dict[str, list]:
    """The axe-core violations of each page (rule and first elements), for the pages that have any."""
    failures = {}
    for path in paths:
        page.goto(f"{base_url}{path}")
        violations = Axe().run(page, options=AXE_RULES).response["violations"]
        if violations:
            failures[path] = [(v["id"], [node["target"] for node in v["nodes"]][:3]) for v in violations]
    return failures


MAPPED = {"bay-da-pi-nang-tac", "chua-cam-thien-dai-de", "chua-pothi-somron", "dinh-phu-luong", "dinh-thoi-an",
          "linh-son-co-mieu"}


UNMAPPED = "tham-sat-lang-thanh-duc-1947"


def adduser(data_dir: Path, name: str, *options: str) -> None:
    """Create an account the way the README says: `diachido adduser NAME --password-stdin`."""
    result = subprocess.run([CONSOLE_SCRIPT, "adduser", name, *options, "--password-stdin", "--data-dir", data_dir],
                            input=STAFF_PASSWORD + "\n", capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def log_in(page, base_url: str, name: str) -> None:
    """Log in through the admin's form in a browser `page`, landing on the site list."""
    page.goto(f"{base_url}/admin")
    assert page.url.startswith(f"{base_url}/admin/login?next=")
    page.fill("#f-name", name)
    page.fill("#f-password", STAFF_PASSWORD)
    page.get_by_role("button", name="Đăng nhập / Log in").click()
    page.wait_for_url(f"{base_url}/admin")


def speech_mp3(text: str = "Đình Thới An là đình làng ở Ô Môn. " * 4) -> bytes:
    """A few seconds of real Vietnamese speech as MP3."""
    return encode_mp3(*synthesize(text, "vi")).data


def silent_mp3(seconds: int) -> bytes:
    """An MP3 of `seconds` of silence at 8 kbit/s: one silent frame repeated (7 MB for two hours)."""
    out = io.BytesIO()
    soundfile.write(out, np.zeros(8000 * 2, dtype=np.int16), 8000, format="MP3", compression_level=0.99,
                    bitrate_mode="CONSTANT")
    data = out.getvalue()
    starts = [i for i in range(len(data) - 1) if data[i] == 0xFF and data[i + 1] & 0xE0 == 0xE0][:4]
    frame = data[starts[2]:starts[3]]
    return frame * (seconds * 8000 // 576)


def add_photo(content_dir: Path, slug: str) -> None:
    """A 2000 px photo `bay-da.jpg` on the site `slug` (its 480 px variant is what a phone saves for offline use)."""
    Image.new("RGB", (2000, 1500), "red").save(content_dir / slug / "bay-da.jpg")
    edit_site(content_dir, slug, photos=[{"file": "bay-da.jpg", "caption": "Bẫy đá", "credit": "Đoàn xã"}])


def scripts(html: str) -> list[str]:
    """The page's script tags that run (not JSON-LD data): a visitor page has only the deferred offline script
    (issue 16), which adds to a page that works without it."""
    return [tag for tag in re.findall(r"<script\b[^>]*>", html) if "application/ld+json" not in tag]


OFFLINE_SCRIPT_ONLY = ['<script src="/static/offline.js" defer>']


def stored_total(backend: str | None, data_dir: Path, column: str) -> int:
    """Đình Thới An's all-time `column` (`scans`, `late_scans`...), read from the visit store itself: PostgreSQL
    at `backend`, else the SQLite file in `data_dir`."""
    query = f"SELECT {column} FROM site_totals WHERE slug = 'dinh-thoi-an'"
    if backend:
        with psycopg.connect(backend) as connection:
            return connection.execute(query).fetchone()[0]
    with contextlib.closing(sqlite3.connect(data_dir / "visits.sqlite3")) as connection:
        return connection.execute(query).fetchone()[0]


def kill_mid_burst(process, clients: list[threading.Thread], acknowledged: list, stop: threading.Event,
                   at_least: int, timeout: float = 60) -> None:
    """Start `clients` (threads sending to the server `process` and appending what it acknowledged), kill the
    server with SIGKILL once `acknowledged` holds `at_least` answers (or after `timeout` seconds), then stop
    the clients and wait for them."""
    for client in clients:
        client.start()
    deadline = time.monotonic() + timeout
    while len(acknowledged) < at_least and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    stop.set()
    for client in clients:
        client.join()
