"""Headers, the API documentation page and the data folder's modes (issue 11, item 12)."""

import re
import stat

import pytest

from tests.support import form_of, give_photo, post_form

EVERY_KIND = [
    "/api/sites",  # JSON
    "/api/sites/khong-co",  # a JSON error
    "/qr/dinh-thoi-an.png",  # an image
    "/qr/dinh-thoi-an.svg",
    "/photos/dinh-thoi-an/cong-480.jpg",
    "/posters/dinh-thoi-an.pdf",
    "/static/favicon.svg",
    "/static/leaflet/leaflet.js",
    "/healthz",
    "/sites/dinh-thoi-an",
    "/khong-co",
]


@pytest.mark.parametrize("path", EVERY_KIND)
def test_every_kind_of_response_says_nosniff(make_client, content_dir, path):
    give_photo(content_dir)
    response = make_client().get(path)
    assert response.status_code == (404 if "khong-co" in path else 200)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_a_page_keeps_its_own_headers(client):
    response = client.get("/sites/dinh-thoi-an")
    assert response.headers.get_list("x-content-type-options") == ["nosniff"], "set once, not twice"


def test_the_api_docs_load_nothing_from_another_host(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    addresses = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert addresses and all(address.startswith("/") and not address.startswith("//") for address in addresses)
    for address in addresses:
        assert client.get(address).status_code == 200, address
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self' 'sha256-" in policy and "http" not in policy


def test_the_api_docs_render_in_chromium_without_foreign_requests(server, browser):
    page = browser.new_page()
    requested, problems = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.goto(f"{server}/api/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    assert "/api/sites" in page.inner_text("#swagger-ui")
    assert [url for url in requested if not url.startswith(server)] == []
    assert problems == [], "no Content-Security-Policy violation, no script error"
    page.close()


def test_the_data_folder_is_readable_by_its_owner_only(staff_client, data_dir):
    data_dir.mkdir(mode=0o755)
    (data_dir / "old.json").write_text("{}")  # made before these modes
    (data_dir / "old.json").chmod(0o644)
    client = staff_client("lan")
    assert post_form(client, "/admin/sites/dinh-thoi-an",
                     {**form_of(client, "dinh-thoi-an"), "built": "Năm 1832"}).status_code == 303  # keeps history
    client.get("/photos/dinh-thoi-an/cong-480.jpg")
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    files = {path.relative_to(data_dir).as_posix(): stat.S_IMODE(path.stat().st_mode)
             for path in data_dir.rglob("*") if path.is_file()}
    assert {"visits.sqlite3", "users.json", "content.lock", "old.json"} <= set(files)
    assert any(name.startswith("history/dinh-thoi-an/") for name in files)
    assert {name: mode for name, mode in files.items() if mode != 0o600} == {}
    history = [data_dir / "history", *(data_dir / "history").rglob("*")]
    assert {stat.S_IMODE(path.stat().st_mode) for path in history if path.is_dir()} == {0o700}
