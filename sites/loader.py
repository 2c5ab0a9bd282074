"""Load content/ into a Registry, strictly: every problem is reported, with its file and field.

Like mkdocs' config loading, the loader does not stop at the first problem: it checks every folder
and returns all errors at once, together with a registry of the sites that are valid.
"""

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import yaml
from frontmatter.default_handlers import YAMLHandler
from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ValidationError

from sites.models import PATTERN_HINTS, SLUG_PATTERN, SiteFrontMatter, Translation
from sites.registry import Registry
from sites.site import LANGUAGES, PhotoFile, Site
from sites.text import nfc, nfc_deep

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader is ~10x faster
_PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
TRANSLATION_LANGUAGES = LANGUAGES[1:]


@dataclass(frozen=True)
class ContentError:
    """One problem in content/: the file, the field (when there is one) and what is wrong."""

    file: str
    field: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}" if self.field else f"{self.file}: {self.message}"


class ContentFolderMissing(Exception):
    """The content folder itself does not exist."""


@dataclass
class LoadResult:
    """What loading content/ gives: the valid sites and every error found."""

    registry: Registry
    errors: list[ContentError]


class ParsedFiles:
    """Front matter already parsed, by file: reused while a file's size and modification time are
    unchanged, so reloading after an edit parses only the edited files (YAML parsing dominates)."""

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[tuple[int, int], dict, str]] = {}
        self._used: set[Path] = set()

    def read(self, path: Path) -> tuple[dict, str]:
        """The front matter and body of `path`; raises _FileProblem (not cached) when unreadable."""
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        self._used.add(path)
        entry = self._entries.get(path)
        if entry is None or entry[0] != stamp:
            entry = (stamp, *_split_front_matter(path))
            self._entries[path] = entry
        return entry[1], entry[2]

    def forget_unused(self) -> None:
        """Drop the entries of files not read since the last call (deleted or renamed files)."""
        self._entries = {path: entry for path, entry in self._entries.items() if path in self._used}
        self._used = set()


class _FileProblem(Exception):
    """A problem that stops reading one file."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


def load_content(content_dir: Path, parsed: ParsedFiles | None = None) -> LoadResult:
    """Read every site folder of `content_dir` (sorted); folders starting with . or _ are skipped.

    Pass the same `parsed` to successive calls to reuse the parsing of unchanged files.
    """
    parsed = parsed or ParsedFiles()
    if not content_dir.is_dir():
        raise ContentFolderMissing(f"{content_dir}: no such content folder")
    sites: list[Site] = []
    errors: list[ContentError] = []
    for entry in sorted(os.scandir(content_dir), key=lambda entry: entry.name):
        if entry.name.startswith((".", "_")) or not entry.is_dir():
            continue
        site, site_errors = load_site(Path(entry.path), parsed)
        errors += site_errors
        if site is not None:
            sites.append(site)
    parsed.forget_unused()
    sites, clash_errors = _without_clashing_keys(sites)
    return LoadResult(Registry(sites), errors + clash_errors)


def load_site(folder: Path, parsed: ParsedFiles) -> tuple[Site | None, list[ContentError]]:
    """Load one site folder; returns the site (None if any error) and the errors found."""
    index = folder / "index.md"
    errors: list[ContentError] = []
    if not index.is_file():
        return None, [ContentError(str(folder), None, "no index.md: every site folder needs one")]
    meta, body = _read_model(index, SiteFrontMatter, parsed, errors)
    if meta is not None:
        if not re.fullmatch(SLUG_PATTERN, folder.name):
            errors.append(ContentError(str(folder), None, "folder name must be lower-case ASCII a-z, 0-9 and -"))
        elif meta.slug != folder.name:
            errors.append(ContentError(str(index), "slug", f"'{meta.slug}' must equal the folder name '{folder.name}'"))
    bodies = {"vi": body or ""}
    translations: dict[str, Translation] = {}
    for name in sorted(os.listdir(folder)):
        if not (name.startswith("index.") and name.endswith(".md") and name != "index.md"):
            continue
        path, lang = folder / name, name.removeprefix("index.").removesuffix(".md")
        if lang not in TRANSLATION_LANGUAGES:
            supported = ", ".join(TRANSLATION_LANGUAGES)
            errors.append(ContentError(str(path), None, f"language '{lang}' is not supported (supported: {supported})"))
            continue
        translation, translated_body = _read_model(path, Translation, parsed, errors)
        if translation is not None:
            translations[lang], bodies[lang] = translation, translated_body or ""
    photos = _read_photos(index, folder, meta, errors) if meta is not None else []
    if errors or meta is None:
        return None, errors
    return Site(meta=meta, folder=folder, bodies=bodies, translations=translations, photos=photos), []


def _read_model(
    path: Path, model: type[BaseModel], parsed: ParsedFiles, errors: list[ContentError]
) -> tuple[Any, str | None]:
    try:
        data, body = parsed.read(path)
    except _FileProblem as problem:
        errors.append(ContentError(str(path), problem.field, problem.message))
        return None, None
    try:
        return model.model_validate(data), body
    except ValidationError as exc:
        errors += _describe_validation_errors(str(path), model, exc)
        return None, body


def _split_front_matter(path: Path) -> tuple[dict, str]:
    try:
        text = path.read_text(encoding="utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise _FileProblem(f"not UTF-8 text (byte {exc.start}); save the file as UTF-8") from exc
    handler = YAMLHandler()
    if not handler.detect(text):
        raise _FileProblem("no front matter: the file must start with a line '---'")
    try:
        front, body = handler.split(text)
    except ValueError as exc:
        raise _FileProblem("front matter is not closed by a line '---'") from exc
    try:
        data = handler.load(front, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark else ""  # +2: 0-based, after the opening '---'
        problem = getattr(exc, "problem", None) or str(exc)
        raise _FileProblem(f"front matter is not valid YAML{where}: {problem}") from exc
    if not isinstance(data, dict):
        raise _FileProblem("front matter must be a list of 'field: value' lines")
    return nfc_deep(data), nfc(body.strip()) + "\n"


def _describe_validation_errors(file: str, model: type[BaseModel], exc: ValidationError) -> list[ContentError]:
    described = []
    for error in exc.errors():
        location = error["loc"]
        field = ".".join(str(part) for part in location) or None
        if error["type"] == "extra_forbidden":
            allowed = _fields_at(model, location)
            close = difflib.get_close_matches(str(location[-1]), allowed, n=1)
            message = "unknown field" + (f"; did you mean '{close[0]}'?" if close else f" (allowed: {', '.join(allowed)})")
        elif error["type"] == "missing":
            message = "required field is missing"
        elif error["type"] == "string_pattern_mismatch":
            name = next((part for part in reversed(location) if isinstance(part, str)), "")
            message = PATTERN_HINTS.get(name, error["msg"]) + f" (got {error.get('input')!r})"
        else:
            message = error["msg"].removeprefix("Value error, ")
            value = error.get("input")
            if isinstance(value, (str, int, float)) and len(repr(value)) <= 60:
                message += f" (got {value!r})"
        described.append(ContentError(file, field, message))
    return described


def _fields_at(model: type[BaseModel], location: tuple) -> list[str]:
    """Field names of the (nested) model that holds the last part of `location`."""
    current: type[BaseModel] | None = model
    for part in location[:-1]:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part)
        current = _model_in(field.annotation) if field else None
    return list(current.model_fields) if current else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        if found := _model_in(argument):
            return found
    return None


def _read_photos(index: Path, folder: Path, meta: SiteFrontMatter, errors: list[ContentError]) -> list[PhotoFile]:
    photos, stems = [], set()
    for number, photo in enumerate(meta.photos):
        field = f"photos.{number}.file"
        path = folder / photo.file
        if path.stem in stems:
            errors.append(ContentError(str(index), field, f"two photos are named '{path.stem}'; rename one"))
            continue
        stems.add(path.stem)
        if not path.is_file():
            errors.append(ContentError(str(index), field, f"no file '{photo.file}' in {folder}"))
            continue
        try:
            width, height = upright_size(path)
        except _FileProblem as problem:
            errors.append(ContentError(str(index), field, problem.message))
            continue
        photos.append(PhotoFile(photo.file, photo.caption, photo.caption_en, photo.credit, path, width, height))
    return photos


def upright_size(path: Path) -> tuple[int, int]:
    """Width and height of an image as displayed, after its EXIF orientation (reads the header only)."""
    try:
        with Image.open(path) as image:
            if image.format not in _PHOTO_FORMATS:
                raise _FileProblem(f"'{path.name}' is {image.format}, not a JPEG, PNG or WebP image")
            width, height = image.size
            if image.getexif().get(0x0112) in (5, 6, 7, 8):  # EXIF Orientation: rotated by 90 degrees
                width, height = height, width
            return width, height
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise _FileProblem(f"'{path.name}' is not a readable JPEG, PNG or WebP image") from exc


def _without_clashing_keys(sites: list[Site]) -> tuple[list[Site], list[ContentError]]:
    """Drop every site whose slug, code or alias is already taken by a site loaded before it."""
    owners: dict[str, Site] = {}
    kept, errors = [], []
    for site in sites:
        clashes = [key for key in site.keys() if key in owners]
        for key in clashes:
            field = "slug" if key == site.slug else "code" if key == site.code else "aliases"
            owner = owners[key].folder / "index.md"
            errors.append(ContentError(str(site.folder / "index.md"), field, f"'{key}' is already used by {owner}"))
        if not clashes:
            kept.append(site)
            owners.update(dict.fromkeys(site.keys(), site))
    return kept, errors
