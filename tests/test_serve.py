"""`diachido serve` as a real process: it serves the valid sites of broken content and reloads edits."""

import json
import shutil
import time
import urllib.error
import urllib.request

from tests.conftest import BUNDLED_CONTENT, edit_site
from tests.live_server import live_server, server_process


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_readme_serve_command_uses_content_and_data_of_the_working_folder(tmp_path):
    """`diachido serve` with no settings, as the README runs it from a checkout."""
    shutil.copytree(BUNDLED_CONTENT, tmp_path / "content")
    with server_process(tmp_path) as base:
        status, body = get(f"{base}/healthz")
        assert json.loads(body) == {"status": "ok", "sites": 7, "content_errors": 0}
        assert "Đình Thới An" in get(f"{base}/sites/dinh-thoi-an")[1]
        assert (tmp_path / "data").is_dir()


def test_serve_creates_the_data_folder_and_survives_broken_content(content_dir, data_dir):
    edit_site(content_dir, "dinh-thoi-an", location={"lat": 999, "lon": 105.6})
    with live_server(content_dir, data_dir) as base:
        assert data_dir.is_dir()
        status, body = get(f"{base}/healthz")
        # The site's error, and the Ô Môn journey's, whose first stop no longer loads.
        assert status == 200 and json.loads(body) == {"status": "ok", "sites": 6, "content_errors": 2}
        assert get(f"{base}/sites/chua-pothi-somron")[0] == 200
        assert get(f"{base}/sites/dinh-thoi-an")[0] == 404
    log = next(data_dir.parent.glob("server-*.log")).read_text()
    assert f"content error: {content_dir}/dinh-thoi-an/index.md: location.lat: " in log


def test_edits_in_content_show_without_a_restart(content_dir, data_dir):
    with live_server(content_dir, data_dir, reload_interval="0.2") as base:
        assert "Đình Thới An" in get(f"{base}/sites/dinh-thoi-an")[1]
        edit_site(content_dir, "dinh-thoi-an", name="Đình Thới An (đã sửa)")
        deadline = time.monotonic() + 10
        while "đã sửa" not in get(f"{base}/sites/dinh-thoi-an")[1]:
            assert time.monotonic() < deadline, "the edit never showed"
            time.sleep(0.1)
