"""Loading many folders in worker processes (issue 27) gives what loading them in the server's process gives: the
same sites, the same site cache rows, the same errors in the same order, and no process left behind."""

import multiprocessing
import os
import pickle
import shutil
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest

import sites.catalog.loader
from sites.catalog.loader import load_content, load_folders
from sites.catalog.parallel_load import run_ahead
from sites.catalog.site_cache import SiteCache
from tests.support import TEST_CONTENT, add_site, edit_site, running

IN_PROCESS = 10**9  # a threshold never reached: every folder parsed in this process


@pytest.fixture
def mixed_content(content_dir: Path) -> Path:
    """The tests' sites plus valid copies and a folder for each kind of mistake, in between them when sorted."""
    for number in range(6):
        add_site(content_dir, f"di-tich-{number}")
    add_site(content_dir, "code-da-dung", code="thoian")  # the code of Đình Thới An
    edit_site(content_dir, "dinh-phu-luong", location={"lat": 999, "lon": 105.6})
    (content_dir / "chua-khong-ten").mkdir()  # no index.md
    broken = content_dir / "yaml-hong"
    shutil.copytree(content_dir / "dinh-thoi-an", broken)
    (broken / "index.md").write_text("---\nname: [Đình\n---\nThân bài.\n", encoding="utf-8")
    (content_dir / "linh-son-co-mieu" / "index.EN.md").write_text("---\nname: X\n---\n", encoding="utf-8")
    (content_dir / "di-tich-2" / "index.fr.md").write_bytes(b"---\nname: \xff\n---\n")  # not UTF-8
    return content_dir


def described(result) -> tuple:
    sites = [(site.folder, site.meta, site.bodies, site.translations, site.photos, site.recordings)
             for site in result.registry.all(include_drafts=True)]
    return sites, [(str(error), error.type, dict(error.ctx)) for error in result.errors]


def test_workers_load_the_same_sites_and_errors_in_the_same_order(mixed_content):
    in_process = load_content(mixed_content, parallel_from=IN_PROCESS)
    in_workers = load_content(mixed_content, parallel_from=1)
    assert described(in_workers) == described(in_process)
    assert len(in_process.registry) == 10  # the four folders with errors left out, and Đình Thới An's code taken
    assert [(Path(error.file).parent.name, error.type) for error in in_process.errors] == [
        ("content", "no_index"), ("di-tich-2", "front_matter"), ("dinh-phu-luong", "less_than_equal"),
        ("linh-son-co-mieu", "rename_translation"), ("yaml-hong", "front_matter"), ("dinh-thoi-an", "key_taken")]
    assert multiprocessing.active_children() == []


def cache_rows(cache_file: Path) -> list[tuple]:
    """Each row of the site cache file, its card and detail unpickled (a set's order differs between processes)."""
    with closing(sqlite3.connect(cache_file)) as db:
        rows = db.execute("SELECT folder, stamps, card, detail, gone FROM sites ORDER BY folder").fetchall()
    return [(folder, stamps, pickle.loads(card), pickle.loads(detail), gone)
            for folder, stamps, card, detail, gone in rows]


@pytest.mark.slow
def test_workers_fill_the_site_cache_like_the_process(mixed_content, data_dir):
    cache_file, in_process_file = data_dir / "workers.sqlite3", data_dir / "process.sqlite3"
    cache = SiteCache(mixed_content, cache_file)
    first = load_content(mixed_content, cache=cache, parallel_from=1)
    cache.save()
    in_process = SiteCache(mixed_content, in_process_file)
    load_content(mixed_content, cache=in_process, parallel_from=IN_PROCESS)
    in_process.save()
    assert cache_rows(cache_file) == cache_rows(in_process_file)
    assert len(cache_rows(cache_file)) == 11  # the ten sites served and the one whose code another site took first
    again = load_content(mixed_content, cache=SiteCache(mixed_content, cache_file), parallel_from=1)
    assert described(again) == described(first) == described(load_content(mixed_content, parallel_from=IN_PROCESS))


def test_run_ahead_loads_every_folder_in_workers_and_stops_its_processes(mixed_content):
    folders = sorted(path for path in mixed_content.iterdir() if path.name != "journeys")
    chunks = list(run_ahead(folders, load_folders, workers=2))
    assert [folder for chunk, _ in chunks for folder in chunk] == folders and len(chunks) > 2
    loads = {folder.name: load for chunk, found in chunks for folder, load in zip(chunk, found, strict=True)}
    with_errors = {"chua-khong-ten", "di-tich-2", "dinh-phu-luong", "linh-son-co-mieu", "yaml-hong"}
    assert {name for name, load in loads.items() if load.card is None} == with_errors
    assert all(pickle.loads(loads[name].card).slug == name for name in set(loads) - with_errors)
    # A folder with errors comes back as the files its worker could parse, for this process to word its errors.
    assert {Path(path).name for path, *_ in loads["dinh-phu-luong"].parsed} == {"index.md", "index.en.md"}
    assert {Path(path).name for path, *_ in loads["di-tich-2"].parsed} == {"index.md"}  # not index.fr.md
    assert multiprocessing.active_children() == []


def test_a_load_stopped_midway_leaves_no_process(mixed_content):
    folders = sorted(path for path in mixed_content.iterdir() if path.name != "journeys")
    chunks = run_ahead(folders, load_folders, workers=2)
    next(chunks)
    chunks.close()
    assert multiprocessing.active_children() == []


def load_or_die(folders: list[str]) -> list:
    """A worker's job that kills its worker at the folder di-tich-3."""
    if any(Path(folder).name == "di-tich-3" for folder in folders):
        os._exit(1)
    return load_folders(folders)


@pytest.mark.slow
def test_killed_workers_leave_the_rest_of_the_load_to_this_process(mixed_content, data_dir, monkeypatch, caplog):
    in_process = load_content(mixed_content, parallel_from=IN_PROCESS)
    monkeypatch.setattr(sites.catalog.loader, "load_folders", load_or_die)
    assert described(load_content(mixed_content, parallel_from=1)) == described(in_process)
    assert "the worker processes failed" in caplog.text
    cache = SiteCache(mixed_content, data_dir / "cache.sqlite3")
    assert described(load_content(mixed_content, cache=cache, parallel_from=1)) == described(in_process)
    assert multiprocessing.active_children() == []


KILLED_PARENT = """
import multiprocessing, sys, time
from pathlib import Path
from sites.catalog.loader import load_folders
from sites.catalog.parallel_load import run_ahead
if __name__ == "__main__":
    folders = [Path(sys.argv[1])] * 400  # the same folder, loaded 400 times: enough for the workers to be busy
    chunks = run_ahead(folders, load_folders, workers=2)
    next(chunks)
    print(*[worker.pid for worker in multiprocessing.active_children()], flush=True)
    time.sleep(60)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_workers_end_when_their_parent_is_killed(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(KILLED_PARENT)
    parent = subprocess.Popen([sys.executable, str(script), str(TEST_CONTENT / "dinh-thoi-an")],
                              stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    try:
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert len(workers) == 2 and all(running(pid) for pid in workers)
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(running(pid) for pid in workers)
