"""Load content/ into a Registry, strictly: every problem is reported, with its file and field.

Like mkdocs' config loading, the loader does not stop at the first problem: it checks every folder
and returns all errors at once, together with a registry of the sites that are valid.
"""

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from sites.frontmatter import FrontMatterError, ParsedFiles
from sites.models import JOURNEYS_FOLDER, PATTERN_HINTS, SLUG_PATTERN, SiteFrontMatter, Translation
from sites.photos import PhotoError, upright_size
from sites.registry import Registry
from sites.site import LANGUAGES, PhotoFile, Site

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


def load_content(content_dir: Path, parsed: ParsedFiles | None = None) -> LoadResult:
    """Read every site folder of `content_dir` (sorted); folders starting with . or _ and `journeys/` are skipped.

    Pass the same `parsed` to successive calls to reuse the parsing of unchanged files.
    """
    parsed = parsed or ParsedFiles()
    if not content_dir.is_dir():
        raise ContentFolderMissing(f"{content_dir}: no such content folder")
    sites: list[Site] = []
    errors: list[ContentError] = []
    for entry in sorted(os.scandir(content_dir), key=lambda entry: entry.name):
        if entry.name.startswith((".", "_")) or entry.name == JOURNEYS_FOLDER or not entry.is_dir():
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
    except FrontMatterError as problem:
        errors.append(ContentError(str(path), None, problem.message))
        return None, None
    try:
        return model.model_validate(data), body
    except ValidationError as exc:
        errors += describe_validation_errors(str(path), model, exc)
        return None, body


def describe_validation_errors(file: str, model: type[BaseModel], exc: ValidationError) -> list[ContentError]:
    """One ContentError per problem pydantic found, worded for staff (unknown fields get a suggestion)."""
    described = []
    for error in exc.errors():
        location = error["loc"]
        field = ".".join(str(part) for part in location) or None
        if error["type"] == "extra_forbidden":
            allowed = _fields_at(model, location)
            close = difflib.get_close_matches(str(location[-1]), allowed, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f" (allowed: {', '.join(allowed)})"
            message = "unknown field" + hint
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
        current = nested_model(field.annotation) if field else None
    return list(current.model_fields) if current else []


def nested_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside a field's type (`Location | None`, `list[Photo]`), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        if found := nested_model(argument):
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
        except PhotoError as problem:
            errors.append(ContentError(str(index), field, str(problem)))
            continue
        photos.append(PhotoFile(photo.caption, photo.caption_en, photo.credit, path, width, height))
    return photos


def _without_clashing_keys(sites: list[Site]) -> tuple[list[Site], list[ContentError]]:
    """Drop every site whose slug, code or alias is already taken by a site loaded before it."""
    owners: dict[str, Site] = {}
    kept, errors = [], []
    for site in sites:
        clashes = clashing_keys(site, owners)
        errors += clashes
        if not clashes:
            kept.append(site)
            owners.update(dict.fromkeys(site.keys(), site))
    return kept, errors


def clashing_keys(site: Site, owners: Mapping[str, Site]) -> list[ContentError]:
    """An error for each slug, code or alias of `site` that `owners` (key -> site) already uses."""
    errors = []
    for key in site.keys():
        if key in owners:
            field = "slug" if key == site.slug else "code" if key == site.code else "aliases"
            owner = owners[key].folder / "index.md"
            errors.append(ContentError(str(site.folder / "index.md"), field, f"'{key}' is already used by {owner}"))
    return errors
