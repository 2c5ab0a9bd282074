"""Saving a site from the admin or an import: the same files staff write by hand, never half-written.

A save builds the site's whole folder in a staging folder inside content/ (ignored by the loader: it
starts with '.'), loads it with `load_site`, the very code behind `diachido check`, and checks its
slug, code and aliases against the other sites. Only then are the files moved into place, each by an
atomic rename, after the previous version of every file it replaces or removes is copied to
DATA_DIR/history/<slug>/<time>/. A version token (a hash of the folder's files) refuses a save made
on a stale copy, so a second editor never silently overwrites the first. A lock file serialises
saves, also between the server and `diachido import`.
"""

import contextlib
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel

from sites.catalog.frontmatter import ParsedFiles
from sites.catalog.languages import SOURCE_FILE, SOURCE_LANGUAGE, content_file_name, file_language
from sites.catalog.loader import ContentError, clashing_keys, load_site
from sites.catalog.registry import Registry
from sites.catalog.site import Site
from sites.editing.fields import FieldError, InvalidFields, SiteInput
from sites.editing.serialize import content_file
from sites.storage.files import exclusive_lock, private_folder


class Entry(Protocol):
    """What a content folder is written from (a SiteInput, a JourneyInput) or over (a Site, a Journey)."""

    meta: BaseModel
    translations: Mapping[str, BaseModel]
    bodies: Mapping[str, str]


class VersionConflict(Exception):
    """The site changed on disk since the editor opened it; nothing was written."""


@dataclass(frozen=True)
class NewPhoto:
    """A cleaned photo (or re-encoded recording) to store in the site folder under `file` (named in the front
    matter)."""

    file: str
    data: bytes


def site_version(folder: Path) -> str:
    """A token that changes whenever any file of the site folder changes (names and bytes)."""
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


class ContentWriter:
    """Writes sites into `content_dir`, keeping history and a lock under `data_dir`."""

    def __init__(self, content_dir: Path, data_dir: Path):
        self.content_dir = content_dir
        self.history_dir = data_dir / "history"
        self.lock_path = data_dir / "content.lock"
        # Folders already rid of leftover staging folders: a save killed midway ends its process, so a writer
        # sweeps once, before its first save there, not on every save (a 10,000-row import listed the folder
        # 10,000 times).
        self._swept: set[Path] = set()

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the content lock: one save at a time, across processes."""
        with exclusive_lock(self.lock_path):
            yield

    def save(
        self, entry: SiteInput, registry: Registry, previous: Site | None = None, version: str | None = None,
        photos: tuple[NewPhoto, ...] = (),
    ) -> None:
        """Write `entry` as a new site (`previous` None) or over `previous`, last seen at `version`.

        Raises InvalidFields (nothing written) when the folder would not load or a key is taken, and
        VersionConflict when `previous` changed on disk since `version`.
        """
        dropped = set()  # the photos and recordings the edit removed
        if previous is not None:
            dropped = {photo.path.name for photo in previous.photos} - {photo.file for photo in entry.meta.photos}
            dropped |= {recording.path.name for recording in previous.recordings.values()} \
                - {narration.file for narration in entry.meta.narration.values()}
        self.write_folder(self.content_dir / entry.meta.slug, entry, previous, version, photos, dropped,
                          lambda staged: self._check(staged, registry, previous), previous.slug if previous else "")

    def write_folder(
        self, target: Path, entry: Entry, previous: Entry | None, version: str | None, photos: tuple[NewPhoto, ...],
        dropped: set[str], check: Callable[[Path], None], history: str,
    ) -> None:
        """The one write of a content folder (a site's or a journey's): under the lock, refuse a stale
        `version` of `previous`, stage `entry` (plus `photos`, minus the `dropped` files) next to `target`,
        `check` the staged folder (it raises InvalidFields), then move it in, keeping the replaced files
        in history under `history` (a path inside DATA_DIR/history/)."""
        with self.locked():
            if previous is not None and site_version(previous.folder) != version:
                raise VersionConflict(previous.meta.slug)
            if (previous is None or previous.folder != target) and target.exists():
                raise InvalidFields([FieldError.of("slug", "folder_exists", slug=entry.meta.slug)])
            target.parent.mkdir(exist_ok=True)
            if target.parent not in self._swept:
                for leftover in target.parent.glob(".staging-*"):  # from a save killed midway: under the lock,
                    shutil.rmtree(leftover, ignore_errors=True)     # no other save is running
                self._swept.add(target.parent)
            staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=".staging-"))
            try:
                staged = staging / entry.meta.slug
                self._stage(staged, entry, previous, photos, dropped)
                check(staged)
                if previous is None or previous.folder != target:
                    self._move_in(staged, target, previous, history)
                else:
                    self._replace_files(staged, target, history)
            finally:
                shutil.rmtree(staging, ignore_errors=True)

    def _stage(self, staged: Path, entry: Entry, previous: Entry | None, photos: tuple[NewPhoto, ...],
               dropped: set[str]) -> None:
        staged.mkdir()
        written, kept = {}, set()
        for lang, model in [(SOURCE_LANGUAGE, entry.meta), *entry.translations.items()]:
            name, body = content_file_name(lang), entry.bodies.get(lang, "")
            if previous is not None and _unchanged(previous, lang, model, body):
                kept.add(name)  # a hand-written file whose content did not change keeps its own style
            else:
                written[name] = content_file(model, body).encode()
        written.update({photo.file: photo.data for photo in photos})
        if previous is not None:
            for path in sorted(previous.folder.iterdir()):
                if path.is_file() and path.name not in written and path.name not in dropped \
                        and (path.name in kept or not _is_content_file(path.name)):
                    _link_or_copy(path, staged / path.name)
        for name, data in written.items():
            with open(staged / name, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())

    def _check(self, staged: Path, registry: Registry, previous: Site | None) -> None:
        site, errors = load_site(staged, ParsedFiles())
        if site is not None:
            owners = {key: other for other in registry.all(include_drafts=True)
                      if previous is None or other.slug != previous.slug for key in other.keys()}
            errors = clashing_keys(site, owners)
        if errors:
            raise InvalidFields([staged_field_error(error) for error in errors])

    def _move_in(self, staged: Path, target: Path, previous: Entry | None, history: str) -> None:
        """A new folder, or a renamed one: the staged folder becomes the target in one rename."""
        if previous is not None:
            self._keep_history(history, [path for path in previous.folder.iterdir() if path.is_file()])
        os.rename(staged, target)
        _fsync_folder(target.parent)
        if previous is not None:
            shutil.rmtree(previous.folder)

    def _replace_files(self, staged: Path, target: Path, history: str) -> None:
        """An edit in place: each changed file is renamed over the old one, photos first, index.md last."""
        new = {path.name: path for path in staged.iterdir()}
        changed = [name for name, path in new.items() if not _same_file(path, target / name)]
        removed = [path for path in target.iterdir() if path.is_file() and path.name not in new]
        self._keep_history(history, [target / name for name in changed if (target / name).exists()] + removed)
        for name in sorted(changed, key=lambda name: (name == SOURCE_FILE, _is_content_file(name), name)):
            os.replace(new[name], target / name)
        for path in removed:
            path.unlink()
        _fsync_folder(target)

    def _keep_history(self, name: str, paths: list[Path]) -> None:
        if not paths:
            return
        stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{time.time_ns() % 1_000_000_000:09d}"
        folder = self.history_dir / name / stamp
        for private in (self.history_dir, *reversed(folder.parents[:len(Path(name).parts)]), folder):
            private_folder(private)
        for path in paths:
            shutil.copy2(path, folder / path.name)
            (folder / path.name).chmod(0o600)  # copy2 copies the content file's 0644: history holds drafts


def _unchanged(previous: Entry, lang: str, model: BaseModel, body: str) -> bool:
    stored = previous.meta if lang == SOURCE_LANGUAGE else previous.translations.get(lang)
    return stored == model and previous.bodies.get(lang, "").strip() == body.strip()


def _is_content_file(name: str) -> bool:
    return name.startswith("index.") and name.endswith(".md")


def _same_file(new: Path, old: Path) -> bool:
    if not old.exists():
        return False
    return os.path.samefile(new, old) or new.read_bytes() == old.read_bytes()


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)  # unchanged photos: no copy of megabytes on every save
    except OSError:
        shutil.copy2(source, target)


def staged_field_error(error: ContentError) -> FieldError:
    """A loader error on a staged file, named by the flat field (`en.summary` for index.en.md)."""
    lang = file_language(Path(error.file).name)
    prefix = f"{lang}." if lang else ""
    return FieldError.from_content(error, prefix)


def _fsync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
