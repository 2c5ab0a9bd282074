"""The site cache in the data folder (SITE_CACHE): a restart reuses the validated sites of folders whose
files' sizes and modification times are unchanged, with the same values as a fresh load, and loads a changed
folder again, with its errors; a cache of other code, another content folder or a damaged one is rebuilt. A site's
detail is read from the file when asked for, so a server holds only the cards (issue 27), and workers sharing the
file keep reading the versions they serve."""

import datetime as dt
import gc
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

import sites.catalog.loader
import sites.catalog.site_cache
from sites.calendar.calendar_index import CalendarIndex
from sites.catalog.journey_loader import load_all
from sites.catalog.live import SITE_CACHE, Catalog
from sites.catalog.loader import load_content
from sites.catalog.site_cache import GONE_SECONDS, DetailGone
from tests.support import sqlite_logs
from tests.synthetic import make_synthetic_content


def same_size_edit(index: Path, old: str, new: str) -> None:
    """Change `old` to `new` (as many bytes) and put the modification time back: the cache cannot tell."""
    assert len(old.encode()) == len(new.encode())
    stat = index.stat()
    index.write_text(index.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(index, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_a_restart_reuses_the_parsed_front_matter_of_unchanged_files(content_dir, data_dir):
    cache = data_dir / SITE_CACHE
    first = Catalog(content_dir, cache)
    assert cache.is_file()
    fresh = load_content(content_dir).registry.all()
    assert [site.meta for site in Catalog(content_dir, cache).registry.all()] == [site.meta for site in fresh]
    assert [site.meta for site in first.registry.all()] == [site.meta for site in fresh]

    index = content_dir / "dinh-thoi-an" / "index.md"
    same_size_edit(index, "name: Đình Thới An", "name: Đình Thới Xy")
    assert Catalog(content_dir, cache).registry.get("dinh-thoi-an").meta.name == "Đình Thới An"  # from the cache

    os.utime(index)  # a real edit moves the modification time
    assert Catalog(content_dir, cache).registry.get("dinh-thoi-an").meta.name == "Đình Thới Xy"


def test_a_damaged_cache_is_ignored_and_rebuilt(content_dir, data_dir):
    data_dir.mkdir()
    (data_dir / SITE_CACHE).write_bytes(b"not an SQLite file" * 300)
    catalog = Catalog(content_dir, data_dir / SITE_CACHE)
    assert len(catalog.registry) == len(load_content(content_dir).registry) and not catalog.errors
    assert Catalog(content_dir, data_dir / SITE_CACHE).registry.get("dinh-thoi-an")


def fields(catalog: Catalog) -> list[tuple]:
    """Everything a site is made of, for every site (drafts included), plus the errors and journeys."""
    sites = [(site.meta, site.folder, site.bodies, site.translations, site.photos, site.recordings)
             for site in catalog.registry.all(include_drafts=True)]
    return [sites, catalog.errors, sorted(catalog.kept), [journey.slug for journey in catalog.journeys.all()]]


@pytest.fixture
def loads(monkeypatch) -> list[Path]:
    """The folders read and validated (`load_site` called), in order."""
    folders: list[Path] = []
    real = sites.catalog.loader.load_site

    def counting(folder, parsed):
        folders.append(folder)
        return real(folder, parsed)

    monkeypatch.setattr(sites.catalog.loader, "load_site", counting)
    return folders


@pytest.mark.parametrize("synthetic", [0, 60])
def test_a_warm_start_gives_the_same_sites_as_a_cold_one_without_validating_again(
        content_dir, data_dir, tmp_path, loads, synthetic):
    content = make_synthetic_content(tmp_path, synthetic) if synthetic else content_dir
    cold = Catalog(content, data_dir / SITE_CACHE)
    folders = len(loads)
    assert len(cold.registry) >= max(synthetic, 3) and not cold.errors
    warm = Catalog(content, data_dir / SITE_CACHE)
    assert len(loads) == folders  # no folder read again
    assert fields(warm) == fields(cold)
    assert [type(site.meta.recognition.year if site.meta.recognition else None) for site in warm.registry.all()] \
        == [type(site.meta.recognition.year if site.meta.recognition else None) for site in cold.registry.all()]


def test_an_edited_file_is_validated_again_and_its_error_reported(content_dir, data_dir, loads):
    cache = data_dir / SITE_CACHE
    Catalog(content_dir, cache)
    index = content_dir / "dinh-thoi-an" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("name: Đình Thới An", "nmae: Đình Thới An"),
                     encoding="utf-8")
    loads.clear()
    catalog = Catalog(content_dir, cache)
    assert loads == [content_dir / "dinh-thoi-an"]  # only the edited folder
    assert {(error.file, error.field, error.type) for error in catalog.errors} >= {
        (str(index), "nmae", "extra_forbidden"), (str(index), "name", "missing")}
    assert catalog.errors == load_all(content_dir).errors  # as without a cache, in the same order
    assert "dinh-thoi-an" not in {site.slug for site in catalog.registry.all(include_drafts=True)}
    assert not catalog.kept  # after a restart there is no last valid version to serve

    index.write_text(index.read_text(encoding="utf-8").replace("nmae:", "name:"), encoding="utf-8")
    assert Catalog(content_dir, cache).registry.get("dinh-thoi-an").meta.name == "Đình Thới An"


def test_a_file_added_or_removed_beside_the_index_reloads_the_folder(content_dir, data_dir, loads):
    cache = data_dir / SITE_CACHE
    Catalog(content_dir, cache)
    (content_dir / "dinh-thoi-an" / "index.en.md").unlink()
    loads.clear()
    site = Catalog(content_dir, cache).registry.get("dinh-thoi-an")
    assert loads == [content_dir / "dinh-thoi-an"] and "en" not in site.translations


def test_another_code_version_or_content_folder_invalidates_the_cache(content_dir, data_dir, tmp_path, monkeypatch,
                                                                      loads):
    cache = data_dir / SITE_CACHE
    Catalog(content_dir, cache)
    folders = len(loads)
    monkeypatch.setattr(sites.catalog.site_cache, "code_version", lambda: b"another version of the code")
    Catalog(content_dir, cache)
    assert len(loads) == 2 * folders  # everything validated again, then cached for this version
    Catalog(content_dir, cache)
    assert len(loads) == 2 * folders

    moved = content_dir.rename(tmp_path / "moved")
    catalog = Catalog(moved, cache)
    assert len(loads) == 3 * folders
    assert all(site.folder.parent == moved for site in catalog.registry.all(include_drafts=True))


def test_a_truncated_cache_is_rebuilt(content_dir, data_dir, loads):
    cache = data_dir / SITE_CACHE
    cold = Catalog(content_dir, cache)
    del cold
    gc.collect()  # closes its file
    data = cache.read_bytes()
    cache.write_bytes(data[:len(data) // 3])
    for suffix in ("-wal", "-shm"):
        Path(f"{cache}{suffix}").unlink(missing_ok=True)
    folders = len(loads)
    catalog = Catalog(content_dir, cache)
    assert fields(catalog) == fields(Catalog(content_dir))
    assert len(loads) > folders


def test_a_site_s_detail_is_read_from_the_file_when_asked_for(content_dir, data_dir):
    catalog = Catalog(content_dir, data_dir / SITE_CACHE)
    site = catalog.registry.get("dinh-thoi-an")
    assert site._detail is None  # only the card is held
    assert site.card.name == "Đình Thới An" and site.localized("en").name == "Thới An Communal House"
    assert site.meta.name == "Đình Thới An" and "Thới An" in site.body_html("vi")
    assert site.meta == load_content(content_dir).registry.get("dinh-thoi-an").meta


def test_a_closed_cache_leaves_no_log_and_opens_its_file_again_when_read(content_dir, data_dir):
    catalog = Catalog(content_dir, data_dir / SITE_CACHE)
    catalog.close()
    assert not sqlite_logs(data_dir)
    catalog._sites._details.clear()
    assert catalog.registry.get("dinh-thoi-an").meta.name == "Đình Thới An"


def test_the_calendar_reads_the_sites_events_without_their_detail(content_dir, data_dir):
    catalog = Catalog(content_dir, data_dir / SITE_CACHE)
    catalog._sites._details.clear()
    today = dt.date(2026, 12, 6)
    index = CalendarIndex(catalog.registry, today)
    assert not catalog._sites._details  # no site's detail was read: only the events, from their own column
    fresh = load_content(content_dir).registry
    with_events = [site for site in fresh.all() if site.meta.events]
    assert with_events and all(catalog.registry.get(site.slug).events == site.meta.events for site in with_events)
    assert [(item.site and item.site.slug, item.event.id, item.start) for item in index.all] == [
        (item.site and item.site.slug, item.event.id, item.start) for item in CalendarIndex(fresh, today).all]


def test_workers_sharing_the_file_keep_reading_the_version_they_serve(content_dir, data_dir, monkeypatch):
    """One worker reloads an edited site; another, not reloaded yet, still reads the version it serves; the old
    version is deleted only GONE_SECONDS later, and a folder with errors keeps every version."""
    cache = data_dir / SITE_CACHE
    first, second = Catalog(content_dir, cache), Catalog(content_dir, cache)
    index = content_dir / "dinh-thoi-an" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("name: Đình Thới An", "name: Đình Thới An Mới"),
                     encoding="utf-8")
    first.reload()
    assert first.registry.get("dinh-thoi-an").meta.name == "Đình Thới An Mới"
    served = second.registry.get("dinh-thoi-an")
    second._sites._details.clear()
    assert served.meta.name == "Đình Thới An"  # read from the file, still there

    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + GONE_SECONDS + 1)
    first.reload()  # the old version, gone for longer than GONE_SECONDS, is deleted
    second._sites._details.clear()
    with pytest.raises(DetailGone):
        _ = served.meta
    with pytest.raises(DetailGone):
        _ = served.events
    second.reload()
    assert second.registry.get("dinh-thoi-an").meta.name == "Đình Thới An Mới"


def test_a_folder_with_errors_keeps_its_last_valid_version_in_the_file(content_dir, data_dir, monkeypatch):
    cache = data_dir / SITE_CACHE
    catalog = Catalog(content_dir, cache)
    index = content_dir / "dinh-thoi-an" / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace("name: Đình", "nmae: Đình"), encoding="utf-8")
    catalog.reload()
    assert "dinh-thoi-an" in catalog.kept
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 10 * GONE_SECONDS)
    catalog.reload()
    catalog._sites._details.clear()
    assert catalog.registry.get("dinh-thoi-an").meta.name == "Đình Thới An"


def test_a_removed_folder_s_rows_are_deleted_after_a_while(content_dir, data_dir, monkeypatch):
    cache = data_dir / SITE_CACHE
    catalog = Catalog(content_dir, cache)
    shutil.rmtree(content_dir / "dinh-thoi-an")
    catalog.reload()
    folders = {folder for (folder,) in sqlite3.connect(cache).execute("SELECT folder FROM sites WHERE gone IS NULL")}
    assert "dinh-thoi-an" not in folders and folders
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + GONE_SECONDS + 1)
    catalog.reload_if_changed() or catalog.reload()
    assert not sqlite3.connect(cache).execute("SELECT 1 FROM sites WHERE folder = 'dinh-thoi-an'").fetchall()


def test_the_detail_kept_in_memory_is_bounded(tmp_path, data_dir, monkeypatch):
    monkeypatch.setattr(sites.catalog.site_cache, "DETAILS_KEPT", 20)
    content = make_synthetic_content(tmp_path, 60)
    catalog = Catalog(content, data_dir / SITE_CACHE)
    assert [site.meta.slug for site in catalog.registry.all()] == [site.slug for site in catalog.registry.all()]
    assert len(catalog._sites._details) == 20


@pytest.mark.parametrize("warm", [False, True])
def test_a_start_makes_no_garbage_collection_pass_and_leaves_the_collector_on(tmp_path, data_dir, warm):
    """The objects a start makes all live on: a collection pass during it only scans them again (at 10,000
    sites, most of a start with an empty cache); afterwards they are frozen out of later passes."""
    content = make_synthetic_content(tmp_path, 300)
    if warm:
        Catalog(content, data_dir / SITE_CACHE)
    passes = []
    gc.callbacks.append(callback := lambda phase, info: passes.append(info["generation"]) if phase == "start" else None)
    try:
        catalog = Catalog(content, data_dir / SITE_CACHE)
    finally:
        gc.callbacks.remove(callback)
    assert passes == [] and len(catalog.registry) == 300
    assert gc.isenabled() and gc.get_freeze_count() > 300 * 20


def test_a_cache_damaged_inside_is_replaced(content_dir, data_dir):
    """A valid SQLite header over damaged pages: the start replaces the file rather than failing."""
    cache = data_dir / SITE_CACHE
    Catalog(content_dir, cache)
    gc.collect()
    data = bytearray(cache.read_bytes())
    data[4096:] = b"\xff" * (len(data) - 4096)  # every page after the first
    cache.write_bytes(bytes(data))
    for side in ("-wal", "-shm"):
        Path(f"{cache}{side}").unlink(missing_ok=True)
    catalog = Catalog(content_dir, cache)
    assert fields(catalog) == fields(Catalog(content_dir)) and not catalog.errors
