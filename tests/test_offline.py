"""The server's side of offline use (issue 16): what a phone saves of a journey or a site, the manifest, and the
pages' script policy. The service worker itself is tested in Chromium (tests/test_offline_browser.py)."""

from api.state import app_state
from tests.support import add_photo, edit_site, phone


def test_a_journey_list_names_every_stop_page_and_every_plaque_address(client):
    response = client.get("/api/offline/journeys/ve-nguon-o-mon.json")
    assert response.status_code == 200
    saved = response.json()
    assert saved["kind"] == "journey" and saved["url"] == "/journeys/ve-nguon-o-mon" and len(saved["stops"]) == 5
    assert {"/j/omon", "/J/OMON", "/j/ve-nguon-o-mon"} <= set(saved["scan_paths"])
    stop = next(stop for stop in saved["stops"] if stop["slug"] == "dinh-thoi-an")
    assert stop["url"] == "/sites/dinh-thoi-an"
    assert {"/q/thoian", "/Q/THOIAN", "/q/dinh-thoi-an", "/Q/DINH-THOI-AN"} <= set(stop["scan_paths"])
    pages = {file["url"]: file["bytes"] for file in saved["files"] if file["kind"] == "page"}
    assert pages["/sites/dinh-thoi-an"] == len(client.get("/sites/dinh-thoi-an").content)
    assert not [file for file in saved["files"] if file["url"].startswith(("/q/", "/Q/", "/admin", "/api/"))]


def test_a_site_list_has_its_photos_at_480_px(content_dir, make_client):
    add_photo(content_dir, "bay-da-pi-nang-tac")
    client = make_client()
    saved = client.get("/api/offline/sites/bay-da-pi-nang-tac.json").json()
    assert saved["kind"] == "site" and [stop["slug"] for stop in saved["stops"]] == ["bay-da-pi-nang-tac"]
    assert [file["kind"] for file in saved["files"]] == ["page", "photo"]
    photo = saved["files"][1]
    assert photo["url"] == "/photos/bay-da-pi-nang-tac/bay-da-480.jpg"
    assert len(client.get(photo["url"]).content) == photo["bytes"]



def test_the_version_changes_with_the_content_and_only_then(client, content_dir):
    url = "/api/offline/journeys/ve-nguon-o-mon.json"
    version = client.get(url).json()["version"]
    assert client.get(url).json()["version"] == version
    edit_site(content_dir, "linh-son-co-mieu", summary="Một câu tóm tắt mới.")
    app_state(client.app).catalog.reload()
    assert client.get(url).json()["version"] != version


def test_an_unknown_journey_or_site_is_a_404_naming_it(client):
    for kind in ("journeys", "sites"):
        response = client.get(f"/api/offline/{kind}/khong-co.json")
        assert response.status_code == 404 and "khong-co" in response.text


def test_saving_a_page_is_not_a_visit(client):
    """The service worker fetches what it saves with `Purpose: prefetch`: not counted as a view."""
    before = client.get("/api/stats/dinh-thoi-an").json()["total"]
    assert client.get("/sites/dinh-thoi-an", headers={**phone(7001), "Purpose": "prefetch"}).status_code == 200
    assert client.get("/api/stats/dinh-thoi-an").json()["total"] == before


def test_the_manifest_is_in_the_visitor_language_and_linked_from_every_visitor_page(client):
    assert client.get("/manifest.webmanifest").json()["name"] == "Địa chỉ đỏ"
    assert client.get("/manifest.webmanifest",
                      headers={"Accept-Language": "en"}).json()["short_name"] == "Red Addresses"
    for path in ("/", "/sites/dinh-thoi-an", "/journeys/ve-nguon-o-mon", "/stats", "/offline"):
        page = client.get(path).text
        assert '<link rel="manifest" href="/manifest.webmanifest?lang=vi">' in page, path
        assert '<script src="/static/offline.js" defer></script>' in page, path
    assert client.get("/icons/300.png").status_code == 404


def test_the_worker_is_served_from_the_root_and_never_kept_stale(client):
    response = client.get("/sw.js")
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "no-cache" and "self.addEventListener" in response.text


def test_the_offline_page_is_vietnamese_first_with_english_beside(client):
    page = client.get("/offline").text
    assert page.index("Không có mạng") < page.index("You are offline")
    assert "<!--saved-->" in page and 'name="robots" content="noindex"' in page
