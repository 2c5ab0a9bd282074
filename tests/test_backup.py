"""`diachido backup` while a server takes scans, `diachido restore` into empty folders: the same counts, accounts
and history, on both back ends; a restore never writes over anything."""

import itertools
import json
import os
import shutil
import subprocess
import tarfile
import threading
import urllib.request
from pathlib import Path

import pytest

from sites.catalog.live import SITE_CACHE
from sites.catalog.loader import load_content
from sites.editing.fields import parse_fields, site_fields
from sites.editing.writer import ContentWriter, site_version
from sites.staff.accounts import User
from sites.stores import user_store
from tests.live import CONSOLE_SCRIPT, server_process, start_server
from tests.support import STAFF, STAFF_PASSWORD, TEST_CONTENT, phone, snapshot

pytestmark = pytest.mark.live  # every test here starts a real `diachido serve`


def diachido(*args: str, **settings: str | None) -> subprocess.CompletedProcess:
    """Run the `diachido` command with only the given DIACHIDO_* settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DIACHIDO_")}
    env.update({f"DIACHIDO_{key.upper()}": value for key, value in settings.items() if value})
    return subprocess.run([CONSOLE_SCRIPT, *args], env=env, capture_output=True, text=True, timeout=120)


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


def counts(base_url: str) -> dict:
    """/api/stats without the page addresses (each server has its own port)."""
    stats = get_json(f"{base_url}/api/stats")
    return {"total": stats["total"], "sites": [{**row, "url": None} for row in stats["sites"]]}


def scan_until(base_url: str, stop: threading.Event, answered: list[int], first: int) -> None:
    for number in itertools.count(first):
        if stop.is_set():
            return
        request = urllib.request.Request(f"{base_url}/q/thoian", headers=phone(number))
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
            answered.append(response.status)


def deployment(root: Path, database_url: str | None) -> dict[str, str]:
    """A content copy with one admin edit (so history/ has a file), one account, and its settings."""
    content, data = root / "content", root / "data"
    shutil.copytree(TEST_CONTENT, content)
    user_store(data, database_url).add("hoa", STAFF_PASSWORD, *STAFF["hoa"])  # users.json, or PostgreSQL
    site = load_content(content).registry.get("dinh-thoi-an")
    ContentWriter(content, data).save(parse_fields({**site_fields(site), "name": "Đình Thới An (sửa)"}),
                                      load_content(content).registry, previous=site, version=site_version(site.folder))
    return {"content_dir": str(content), "data_dir": str(data), "counted_per_address": "1000000",
            "database_url": database_url}


def test_a_backup_taken_during_scans_restores_the_same_counts_accounts_and_history(backend, request, tmp_path):
    live = deployment(tmp_path / "live", backend)
    live_settings = {key: value for key, value in live.items() if value}
    base_url, server = start_server(tmp_path / "live", **live_settings)
    try:
        stop, answered = threading.Event(), []
        scanners = [threading.Thread(target=scan_until, args=(base_url, stop, answered, n * 10**6)) for n in range(4)]
        for scanner in scanners:
            scanner.start()
        while len(answered) < 50:
            threading.Event().wait(0.01)
        during = diachido("backup", str(tmp_path / "during.tar.gz"), **live)
        scanned_before_end = len(answered)
        stop.set()
        for scanner in scanners:
            scanner.join()
        assert during.returncode == 0, during.stderr
        assert set(answered) == {200} and scanned_before_end > 50  # the server kept answering during the backup

        after = diachido("backup", str(tmp_path / "after.tar.gz"), **live)
        assert after.returncode == 0, after.stderr
        live_stats = counts(base_url)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert live_stats["total"]["scans"] == len(answered)

    def target(name: str) -> dict[str, str | None]:
        database = request.getfixturevalue("postgres").database() if backend else None
        return {"content_dir": str(tmp_path / name / "content"), "data_dir": str(tmp_path / name / "data"),
                "database_url": database, "counted_per_address": "1000000"}

    def restored(archive: str, name: str) -> tuple[dict[str, str], subprocess.CompletedProcess]:
        settings = target(name)
        return settings, diachido("restore", str(tmp_path / archive), **settings)

    settings, done = restored("after.tar.gz", "copy")
    assert done.returncode == 0, done.stderr
    assert snapshot(tmp_path / "copy" / "content") == snapshot(tmp_path / "live" / "content")
    for kept in ("users.json", "history"):
        assert snapshot(tmp_path / "copy" / "data" / kept) == snapshot(tmp_path / "live" / "data" / kept)
    assert user_store(tmp_path / "copy" / "data", settings["database_url"]).authenticate("hoa", STAFF_PASSWORD) \
        == User("hoa", *STAFF["hoa"])
    assert snapshot(tmp_path / "copy" / "data" / "history")  # the edit's previous version is there
    assert (tmp_path / "live" / "data" / SITE_CACHE).is_file()
    assert not (tmp_path / "copy" / "data" / SITE_CACHE).exists()  # remade at start, not backed up
    with server_process(tmp_path / "copy", **{key: value for key, value in settings.items() if value}) as copy_url:
        assert counts(copy_url) == live_stats

    settings, done = restored("during.tar.gz", "during")
    assert done.returncode == 0, done.stderr
    with server_process(tmp_path / "during", **{key: value for key, value in settings.items() if value}) as copy_url:
        scans = get_json(f"{copy_url}/api/stats")["total"]["scans"]
    assert 50 <= scans <= len(answered)  # a consistent snapshot from the middle of the burst

    again = diachido("restore", str(tmp_path / "after.tar.gz"), **target("x")
                     | {"content_dir": str(tmp_path / "copy" / "content")})
    assert again.returncode == 1 and "not empty" in again.stderr and str(tmp_path / "copy" / "content") in again.stderr
    assert not (tmp_path / "x" / "data").exists()  # refused before anything was written


def test_restore_refuses_a_database_with_tables_and_a_backup_never_replaces_a_file(postgres, tmp_path):
    live = deployment(tmp_path / "live", postgres.database())
    with server_process(tmp_path / "live", **live):  # the server creates the tables
        pass
    assert diachido("backup", str(tmp_path / "b.tar.gz"), **live).returncode == 0
    again = diachido("backup", str(tmp_path / "b.tar.gz"), **live)
    assert again.returncode == 1 and "exists already" in again.stderr
    assert diachido("backup", str(tmp_path / "b.zip"), **live).returncode == 1

    target = {"content_dir": str(tmp_path / "t" / "content"), "data_dir": str(tmp_path / "t" / "data")}
    used = diachido("restore", str(tmp_path / "b.tar.gz"), **target, database_url=live["database_url"])
    assert used.returncode == 1 and "empty database" in used.stderr
    no_database = diachido("restore", str(tmp_path / "b.tar.gz"), **target)
    assert no_database.returncode == 1 and "DIACHIDO_DATABASE_URL" in no_database.stderr
    assert not (tmp_path / "t").exists()


def test_restore_refuses_a_backup_with_a_link_and_names_it(tmp_path):
    # Issue 21: a relative link from content/ to data/ stayed inside the archive, so tarfile's "data" filter let it in.
    made = tmp_path / "made"
    (made / "content" / "dinh").mkdir(parents=True)
    (made / "data").mkdir()
    (made / "data" / "users.json").write_text("{}")
    (made / "content" / "dinh" / "index.md").symlink_to("../../data/users.json")
    (made / "manifest.json").write_text(json.dumps({"format": 1, "postgresql": False}))
    with tarfile.open(tmp_path / "b.tar.gz", "w:gz") as tar:
        for name in ("manifest.json", "content", "data"):
            tar.add(made / name, arcname=name)
    target = {"content_dir": str(tmp_path / "t" / "content"), "data_dir": str(tmp_path / "t" / "data")}
    result = diachido("restore", str(tmp_path / "b.tar.gz"), **target)
    assert result.returncode == 1
    assert "'content/dinh/index.md' là một liên kết (link)" in result.stderr
    assert "'content/dinh/index.md' is a link; a backup holds only folders and files" in result.stderr
    assert not (tmp_path / "t").exists()
