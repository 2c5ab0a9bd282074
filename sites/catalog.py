"""The live view of a content folder: the current registry and errors, reloaded when files change."""

import logging
import os
import threading
from pathlib import Path

from sites.journey_loader import load_all
from sites.journeys import JourneyRegistry
from sites.loader import ContentError, ParsedFiles
from sites.models import JOURNEYS_FOLDER
from sites.registry import Registry

log = logging.getLogger(__name__)


class Catalog:
    """Holds the sites and journeys of `content_dir` and reloads them when a file there is added, removed or edited."""

    def __init__(self, content_dir: Path):
        self.content_dir = content_dir
        self.registry = Registry([])
        self.journeys = JourneyRegistry([])
        self.errors: list[ContentError] = []
        self._fingerprint: tuple = ()
        self._parsed = ParsedFiles()
        self._lock = threading.Lock()  # the watcher and an admin save may reload at the same moment
        self.reload()

    def reload(self) -> None:
        """Load the folder again; on errors the valid sites are served and each error is logged."""
        with self._lock:
            fingerprint = content_fingerprint(self.content_dir)
            result = load_all(self.content_dir, self._parsed)
            self.registry, self.journeys, self.errors = result.registry, result.journeys, result.errors
            self._fingerprint = fingerprint
        for error in self.errors:
            log.error("content error: %s", error)
        log.info("loaded %d sites and %d journeys from %s (%d errors)", len(self.registry), len(self.journeys),
                 self.content_dir, len(self.errors))

    def reload_if_changed(self) -> bool:
        """Reload when the folder's files changed since the last load; True if it reloaded."""
        if content_fingerprint(self.content_dir) == self._fingerprint:
            return False
        self.reload()
        return True


def content_fingerprint(content_dir: Path) -> tuple:
    """Names, sizes and modification times of every site and journey folder and file: change with content."""
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
    return [(name, entry.name, (stat := entry.stat()).st_size, stat.st_mtime_ns) for entry in os.scandir(path)]
