"""Validated sites kept between starts: a restart reuses each site folder whose files are unchanged.

The cache lives in the private data folder. Each entry is keyed by its folder's files' names, sizes and
modification times; the file starts with a header naming the code version (a hash of the sites package
and the pydantic and Python versions) and the content folder, checked before anything is unpickled, so
a code change or a foreign or damaged file means parsing and validating everything again. Only valid
sites are kept: a folder with errors is always loaded, and its errors reported, as without a cache.
"""

import hashlib
import logging
import os
import pickle
import sys
from pathlib import Path

import pydantic

from sites.catalog.site import Site
from sites.storage.files import write_bytes_atomically

log = logging.getLogger(__name__)
MAGIC = b"diachido-site-cache 1\n"


def code_version() -> bytes:
    """A hash of what decides how files become sites: the sites package's code (every room), pydantic's and
    Python's versions."""
    digest = hashlib.sha256(f"{pydantic.VERSION} {sys.version}".encode())
    for source in sorted(Path(__file__).parent.parent.rglob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    return digest.hexdigest().encode()


def folder_stamps(path: str) -> tuple[tuple[str, int, int], ...]:
    """(name, size, modification time) of each entry of the folder `path`, sorted; links are not followed
    and an entry removed while it is listed is left out."""
    stamps = []
    try:
        entries = list(os.scandir(path))
    except FileNotFoundError:
        return ()
    for entry in entries:
        try:
            stat = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue
        stamps.append((entry.name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(stamps))


class SiteCache:
    """Valid sites by folder name, with their folder's stamps; `cache_file` None keeps them in memory only."""

    def __init__(self, content_dir: Path, cache_file: Path | None = None) -> None:
        self._content_dir = content_dir
        self._cache_file = cache_file
        self._entries: dict[str, tuple[tuple, Site]] = {}
        self._used: set[str] = set()
        self._stamps: dict[str, list[tuple]] = {}
        self._changed = False
        if cache_file is not None:
            self._load(cache_file)

    def _header(self) -> bytes:
        return MAGIC + code_version() + b"\n" + os.fsencode(self._content_dir.resolve()) + b"\n"

    def _load(self, cache_file: Path) -> None:
        try:
            data = cache_file.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:  # unreadable: load everything, and try to write it again
            log.warning("ignoring the site cache %s: %s", cache_file, exc)
            return
        header = self._header()
        if not data.startswith(header):
            log.warning("ignoring the site cache %s: another version of the code or another content folder",
                        cache_file)
            return
        try:  # the caller pauses the garbage collector (sites/catalog/collector.py)
            entries = pickle.loads(memoryview(data)[len(header):])
            self._entries = {name: (stamps, Site(meta=meta, folder=self._content_dir / name, bodies=bodies,
                                                 translations=translations, photos=photos, recordings=recordings))
                             for name, (stamps, meta, bodies, translations, photos, recordings) in entries.items()}
        except Exception as exc:  # a damaged file: load everything again
            log.warning("ignoring the site cache %s: %s", cache_file, exc)
            self._entries = {}

    def know_stamps(self, fingerprint: tuple) -> None:
        """Take the folders' stamps from a content fingerprint just taken (sorted (folder, name, size, time)
        tuples, see sites/catalog/live.py) rather than looking at every file a second time."""
        self._stamps = {}
        for folder, *stamp in fingerprint:
            self._stamps.setdefault(folder, []).append(tuple(stamp))

    def stamps(self, folder: Path) -> tuple:
        """The stamps of `folder`'s files: from the fingerprint given to `know_stamps` (once), else looked at now."""
        known = self._stamps.pop(folder.name, None)
        return tuple(known) if known is not None else folder_stamps(str(folder))

    def get(self, name: str, stamps: tuple) -> Site | None:
        """The site cached for folder `name` if its files still have these stamps."""
        entry = self._entries.get(name)
        if entry is None or entry[0] != stamps:
            return None
        self._used.add(name)
        return entry[1]

    def put(self, name: str, stamps: tuple, site: Site) -> None:
        """Remember the valid `site` loaded from folder `name` whose files had `stamps` before reading."""
        self._entries[name] = (stamps, site)
        self._used.add(name)
        self._changed = True

    def forget_unused(self) -> None:
        """Drop the folders not given or put since the last call (removed, or with errors now)."""
        kept = {name: entry for name, entry in self._entries.items() if name in self._used}
        self._changed = self._changed or len(kept) != len(self._entries)
        self._entries, self._used = kept, set()

    def save(self) -> None:
        """Write the entries to `cache_file` (atomically) if any was added or dropped since the last save.
        The site's derived values (folder, search text) are left out and remade on loading."""
        if self._cache_file is None or not self._changed:
            return
        entries = {name: (stamps, site.meta, site.bodies, site.translations, site.photos, site.recordings)
                   for name, (stamps, site) in self._entries.items()}
        self._cache_file.parent.mkdir(parents=True, exist_ok=True)
        write_bytes_atomically(self._cache_file, self._header() + pickle.dumps(entries, protocol=5))
        self._changed = False
