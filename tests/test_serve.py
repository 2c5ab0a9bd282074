"""`diachido serve` as a real process: it serves the valid sites of broken content and reloads edits."""

import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from PIL import Image

from tests.live import CONSOLE_SCRIPT, live_server, server_process, start_server
from tests.support import TEST_CONTENT, edit_site

pytestmark = pytest.mark.live  # every test here starts a real `diachido serve`


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_readme_serve_command_uses_content_and_data_of_the_working_folder(tmp_path):
    """`diachido serve` with no settings, as the README runs it from a checkout."""
    shutil.copytree(TEST_CONTENT, tmp_path / "content")
    with server_process(tmp_path) as base:
        status, body = get(f"{base}/healthz")
        health = json.loads(body)
        assert health.pop("narrations_pending") >= 0  # made ahead in the background meanwhile
        assert health == {"status": "ok", "sites": 7, "content_errors": 0}
        assert "Đình Thới An" in get(f"{base}/sites/dinh-thoi-an")[1]
        assert (tmp_path / "data").is_dir()


def test_serve_creates_the_data_folder_and_survives_broken_content(content_dir, data_dir):
    edit_site(content_dir, "dinh-thoi-an", location={"lat": 999, "lon": 105.6})
    with live_server(content_dir, data_dir) as base:
        assert data_dir.is_dir()
        status, body = get(f"{base}/healthz")
        # The site's error, and the Ô Môn journey's, whose first stop no longer loads.
        health = json.loads(body)
        assert health.pop("narrations_pending") >= 0  # made ahead in the background meanwhile
        assert status == 200 and health == {"status": "ok", "sites": 6, "content_errors": 2}
        assert get(f"{base}/sites/chua-pothi-somron")[0] == 200
        assert get(f"{base}/sites/dinh-thoi-an")[0] == 404
    log = next(data_dir.parent.glob("server-*.log")).read_text()
    assert f"content error: {content_dir}/dinh-thoi-an/index.md: location.lat: " in log
    # where things are, the first account's command, then one line per request (issue 26)
    assert f"Quản trị / admin: {base}/admin" in log
    assert f"  diachido adduser admin --role admin --data-dir {data_dir}\n" in log
    assert " diachido.access: GET /sites/dinh-thoi-an 404 " in log and "ms route=/sites/{slug}\n" in log
    requests = [line for line in log.splitlines() if " diachido.access: " in line]
    assert len(requests) >= 4 and not [line for line in requests if "127.0.0.1" in line]  # no client address


def test_edits_in_content_show_without_a_restart(content_dir, data_dir):
    with live_server(content_dir, data_dir, reload_interval="0.2") as base:
        assert "Đình Thới An" in get(f"{base}/sites/dinh-thoi-an")[1]
        edit_site(content_dir, "dinh-thoi-an", name="Đình Thới An (đã sửa)")
        deadline = time.monotonic() + 10
        while "đã sửa" not in get(f"{base}/sites/dinh-thoi-an")[1]:
            assert time.monotonic() < deadline, "the edit never showed"
            time.sleep(0.1)


def wait_for(condition, what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} never happened"
        time.sleep(0.1)


def test_the_watcher_keeps_working_beside_links_and_fifos(content_dir, data_dir):
    """Emacs' dangling lock link stopped the server from starting, and a FIFO blocked reloading forever
    (issue 11, item 5): both are named content errors or ignored, and later edits still show."""
    os.symlink("hoa@may.4242:1700000000", content_dir / "dinh-thoi-an" / ".#index.md")
    with live_server(content_dir, data_dir, reload_interval="0.2") as base:
        assert json.loads(get(f"{base}/healthz")[1])["content_errors"] == 0
        (content_dir / "dinh-phu-luong" / "index.en.md").unlink()
        os.mkfifo(content_dir / "dinh-phu-luong" / "index.en.md")
        os.symlink("/nonexistent", content_dir / "chua-pothi-somron" / ".#index.md")
        wait_for(lambda: json.loads(get(f"{base}/healthz")[1])["content_errors"] == 1, "the FIFO error")
        edit_site(content_dir, "linh-son-co-mieu", name="Linh Sơn Cổ Miếu (đã sửa)")
        wait_for(lambda: "đã sửa" in get(f"{base}/sites/linh-son-co-mieu")[1], "the edit")
        assert get(f"{base}/sites/dinh-phu-luong")[0] == 200, "served in its last valid version"


def test_a_typo_in_a_published_site_keeps_its_page_and_check_still_fails(content_dir, data_dir):
    """One unclosed quote made the page and the printed QR code answer 404 (issue 11, item 6)."""
    with live_server(content_dir, data_dir, reload_interval="0.2") as base:
        index = content_dir / "dinh-thoi-an" / "index.md"
        index.write_text(index.read_text(encoding="utf-8").replace("name: Đình Thới An", 'name: "Đình Thới An'),
                         encoding="utf-8")
        wait_for(lambda: json.loads(get(f"{base}/healthz")[1])["content_errors"] == 1, "the content error")
        status, page = get(f"{base}/q/thoian")
        assert status == 200 and "Đình Thới An" in page
        check = subprocess.run([CONSOLE_SCRIPT, "check", str(content_dir)], capture_output=True, text=True,
                               timeout=60)
        assert check.returncode == 1 and f"{index}: front matter is not valid YAML" in check.stderr


def peak_rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return int(next(line for line in status if line.startswith("VmHWM")).split()[1])


def test_first_views_of_the_largest_photos_stay_within_memory(content_dir, data_dir):
    """A 13000 x 13000 PNG's first views peaked at 7.5 GB (issue 11, item 7). At the 40-megapixel cap,
    six variants asked at once (a page of photos on several phones) cost a bounded amount."""
    folder = content_dir / "dinh-thoi-an"
    image = Image.new("RGB", (6_300, 6_300), (164, 22, 26))  # 39.7 megapixels
    image.save(folder / "lon.png")
    image.save(folder / "lon2.jpg", quality=90)
    del image
    edit_site(content_dir, "dinh-thoi-an", photos=[{"file": "lon.png", "caption": "A", "credit": "B"},
                                                   {"file": "lon2.jpg", "caption": "C", "credit": "D"}])
    base, process = start_server(data_dir.parent, content_dir=str(content_dir), data_dir=str(data_dir))
    try:
        assert get(f"{base}/sites/dinh-thoi-an")[0] == 200
        idle = peak_rss_kb(process.pid)
        urls = [f"{base}/photos/dinh-thoi-an/{stem}-{width}.jpg" for stem in ("lon", "lon2")
                for width in (480, 960, 1200) for _ in range(3)]
        with ThreadPoolExecutor(len(urls)) as pool:
            assert {status for status, _ in pool.map(get_bytes, urls)} == {200}
        grown = peak_rss_kb(process.pid) - idle
    finally:
        process.terminate()
        process.wait(timeout=10)
    print(f"peak RSS: idle {idle // 1024} MB, +{grown // 1024} MB while making the variants")
    assert grown < 300 * 1024, f"making the variants took {grown // 1024} MB"


def get_bytes(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.status, response.read()
