"""Load content/ into a Registry, strictly: every problem is reported, with its file and field.

Like mkdocs' config loading, the loader does not stop at the first problem: it checks every folder
and returns all errors at once, together with a registry of the sites that are valid.
"""

import difflib
import os
import pickle
import re
from collections.abc import Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, get_args

from pydantic import BaseModel, ValidationError

from sites.catalog.collector import collector_paused
from sites.catalog.frontmatter import FrontMatterError, ParsedFiles
from sites.catalog.languages import (
    SOURCE_FILE,
    SOURCE_LANGUAGE,
    InvalidLanguageTag,
    content_file_name,
    file_language,
    language_tag,
)
from sites.catalog.messages import PATTERN_HINTS, english
from sites.catalog.models import JOURNEYS_FOLDER, PATTERN_FORMATS, SLUG_PATTERN, SiteFrontMatter, Translation
from sites.catalog.parallel_load import run_ahead
from sites.catalog.photos import PhotoError, upright_size
from sites.catalog.quiz import quiz_problems, translation_problems
from sites.catalog.recordings import RecordingFileError, recording_file
from sites.catalog.registry import Registry, SiteNotFound
from sites.catalog.site import PhotoFile, RecordingFile, Site
from sites.catalog.site_cache import SiteCache, cache_row
from sites.catalog.site_events import event_problems, event_translation_problems

PARALLEL_FROM = 200  # folders to load before worker processes pay off (starting them costs about a second)


@dataclass(frozen=True)
class ContentError:
    """One problem in content/: the file, the field (when there is one) and what is wrong, in English,
    with its `type` and `ctx` (pydantic's, or ours from `sites.catalog.messages`) to word it for staff."""

    file: str
    field: str | None
    message: str
    type: str = "value_error"
    ctx: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, file: str, field: str | None, type_: str, **ctx: Any) -> "ContentError":
        """A problem of one of our own types, its message worded from `ctx`."""
        return cls(file, field, english(type_, ctx), type_, ctx)

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}" if self.field else f"{self.file}: {self.message}"


class ContentFolderMissing(Exception):
    """The content folder itself does not exist."""


@dataclass
class LoadResult:
    """What loading content/ gives: the valid sites, every error found, and the sites served in their
    last valid version because their folder has errors now (slug -> those errors)."""

    registry: Registry
    errors: list[ContentError]
    kept: dict[str, list[ContentError]] = field(default_factory=dict)


def load_content(content_dir: Path, parsed: ParsedFiles | None = None, last_good: Registry | None = None,
                 cache: SiteCache | None = None, parallel_from: int = PARALLEL_FROM) -> LoadResult:
    """Read every site folder of `content_dir` (sorted); folders starting with . or _ and `journeys/` are skipped.

    Pass the same `parsed` to successive calls to reuse the parsing of unchanged files. With
    `last_good` (the registry loaded before), a folder that has errors now keeps its previous site:
    a typo in a published site never takes its page and printed QR code offline. Errors are reported
    either way. With `cache`, a folder whose files are unchanged since it was last loaded valid gives
    that site again without reading its files. When `parallel_from` folders or more must be read, they are
    loaded in worker processes (sites/catalog/parallel_load.py, `load_folders`).
    """
    parsed = parsed or ParsedFiles()
    if not content_dir.is_dir():
        raise ContentFolderMissing(f"{content_dir}: no such content folder")
    # by name: 40,000 Path objects, and their .name asked again and again, were a tenth of a warm start
    names = sorted(entry.name for entry in os.scandir(content_dir)
                   if not entry.name.startswith((".", "_")) and entry.name != JOURNEYS_FOLDER and entry.is_dir())
    stamps, cached = _cached_sites(names, cache)
    misses = [content_dir / name for name in names if name not in cached]
    sites: list[Site] = []
    errors: list[ContentError] = []
    kept: dict[str, list[ContentError]] = {}
    with closing(_load_sites(misses, parsed, parallel_from, cache, stamps)) as loaded:
        for name in names:
            site, site_errors = (cached[name], []) if name in cached else next(loaded)
            errors += site_errors
            if site is None and (site := _previous(last_good, name)) is not None:
                kept[site.slug] = site_errors
            if site is not None:
                sites.append(site)
    parsed.forget_unused()
    if cache is not None:
        cache.forget_unused()
    sites, clash_errors = _without_clashing_keys(sites, last_good, kept)
    served = {site.slug for site in sites}
    return LoadResult(Registry(sites), errors + clash_errors, {slug: kept[slug] for slug in kept if slug in served})


def _cached_sites(names: list[str], cache: SiteCache | None) -> tuple[dict[str, tuple], dict[str, Site]]:
    """The stamps of each folder named in `names`, and the sites `cache` holds for those whose files are unchanged."""
    stamps: dict[str, tuple] = {}
    cached: dict[str, Site] = {}
    if cache is not None:  # stamps taken before reading: a file changed meanwhile is loaded again next time
        for name in names:
            stamps[name] = cache.stamps(name)
            if (site := cache.get(name, stamps[name])) is not None:
                cached[name] = site
    return stamps, cached


def _load_sites(folders: list[Path], parsed: ParsedFiles, parallel_from: int, cache: SiteCache | None,
                stamps: Mapping[str, tuple]) -> Iterator[tuple[Site | None, list[ContentError]]]:
    """Each folder's site (kept in `cache` when given, as of `stamps`) and errors, in order; the folders loaded in
    worker processes when there are many (`load_folders`), except those with errors, loaded here again to word them."""
    if len(folders) < parallel_from:
        for folder in folders:
            yield _loaded(folder, parsed, cache, stamps)
        return
    with closing(run_ahead(folders, load_folders)) as chunks:
        for chunk, loads in chunks:
            loads = loads or [FolderLoad(None, None, None, [])] * len(chunk)  # the workers failed: everything here
            valid = [(folder, load) for folder, load in zip(chunk, loads, strict=True) if load.card is not None]
            sites = dict(zip((folder for folder, _ in valid), _worker_sites(valid, cache, stamps), strict=True))
            for folder, load in zip(chunk, loads, strict=True):
                if folder in sites:
                    yield sites[folder], []
                else:
                    parsed.adopt(load.parsed)
                    yield _loaded(folder, parsed, cache, stamps)


def _loaded(folder: Path, parsed: ParsedFiles, cache: SiteCache | None,
            stamps: Mapping[str, tuple]) -> tuple[Site | None, list[ContentError]]:
    """`load_site` of `folder`, the site kept in `cache` when valid (its detail on disk, not in memory; nor its
    parsed files: the cache gives the site while they are unchanged)."""
    site, errors = load_site(folder, parsed)
    if site is not None and cache is not None:
        site = cache.put(folder.name, stamps[folder.name], site)
        parsed.forget(folder)
    return site, errors


def _worker_sites(valid: list[tuple[Path, "FolderLoad"]], cache: SiteCache | None,
               stamps: Mapping[str, tuple]) -> list[Site]:
    """The sites a worker loaded valid: written to `cache` in one statement, or without one, whole in memory."""
    if cache is not None:
        return cache.put_rows([(folder.name, stamps[folder.name], load.card, load.events, load.detail)
                               for folder, load in valid])
    details = [pickle.loads(load.detail) for _, load in valid]
    return [Site(detail.meta, folder, detail.bodies, detail.translations, detail.photos, detail.recordings)
            for (folder, _), detail in zip(valid, details, strict=True)]


class FolderLoad(NamedTuple):
    """What a worker gives for one folder (`load_folders`): a valid site as the site cache's row (its card, events
    and detail pickled: `cache_row`), or else the front matter it parsed, to load the folder with in the caller."""

    card: bytes | None
    events: bytes | None
    detail: bytes | None
    parsed: list[tuple[str, tuple[int, int], dict, str]]


def load_folders(folders: list[str]) -> list[FolderLoad]:
    """In a worker process (sites/catalog/parallel_load.py): each folder loaded by `load_site`."""
    loads = []
    with collector_paused():  # what is made stays until it is sent: the collector's passes would find nothing
        for folder in folders:
            parsed = ParsedFiles()
            try:
                site, _ = load_site(Path(folder), parsed)
            except Exception:  # noqa: BLE001 - the caller loads it again, and raises as without workers
                site = None
            if site is None:  # errors: worded by the caller, with its own last valid version of the site
                loads.append(FolderLoad(None, None, None, parsed.export()))
            else:
                loads.append(FolderLoad(*cache_row(site), []))
    return loads


def _previous(last_good: Registry | None, slug: str) -> Site | None:
    """The site loaded from folder `slug` before, if any."""
    if last_good is None:
        return None
    try:
        return last_good.get(slug, include_drafts=True)
    except SiteNotFound:
        return None


def load_site(folder: Path, parsed: ParsedFiles) -> tuple[Site | None, list[ContentError]]:
    """Load one site folder; returns the site (None if any error) and the errors found."""
    index = folder / SOURCE_FILE
    errors: list[ContentError] = []
    if not os.path.lexists(index):
        return None, [ContentError.of(str(folder), None, "no_index")]
    meta, body = _read_model(index, SiteFrontMatter, parsed, errors)
    if meta is not None:
        if not re.fullmatch(SLUG_PATTERN, folder.name):
            errors.append(ContentError.of(str(folder), None, "folder_name"))
        elif meta.slug != folder.name:
            errors.append(ContentError.of(str(index), "slug", "slug_not_folder", slug=meta.slug, folder=folder.name))
    bodies = {SOURCE_LANGUAGE: body or ""}
    translations: dict[str, Translation] = {}
    for lang, path in translation_files(folder, errors):
        translation, translated_body = _read_model(path, Translation, parsed, errors)
        if translation is not None:
            translations[lang], bodies[lang] = translation, translated_body or ""
    if meta is not None:
        errors += _quiz_errors(folder, meta, translations)
    photos = _read_photos(index, folder, meta, errors) if meta is not None else []
    recordings = _read_recordings(index, folder, meta, [SOURCE_LANGUAGE, *translations], errors) if meta else {}
    if errors or meta is None:
        return None, errors
    return Site(meta=meta, folder=folder, bodies=bodies, translations=translations, photos=photos,
                recordings=recordings), []


def _quiz_errors(folder: Path, meta: SiteFrontMatter, translations: Mapping[str, Translation]) -> list[ContentError]:
    """The quiz's and the events' problems beyond one item, each named by its file (index.md or the translation's)."""
    found = [(SOURCE_LANGUAGE, problem) for problem in [*quiz_problems(meta.quiz), *event_problems(meta.events)]]
    found += [(lang, problem) for lang, translation in translations.items()
              for problem in [*translation_problems(meta.quiz, translation.quiz),
                              *event_translation_problems(meta.events, translation.events)]]
    return [ContentError.of(str(folder / content_file_name(lang)), field, type_, **ctx)
            for lang, (field, type_, ctx) in found]


def translation_files(folder: Path, errors: list[ContentError]) -> list[tuple[str, Path]]:
    """The translation files `index.<tag>.md` of `folder` with their language, sorted; a file whose tag is
    not a known language, or is not written canonically, is an error and left out."""
    found = []
    for name in sorted(os.listdir(folder)):
        if (written := file_language(name)) is None:
            continue
        path = folder / name
        try:
            lang = language_tag(written)
        except InvalidLanguageTag as problem:
            errors.append(ContentError.of(str(path), None, "invalid_language_tag", problem=str(problem)))
            continue
        if lang == SOURCE_LANGUAGE or lang != written:
            expected = SOURCE_FILE if lang == SOURCE_LANGUAGE else f"index.{lang}.md"
            errors.append(ContentError.of(str(path), None, "rename_translation", expected=expected))
            continue
        found.append((lang, path))
    return found


def _read_model(
    path: Path, model: type[BaseModel], parsed: ParsedFiles, errors: list[ContentError]
) -> tuple[Any, str | None]:
    try:
        data, body = parsed.read(path)
    except FrontMatterError as problem:
        errors.append(ContentError.of(str(path), None, "front_matter", reason=problem.message))
        return None, None
    try:
        return model.model_validate(data), body
    except ValidationError as exc:
        errors += describe_validation_errors(str(path), model, exc)
        return None, body


def describe_validation_errors(file: str, model: type[BaseModel], exc: ValidationError) -> list[ContentError]:
    """One ContentError per problem pydantic found, worded for staff (unknown fields get a suggestion),
    with pydantic's type and ctx (plus `suggestion`/`allowed` and a pattern's `format`)."""
    described = []
    for error in exc.errors():
        location, ctx = error["loc"], dict(error.get("ctx") or {})
        field = ".".join(str(part) for part in location) or None
        if error["type"] == "extra_forbidden":
            allowed = _fields_at(model, location)
            close = difflib.get_close_matches(str(location[-1]), allowed, n=1)
            ctx.update(suggestion=close[0] if close else "", allowed=", ".join(allowed))
            hint = f"; did you mean '{close[0]}'?" if close else f" (allowed: {ctx['allowed']})"
            message = "unknown field" + hint
        elif error["type"] == "missing":
            message = "required field is missing"
        elif error["type"] == "string_pattern_mismatch" and ctx.get("pattern") in PATTERN_FORMATS:
            ctx["format"] = PATTERN_FORMATS[ctx["pattern"]]
            message = PATTERN_HINTS[ctx["format"]][1] + f" (got {error.get('input')!r})"
        else:
            message = error["msg"].removeprefix("Value error, ")
            value = error.get("input")
            if isinstance(value, (str, int, float)) and len(repr(value)) <= 60:
                message += f" (got {value!r})"
        described.append(ContentError(file, field, message, error["type"], ctx))
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
            errors.append(ContentError.of(str(index), field, "photo_name_twice", stem=path.stem))
            continue
        stems.add(path.stem)
        if not os.path.lexists(path):
            errors.append(ContentError.of(str(index), field, "photo_missing", photo=photo.file, folder=str(folder)))
            continue
        try:
            width, height = upright_size(path)
        except PhotoError as problem:
            errors.append(ContentError.of(str(index), field, "photo_unreadable", reason=str(problem)))
            continue
        photos.append(PhotoFile(photo.caption, photo.caption_en, photo.credit, path, width, height))
    return photos


def _read_recordings(index: Path, folder: Path, meta: SiteFrontMatter, languages: list[str],
                     errors: list[ContentError]) -> dict[str, RecordingFile]:
    """The recorded narrations of `meta.narration`, each for a language the site has, checked as audio."""
    recordings = {}
    for lang, narration in meta.narration.items():
        field = f"narration.{lang}.file"
        path = folder / narration.file
        if lang not in languages:
            errors.append(ContentError.of(str(index), f"narration.{lang}", "narration_language", lang=lang))
        elif not os.path.lexists(path):
            errors.append(ContentError.of(str(index), field, "narration_missing", recording=narration.file,
                                          folder=str(folder)))
        else:
            try:
                recordings[lang] = recording_file(path, narration.narrator)
            except RecordingFileError as problem:
                errors.append(ContentError.of(str(index), field, problem.type, **problem.ctx))
    return recordings


def _without_clashing_keys(
    sites: list[Site], last_good: Registry | None, kept: dict[str, list[ContentError]]
) -> tuple[list[Site], list[ContentError]]:
    """Drop every site whose slug, code or alias is already taken by a site loaded before it; its
    previous version in `last_good` stays if that one clashes with nothing (recorded in `kept`)."""
    owners: dict[str, Site] = {}
    kept_sites, errors = [], []
    for site in sites:
        clashes = clashing_keys(site, owners)
        errors += clashes
        if clashes and (previous := _previous(last_good, site.slug)) is not None \
                and previous is not site and not clashing_keys(previous, owners):
            site, clashes, kept[previous.slug] = previous, [], clashes
        if not clashes:
            kept_sites.append(site)
            owners.update(dict.fromkeys(site.keys(), site))
    return kept_sites, errors


def clashing_keys(site: Site, owners: Mapping[str, Site]) -> list[ContentError]:
    """An error for each slug, code or alias of `site` that `owners` (key -> site) already uses."""
    errors = []
    for key in site.keys():
        if key in owners:
            field = "slug" if key == site.slug else "code" if key == site.code else "aliases"
            owner = owners[key].folder / "index.md"
            errors.append(ContentError.of(str(site.folder / "index.md"), field, "key_taken", key=key, owner=str(owner)))
    return errors
