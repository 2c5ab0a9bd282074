"""Load content/journeys/ strictly, after the sites: every problem is reported with its file and field.

A journey's stops must be published sites (a draft journey may stop at draft sites), each once; its
slug, code and aliases share one namespace with every site's slug, code and aliases (design.md), so a
`/j/CODE` or `/q/CODE` never means two things. A journey with any error is left out, like a site.
"""

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sites.catalog.frontmatter import ParsedFiles
from sites.catalog.journey_models import JourneyFrontMatter, JourneyTranslation
from sites.catalog.journeys import Journey, JourneyRegistry, JourneyStop
from sites.catalog.languages import SOURCE_FILE, SOURCE_LANGUAGE
from sites.catalog.loader import ContentError, _read_model, load_content, translation_files
from sites.catalog.models import JOURNEYS_FOLDER, SLUG_PATTERN
from sites.catalog.registry import Registry
from sites.catalog.site import Site
from sites.catalog.site_cache import SiteCache


@dataclass
class Content:
    """Everything content/ holds once loaded: the valid sites and journeys, and every error found."""

    registry: Registry
    journeys: JourneyRegistry
    errors: list[ContentError]
    kept: dict[str, list[ContentError]] = field(default_factory=dict)


def load_all(content_dir: Path, parsed: ParsedFiles | None = None, last_good: Registry | None = None,
             cache: SiteCache | None = None) -> Content:
    """The sites of `content_dir`, then its journeys checked against them (see `load_content`, which keeps
    the last valid version of a broken site from `last_good` and reuses the unchanged sites of `cache`)."""
    parsed = parsed or ParsedFiles()
    sites = load_content(content_dir, parsed, last_good, cache)
    journeys, errors = load_journeys(content_dir / JOURNEYS_FOLDER, sites.registry, parsed)
    return Content(sites.registry, journeys, sites.errors + errors, sites.kept)


def load_journeys(folder: Path, registry: Registry, parsed: ParsedFiles) -> tuple[JourneyRegistry, list[ContentError]]:
    """Every journey folder under `folder` (sorted; none when it is missing), with its stops resolved in `registry`."""
    if not folder.is_dir():
        return JourneyRegistry([]), []
    by_key = {key: site for site in registry.all(include_drafts=True) for key in site.keys()}  # never clash
    owners: dict[str, Path] = {key: site.folder / "index.md" for key, site in by_key.items()}
    journeys, errors = [], []
    for entry in sorted(os.scandir(folder), key=lambda entry: entry.name):
        if entry.name.startswith((".", "_")) or not entry.is_dir():
            continue
        journey, journey_errors = load_journey(Path(entry.path), by_key, parsed)
        if journey is not None:
            journey_errors += journey_clashes(journey, owners)
        errors += journey_errors
        if journey is not None and not journey_errors:
            journeys.append(journey)
            owners.update(dict.fromkeys(journey.keys(), journey.folder / "index.md"))
    return JourneyRegistry(journeys), errors


def load_journey(folder: Path, sites: Mapping[str, Site], parsed: ParsedFiles
                 ) -> tuple[Journey | None, list[ContentError]]:
    """Load one journey folder; `sites` maps every site key (slug, code, alias) to its site, drafts included."""
    index = folder / SOURCE_FILE
    if not index.is_file():
        return None, [ContentError(str(folder), None, "no index.md: every journey folder needs one")]
    errors: list[ContentError] = []
    meta, body = _read_model(index, JourneyFrontMatter, parsed, errors)
    stops: list[JourneyStop] = []
    if meta is not None:
        if not re.fullmatch(SLUG_PATTERN, folder.name):
            errors.append(ContentError(str(folder), None, "folder name must be lower-case ASCII a-z, 0-9 and -"))
        elif meta.slug != folder.name:
            errors.append(ContentError(str(index), "slug", f"'{meta.slug}' must equal the folder name '{folder.name}'"))
        stops = _stops(index, meta, sites, errors)
    bodies, translations = {SOURCE_LANGUAGE: body or ""}, {}
    for lang, path in translation_files(folder, errors):
        translation, translated_body = _read_model(path, JourneyTranslation, parsed, errors)
        if translation is not None and meta is not None:
            for slug in translation.notes.keys() - {stop.site for stop in meta.stops}:
                errors.append(ContentError.of(str(path), f"notes.{slug}", "note_not_stop", slug=slug))
            translations[lang], bodies[lang] = translation, translated_body or ""
    if errors or meta is None:
        return None, errors
    stops = [_with_translated_notes(stop, meta.stops[stop.number - 1].site, translations) for stop in stops]
    return Journey(meta=meta, folder=folder, stops=stops, bodies=bodies, translations=translations), []


def _stops(index: Path, meta: JourneyFrontMatter, sites: Mapping[str, Site], errors: list[ContentError]
           ) -> list[JourneyStop]:
    """The stops resolved to sites; an error for each unknown, unpublished or repeated one."""
    stops, seen = [], {}
    for number, stop in enumerate(meta.stops, start=1):
        field = f"stops.{number - 1}.site"
        site = sites.get(stop.site)
        if site is None:
            errors.append(ContentError.of(str(index), field, "stop_unknown", site=stop.site))
        elif meta.published and not site.published:
            errors.append(ContentError.of(str(index), field, "stop_draft", site=stop.site))
        elif site.slug in seen:
            errors.append(ContentError.of(str(index), field, "stop_repeated", site=stop.site, number=seen[site.slug]))
        else:
            seen[site.slug] = number
            notes = {SOURCE_LANGUAGE: stop.note} if stop.note else {}
            stops.append(JourneyStop(number, site, notes))
    return stops


def _with_translated_notes(stop: JourneyStop, key: str, translations: Mapping[str, JourneyTranslation]) -> JourneyStop:
    notes = dict(stop.notes)
    for lang, translation in translations.items():
        if note := translation.notes.get(key):
            notes[lang] = note
    return JourneyStop(stop.number, stop.site, notes)


def journey_clashes(journey: Journey, owners: Mapping[str, Path]) -> list[ContentError]:
    """An error for each slug, code or alias of `journey` that a site or an earlier journey already uses."""
    errors = []
    for key in journey.keys():
        if key in owners:
            field = "slug" if key == journey.slug else "code" if key == journey.code else "aliases"
            errors.append(ContentError.of(str(journey.folder / "index.md"), field, "key_taken", key=key,
                                          owner=str(owners[key])))
    return errors
