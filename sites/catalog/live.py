"""The live view of a content folder: the current registry and errors, reloaded when files change."""

import gc
import hashlib
import logging
import os
import pickle
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sites.catalog.collector import collector_paused
from sites.catalog.journey_loader import load_all
from sites.catalog.journeys import JourneyRegistry
from sites.catalog.loader import ContentError, ParsedFiles
from sites.catalog.markdown import render_markdown
from sites.catalog.models import JOURNEYS_FOLDER
from sites.catalog.registry import Registry
from sites.catalog.site import LONG_STORY_CHARACTERS
from sites.catalog.site_cache import SiteCache, folder_stamps

SITE_CACHE = "site-cache.sqlite3"  # in the data folder: the valid sites loaded, shared by the workers
OLD_SITE_CACHE = "parse-cache.pickle"  # what releases up to 0.2.0 kept there: the whole of every site, in memory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ContentVersion:
    """Which content is served: a digest of every file's name, size and modification time, and the latest of those
    times (the open data's date, issue 23)."""

    key: str
    modified: datetime

    @classmethod
    def of(cls, fingerprint: tuple) -> "ContentVersion":
        latest = max((stamp[-1] for stamp in fingerprint), default=0)
        return cls(hashlib.blake2b(pickle.dumps(fingerprint), digest_size=8).hexdigest(),
                   datetime.fromtimestamp(latest / 1e9, UTC).replace(microsecond=0))


class Catalog:
    """Holds the sites and journeys of `content_dir` and reloads them when a file there is added, removed or edited."""

    def __init__(self, content_dir: Path, site_cache: Path | None = None):
        self.content_dir = content_dir
        self.registry = Registry([])
        self.journeys = JourneyRegistry([])
        self.errors: list[ContentError] = []
        self.kept: dict[str, list[ContentError]] = {}  # slug -> errors of sites served in their last valid version
        self._fingerprint: tuple = ()
        self.version = ContentVersion.of(())
        self._parsed = ParsedFiles()
        self._lock = threading.Lock()  # the watcher and an admin save may reload at the same moment
        self.after_reload: Callable[[Registry], None] | None = None  # told of each new registry (narration)
        if site_cache is not None:
            (site_cache.parent / OLD_SITE_CACHE).unlink(missing_ok=True)
        with collector_paused():
            self._sites = SiteCache(content_dir, site_cache)
            self.reload()
            gc.freeze()  # the sites live as long as the process: later collections need not scan them again

    def reload(self) -> None:
        """Load the folder again; on errors the valid sites are served and each error is logged.

        A site whose folder has errors now is served as it was last loaded (`kept`); after a restart
        there is no such version, and the site is not served until its files are fixed.
        """
        with self._lock, collector_paused():
            fingerprint = content_fingerprint(self.content_dir)
            self._sites.know_stamps(fingerprint)
            result = load_all(self.content_dir, self._parsed, last_good=self.registry, cache=self._sites)
            self.registry, self.journeys = result.registry, result.journeys
            self.errors, self.kept = result.errors, result.kept
            self._fingerprint = fingerprint
            self.version = ContentVersion.of(fingerprint)
            self._sites.save()
        _render_long_bodies(self.registry)
        if self.after_reload is not None:
            self.after_reload(self.registry)
        for error in self.errors:
            log.error("content error: %s", error)
        for slug in self.kept:
            log.warning("serving the last valid version of %s until its files are fixed", slug)
        log.info("loaded %d sites and %d journeys from %s (%d errors)", len(self.registry), len(self.journeys),
                 self.content_dir, len(self.errors))

    def close(self) -> None:
        """Close the site cache's file (at shutdown); reading a site's detail later opens it again."""
        self._sites.close()

    def reload_if_changed(self) -> bool:
        """Reload when the folder's files changed since the last load; True if it reloaded."""
        if content_fingerprint(self.content_dir) == self._fingerprint:
            return False
        self.reload()
        return True


def fill_site_cache(content_dir: Path, site_cache: Path) -> None:
    """Load `content_dir` through the site cache `site_cache`, leaving in it every valid site (`serve --workers N`
    does it before starting the workers), and closing it."""
    Catalog(content_dir, site_cache).close()


def _render_long_bodies(registry: Registry) -> None:
    """Render long stories now, in the thread that reloads, so that the first visitor's request does
    not render them on the server's event loop (the HTML is kept by render_markdown's cache)."""
    for site in registry.all(include_drafts=True):
        if site.card.long_story:
            for body in site.bodies.values():
                if len(body) > LONG_STORY_CHARACTERS:
                    render_markdown(body)


def content_fingerprint(content_dir: Path) -> tuple:
    """Names, sizes and modification times of every site and journey folder and file: change with content.

    Entries are looked at themselves, links not followed: Emacs' lock `.#index.md` is a dangling link.
    A file or folder removed while it is listed is left out (the next check sees the change).
    """
    stamps = []
    for folder in sorted(os.scandir(content_dir), key=lambda entry: entry.name):
        if not folder.is_dir() or folder.name.startswith((".", "_")):
            continue
        stamps += _folder_stamps(folder.path, folder.name)
        if folder.name == JOURNEYS_FOLDER:  # one level deeper: content/journeys/<slug>/index.md
            for journey in os.scandir(folder.path):
                if journey.is_dir() and not journey.name.startswith((".", "_")):
                    stamps += _folder_stamps(journey.path, f"{folder.name}/{journey.name}")
    return tuple(sorted(stamps))


def _folder_stamps(path: str, name: str) -> list[tuple]:
    return [(name, *stamp) for stamp in folder_stamps(path)]
