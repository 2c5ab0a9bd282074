"""Offline use (issue 16) in a real headless Chromium with the real service worker, against a live
`diachido serve`: save the Ô Môn journey, scan two of its plaques with no network, see the scans counted once,
on the day they were made, when the phone is online again; saved pages refreshed after a content edit; the
app installable; its scripts small; nothing of a staff session in the phone's cache storage.

Screenshots (360x740 and 1366x900) are written to $OFFLINE_SCREENSHOTS, or the test's temporary folder."""

import gzip
import io
import json
import os
import re
import shutil
import time
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.sync_api import Error as PlaywrightError, expect

from api.templating import STATIC_DIR
from tests.live import live_server
from tests.support import PHONE, PHONE_BROWSER, TEST_CONTENT, add_photo, adduser, axe_failures, edit_site, log_in

pytestmark = pytest.mark.live  # every test here starts a real `diachido serve`

JOURNEY = "/journeys/ve-nguon-o-mon"
SAVED_SITE = "/sites/tham-sat-lang-thanh-duc-1947"
# Run in every page before its scripts: `window.refreshed` resolves with the address of the first saved page the
# service worker says it saved again (its `{refreshed}` message), or with a timeout note after 60 s.
REFRESHED_JS = """window.refreshed = new Promise(function (resolve) {
  navigator.serviceWorker.addEventListener("message", function (e) {
    if (e.data.refreshed) resolve(e.data.refreshed);
  });
  setTimeout(function () { resolve("no page was saved again within 60 s"); }, 60000);
});"""
DESKTOP = {"width": 1366, "height": 900}
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
OFFLINE_SCRIPT_BUDGET = 15_000  # bytes gzipped, every script of the offline feature together
SCANS_JS = """() => new Promise((resolve, reject) => {
    const open = indexedDB.open("diachido-offline", 1);
    open.onsuccess = () => {
        const request = open.result.transaction("scans").objectStore("scans").getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
    };
    open.onerror = () => reject(open.error);
})"""
# Puts every kept scan `days` earlier: a phone that spent two days with no signal before reaching the network.
AGE_SCANS_JS = """(days) => new Promise((resolve, reject) => {
    const open = indexedDB.open("diachido-offline", 1);
    open.onsuccess = () => {
        const tx = open.result.transaction("scans", "readwrite"), store = tx.objectStore("scans");
        store.getAll().onsuccess = (e) => e.target.result.forEach(scan => {
            scan.at = new Date(Date.parse(scan.at) - days * 86400000).toISOString();
            store.put(scan);
        });
        tx.oncomplete = () => resolve(true);
        tx.onerror = () => reject(tx.error);
    };
})"""
CACHED_URLS_JS = """async () => {
    const urls = [];
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
}"""


@pytest.fixture(scope="module")
def offline_server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A live server that reloads its content every half second, with a staff account; yields (URL, content)."""
    root = tmp_path_factory.mktemp("offline-live")
    shutil.copytree(TEST_CONTENT, root / "content")
    adduser(root / "data", "hoa", "--role", "admin")
    add_photo(root / "content", "dinh-thoi-an")
    with live_server(root / "content", root / "data", reload_interval="0.5", narrate_ahead="false") as base_url:
        yield base_url, root / "content"


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("OFFLINE_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def phone_context(browser, viewport=PHONE):
    return browser.new_context(viewport=viewport, is_mobile=viewport == PHONE, has_touch=viewport == PHONE,
                               locale="vi-VN", user_agent=PHONE_BROWSER["User-Agent"])


def open_with_worker(page, url: str) -> None:
    """Open `url` and wait until the service worker controls the page."""
    assert page.goto(url).status == 200
    page.evaluate("navigator.serviceWorker.ready")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    assert page.evaluate("!!navigator.serviceWorker.controller")


def save(page, expected: str) -> None:
    """Press "Lưu để dùng khi không có mạng" once its size shows, and wait for the saved state `expected`."""
    page.wait_for_selector("#offline-save [data-action=save]:visible")
    page.click("#offline-save [data-action=save]")
    expect(page.locator(".offline-status")).to_have_text(re.compile("^" + re.escape(expected)), timeout=20_000)


def until(condition, seconds: float = 20) -> None:
    """Wait until `condition()` is true (the page's CSP forbids Playwright's in-page polling, which evaluates)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def fetch(url: str, body: dict | None = None) -> tuple[bytes, str]:
    """The body and content type of `url` (a JSON POST of `body` if given), from outside the browser."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"User-Agent": PHONE_BROWSER["User-Agent"], **({"Content-Type": "application/json"} if data else {})}
    request = urllib.request.Request(url, data, headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read(), response.headers["content-type"]


def get_json(url: str, body: dict | None = None) -> dict:
    return json.loads(fetch(url, body)[0])


def scans_of(base_url: str, slug: str) -> dict:
    return get_json(f"{base_url}/api/stats/{slug}")


def test_a_saved_journey_opens_offline_and_its_scans_are_counted_once_on_their_day(browser, offline_server, shots):
    base_url, _ = offline_server
    before = {slug: scans_of(base_url, slug) for slug in ("dinh-thoi-an", "dinh-phu-luong")}
    context = phone_context(browser)
    page = context.new_page()
    open_with_worker(page, base_url + JOURNEY)
    page.wait_for_selector("#offline-save:visible")
    size = page.text_content(".offline-status")
    assert size.startswith("5 điểm · ") and size.endswith("\u00a0MB")
    assert page.is_visible("text=Lưu để dùng khi không có mạng")
    page.screenshot(path=shots / "journey-before-saving-360.png", full_page=True)
    save(page, "Đã lưu 5/5 điểm · ")
    assert (page.is_visible("#offline-save [data-action=remove]")
            and not page.is_visible("#offline-save [data-action=save]"))
    page.screenshot(path=shots / "journey-saved-360.png", full_page=True)

    context.set_offline(True)
    page.goto(base_url + "/q/thoian")
    assert page.text_content("h1") == "Đình Thới An"
    until(lambda: page.evaluate("document.querySelector('figure img').naturalWidth") > 0)  # the saved 480 px photo
    page.goto(base_url + "/Q/PHULUONG")  # an upper-case plaque (DIACHIDO_QR_UPPERCASE)
    assert page.text_content("h1") == "Đình Phú Luông"
    page.goto(base_url + "/J/OMON")  # the journey's own QR code, on its leaflet
    assert page.text_content("h1") == "Về nguồn Ô Môn: 5 di tích"
    assert "Đã lưu 5/5 điểm" in page.text_content("#offline-save")
    page.goto(base_url + "/sites/bay-da-pi-nang-tac")  # not part of the journey: the offline page lists what is saved
    assert "Không có mạng" in page.text_content("h1") and "You are offline" in page.text_content("h1")
    assert page.get_attribute(f".saved-list a[href='{JOURNEY}']", "href") == JOURNEY
    assert page.is_visible(".saved-list a[href='/sites/dinh-thoi-an']")
    page.screenshot(path=shots / "offline-page-360.png", full_page=True)
    kept = page.evaluate(SCANS_JS)
    assert sorted(scan["code"] for scan in kept) == ["PHULUONG", "thoian"]
    page.evaluate(AGE_SCANS_JS, 2)
    kept = page.evaluate(SCANS_JS)
    day = datetime.fromisoformat(kept[0]["at"].replace("Z", "+00:00")).astimezone(VIETNAM).date().isoformat()
    assert scans_of(base_url, "dinh-thoi-an") == before["dinh-thoi-an"]  # nothing reached the server yet

    context.set_offline(False)
    page.goto(base_url + "/")  # the next page load sends them
    until(lambda: not page.evaluate(SCANS_JS))
    for slug in ("dinh-thoi-an", "dinh-phu-luong"):
        assert _scans_on(scans_of(base_url, slug), day) == _scans_on(before[slug], day) + 1
    batch = {"device": "retry-test-device-0001", "sent_at": datetime.now(VIETNAM).isoformat(),
             "scans": [{"id": scan["id"], "code": scan["code"], "at": scan["at"]} for scan in kept]}
    answer = get_json(f"{base_url}/api/late-scans", batch)
    assert [result["status"] for result in answer["results"]] == ["duplicate", "duplicate"], answer
    for slug in ("dinh-thoi-an", "dinh-phu-luong"):
        assert _scans_on(scans_of(base_url, slug), day) == _scans_on(before[slug], day) + 1
    context.close()


def _scans_on(stats: dict, day: str) -> int:
    return sum(entry["scans"] for entry in stats["days"] if entry["date"] == day)


def _edit_while_offline(base_url: str, content_dir: Path, summary: str) -> None:
    """Change the site's summary and wait until the server serves it (it reloads content every half second)."""
    edit_site(content_dir, SAVED_SITE.rsplit("/", 1)[-1], summary=summary)
    until(lambda: summary in fetch(base_url + SAVED_SITE)[0].decode())


def test_a_content_edit_refreshes_the_saved_page_when_the_phone_is_online_again(browser, offline_server):
    """As soon as the connection is back, the worker saves the changed page again and tells the open pages so:
    the test waits for that message, through both ways the worker learns it: the `online` event of an open page,
    and the first page that comes from the network after one it served offline."""
    base_url, content_dir = offline_server
    context = phone_context(browser)
    context.add_init_script(REFRESHED_JS)
    page = context.new_page()
    open_with_worker(page, base_url + SAVED_SITE)
    save(page, "Đã lưu 1/1 điểm · ")
    context.set_offline(True)
    _edit_while_offline(base_url, content_dir, "Tóm tắt mới sau khi sửa nội dung.")
    page.goto(base_url + "/q/tham-sat-lang-thanh-duc-1947")
    assert "Tóm tắt mới" not in page.text_content("main")  # offline: the page as saved
    context.set_offline(False)  # the page's `online` event
    assert page.evaluate("window.refreshed") == SAVED_SITE
    context.set_offline(True)
    page.goto(base_url + "/q/tham-sat-lang-thanh-duc-1947")
    assert "Tóm tắt mới" in page.text_content("main")

    _edit_while_offline(base_url, content_dir, "Tóm tắt thứ ba, sửa khi điện thoại tắt.")
    page.close()  # no page is open when the connection comes back: nobody sees an `online` event
    context.set_offline(False)
    page = context.new_page()
    page.goto(base_url + "/")  # the first page from the network
    assert page.evaluate("window.refreshed") == SAVED_SITE
    context.set_offline(True)
    page.goto(base_url + SAVED_SITE)
    assert "Tóm tắt thứ ba" in page.text_content("main")
    context.close()


def test_the_app_is_installable_and_its_worker_controls_the_start_url(browser, offline_server):
    base_url, _ = offline_server
    context = phone_context(browser)
    page = context.new_page()
    open_with_worker(page, base_url + "/")
    href = page.get_attribute("link[rel=manifest]", "href")
    manifest = get_json(base_url + href)
    assert manifest["name"] == "Địa chỉ đỏ" and manifest["short_name"]
    assert manifest["display"] == "standalone" and manifest["scope"] == "/" and manifest["theme_color"]
    english = get_json(f"{base_url}/manifest.webmanifest?lang=en")
    assert "Red Addresses" in english["name"]
    sizes = {}
    for icon in manifest["icons"]:
        png, content_type = fetch(base_url + icon["src"])
        assert content_type == "image/png"
        with Image.open(io.BytesIO(png)) as image:
            sizes[(icon["sizes"], icon["purpose"])] = f"{image.width}x{image.height}"
            assert icon["sizes"] == sizes[(icon["sizes"], icon["purpose"])]
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes.keys()
    start = page.evaluate("""async (url) => {
        const registration = await navigator.serviceWorker.getRegistration(url);
        return registration && registration.active && {scope: registration.scope, state: registration.active.state};
    }""", base_url + manifest["start_url"])
    assert start == {"scope": base_url + "/", "state": "activated"}
    page.goto(base_url + manifest["start_url"])
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == base_url + "/sw.js"
    context.close()


def test_the_offline_scripts_are_small_and_a_staff_session_is_never_cached(browser, offline_server):
    scripts = [STATIC_DIR / "sw.js", STATIC_DIR / "offline.js"]
    assert sum(len(gzip.compress(path.read_bytes(), compresslevel=9)) for path in scripts) < OFFLINE_SCRIPT_BUDGET
    base_url, _ = offline_server
    context = phone_context(browser)
    page = context.new_page()
    log_in(page, base_url, "hoa")
    assert context.cookies()  # the staff session cookie
    open_with_worker(page, base_url + "/sites/dinh-thoi-an")
    page.goto(base_url + "/admin")
    page.goto(base_url + "/sites/dinh-thoi-an")
    save(page, "Đã lưu 1/1 điểm · ")
    cached = page.evaluate(CACHED_URLS_JS)
    assert "/sites/dinh-thoi-an" in cached
    assert not [url for url in cached if url.startswith("/admin") or url.startswith("/api/") and "/offline/" not in url]
    context.set_offline(True)
    page.goto(base_url + "/sites/dinh-thoi-an")
    assert "/admin" not in page.content()  # the saved page is a visitor's page
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):  # the worker leaves /admin alone
        page.goto(base_url + "/admin")
    context.close()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["360", "1366"])
def test_screenshots_of_saving_and_of_the_offline_page(browser, offline_server, shots, viewport):
    base_url, _ = offline_server
    context = phone_context(browser, viewport)
    page = context.new_page()
    name = viewport["width"]
    open_with_worker(page, base_url + JOURNEY)
    page.wait_for_selector("#offline-save:visible")
    page.locator("#offline-save").screenshot(path=shots / f"save-box-before-{name}.png")
    page.screenshot(path=shots / f"journey-before-{name}.png", full_page=True)
    save(page, "Đã lưu 5/5 điểm · ")
    page.locator("#offline-save").screenshot(path=shots / f"save-box-after-{name}.png")
    page.screenshot(path=shots / f"journey-after-{name}.png", full_page=True)
    assert axe_failures(page, base_url, [JOURNEY]) == {}
    context.set_offline(True)
    assert axe_failures(page, base_url, ["/stats"]) == {}  # not saved: the offline page
    page.goto(base_url + "/stats")
    page.screenshot(path=shots / f"offline-{name}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
