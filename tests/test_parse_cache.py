"""The parse cache in the data folder: a restart reuses the front matter of files whose size and modification
time are unchanged, with the same values as a fresh parse, and parses a changed or uncached file again."""

import os
from pathlib import Path

from sites.catalog import PARSE_CACHE, Catalog
from sites.loader import load_content


def same_size_edit(index: Path, old: str, new: str) -> None:
    """Change `old` to `new` (as many bytes) and put the modification time back: the cache cannot tell."""
    assert len(old.encode()) == len(new.encode())
    stat = index.stat()
    index.write_text(index.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(index, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def test_a_restart_reuses_the_parsed_front_matter_of_unchanged_files(content_dir, data_dir):
    cache = data_dir / PARSE_CACHE
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
    (data_dir / PARSE_CACHE).write_bytes(b"not a pickle")
    catalog = Catalog(content_dir, data_dir / PARSE_CACHE)
    assert len(catalog.registry) == len(load_content(content_dir).registry) and not catalog.errors
    assert Catalog(content_dir, data_dir / PARSE_CACHE).registry.get("dinh-thoi-an")
