"""Editing a journey from the admin: flat fields to a validated journey, and the save through the same
writer as sites (`ContentWriter.write_folder`: lock, version, staging, check, atomic move, history).

Flat fields are the front-matter paths (`name`, `travel_mode`, `start.name`), `body` for the
introduction, one row per stop (`stops.0.site`, `stops.0.note`, and `stops.0.<tag>.note` for its note in
language `<tag>`) and `<tag>.name`, `<tag>.summary`, `<tag>.body` for a translation. The staged folder is
loaded by `load_journey`, the code behind `diachido check`, so an unknown, draft or repeated stop and a
slug or code taken by any site or journey (one namespace) are refused with the loader's own errors.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sites.catalog.frontmatter import ParsedFiles
from sites.catalog.journey_loader import journey_clashes, load_journey
from sites.catalog.journey_models import JourneyFrontMatter, JourneyTranslation
from sites.catalog.journeys import Journey, JourneyRegistry
from sites.catalog.languages import SOURCE_LANGUAGE, valid_language_tag
from sites.catalog.models import CODE_MAX, JOURNEYS_FOLDER
from sites.catalog.registry import Registry
from sites.editing.fields import (
    BODY_FIELD,
    FieldError,
    InvalidFields,
    clean_value,
    flatten_fields,
    nest_fields,
    validate_model,
)
from sites.editing.site_editor import apply_editing_rules, suggested_code, with_proposed_ids
from sites.editing.writer import ContentWriter, VersionConflict, site_version, staged_field_error
from sites.staff.accounts import User

STOPS = "stops"


@dataclass(frozen=True)
class JourneyInput:
    """A journey as staff entered it, validated: front matter, translations and an introduction per language."""

    meta: JourneyFrontMatter
    translations: dict[str, JourneyTranslation]
    bodies: dict[str, str]


@dataclass
class JourneyEdit:
    """One journey save: the flat fields as completed (proposed ids), the journey they replace, the
    validated entry, every problem found, and whether the code was proposed shorter than the slug (issue 28:
    staff are told, not left to find a code cut at CODE_MAX letters)."""

    fields: dict[str, object]
    previous: Journey | None = None
    entry: JourneyInput | None = None
    errors: list[FieldError] = field(default_factory=list)
    code_shortened: bool = False


def field_language(key: str) -> str | None:
    """The language of a translated field (`en.summary` -> `en`); None for the journey's own and stop fields."""
    head, dot, _ = key.partition(".")
    if not dot or head in JourneyFrontMatter.model_fields or valid_language_tag(head) != head:
        return None
    return head


def parse_journey_fields(flat: Mapping[str, object]) -> JourneyInput:
    """Validate flat fields into a JourneyInput; raises InvalidFields naming every problem's field."""
    flat = {key: clean_value(value) for key, value in flat.items()}
    flat = {key: value for key, value in flat.items() if value is not None}
    errors: list[FieldError] = []
    own = {key: value for key, value in flat.items() if field_language(key) is None}
    nested = nest_fields(own, "")
    notes: dict[str, dict[str, str]] = {}
    for stop in nested.get(STOPS, []) if isinstance(nested.get(STOPS), list) else []:
        for lang in [key for key, value in stop.items() if isinstance(value, dict)]:  # `en` of `stops.0.en.note`
            if stop.get("site") and stop[lang].get("note"):
                notes.setdefault(lang, {})[str(stop["site"])] = stop[lang]["note"]
            del stop[lang]
    meta = validate_model(JourneyFrontMatter, nested, "", errors)
    translations, bodies = {}, {SOURCE_LANGUAGE: str(flat.get(BODY_FIELD, ""))}
    for lang in sorted({field_language(key) for key in flat} - {None} | set(notes)):
        given = {key: value for key, value in flat.items() if field_language(key) == lang}
        bodies[lang] = str(given.pop(f"{lang}.{BODY_FIELD}", ""))
        data = {**nest_fields(given, f"{lang}."), **({"notes": notes[lang]} if lang in notes else {})}
        translations[lang] = validate_model(JourneyTranslation, data, f"{lang}.", errors)
    if errors:
        raise InvalidFields(errors)
    return JourneyInput(meta, translations, bodies)


def journey_fields(journey: Journey) -> dict[str, str]:
    """The flat fields of a loaded journey, as the admin form shows them (inverse of `parse_journey_fields`)."""
    flat = flatten_fields(journey.meta.model_dump(mode="json", exclude_none=True, exclude={STOPS}), "")
    flat[BODY_FIELD] = journey.bodies.get(SOURCE_LANGUAGE, "")
    for number, stop in enumerate(journey.meta.stops):
        flat[f"{STOPS}.{number}.site"] = stop.site
        if stop.note:
            flat[f"{STOPS}.{number}.note"] = stop.note
    for lang, translation in journey.translations.items():
        texts = translation.model_dump(mode="json", exclude_none=True, exclude={"notes"})
        flat.update(flatten_fields(texts, f"{lang}."))
        flat[f"{lang}.{BODY_FIELD}"] = journey.bodies.get(lang, "")
        for number, stop in enumerate(journey.meta.stops):
            if note := translation.notes.get(stop.site):
                flat[f"{STOPS}.{number}.{lang}.note"] = note
    return flat


def journey_version(journey: Journey) -> str:
    """The version token of a journey's folder (as for a site)."""
    return site_version(journey.folder)


class JourneyEditor:
    """Prepares and writes journeys for `user` (None: no province limit) over the sites of `registry` and
    the journeys of `journeys`."""

    def __init__(self, writer: ContentWriter, registry: Registry, journeys: JourneyRegistry, user: User | None = None):
        self.writer, self.registry, self.journeys, self.user = writer, registry, journeys, user
        self.folder = writer.content_dir / JOURNEYS_FOLDER

    def taken_keys(self, previous: Journey | None = None) -> dict[str, Path]:
        """Every slug, code and alias of the sites and of the other journeys, with the file that uses it."""
        owners = {key: site.folder / "index.md"
                  for site in self.registry.all(include_drafts=True) for key in site.keys()}
        for journey in self.journeys.all(include_drafts=True):
            if previous is None or journey.slug != previous.slug:
                owners.update(dict.fromkeys(journey.keys(), journey.folder / "index.md"))
        return owners

    def save(self, fields: Mapping[str, object], previous: Journey | None = None, version: str | None = None,
             publish: bool | None = None) -> JourneyEdit:
        """Validate `fields` as a new journey (a draft, with a free slug and code proposed where empty) or
        over `previous` (last seen at `version`), published if `publish` (False: back to a draft, None: as it
        was); write it unless there is a problem."""
        edit = JourneyEdit(dict(fields), previous)
        typed = str(edit.fields.get("code") or "").strip()
        if len(typed) > CODE_MAX:  # said plainly, with a free code to use, rather than "wrong format"
            basis = str(edit.fields.get("slug") or edit.fields.get("name") or typed)  # whole words where there are
            suggestion = suggested_code(basis, self.taken_keys(previous))
            edit.errors.append(FieldError.of("code", "code_too_long", limit=CODE_MAX, length=len(typed),
                                             suggestion=suggestion))
            edit.fields["code"] = suggestion  # the other fields are still checked
        if previous is None:
            edit.fields = with_proposed_ids(edit.fields, self.taken_keys())
            slug_letters = str(edit.fields.get("slug") or "").replace("-", "")
            edit.code_shortened = not typed and len(slug_letters) > len(str(edit.fields.get("code") or ""))
        try:
            edit.entry = apply_editing_rules(parse_journey_fields(edit.fields), previous, publish)
        except InvalidFields as exc:
            edit.errors += exc.errors
            return edit
        edit.errors += self._province_errors(edit.entry, previous)
        if not edit.errors:
            self._write(edit, version)
        return edit

    def _province_errors(self, entry: JourneyInput, previous: Journey | None) -> list[FieldError]:
        """An editor changes journeys of their province only, and stops at that province's sites."""
        user = self.user
        if user is None:
            return []
        provinces = [entry.meta.province] + ([previous.meta.province] if previous else [])
        if not all(map(user.may_edit, provinces)):
            return [FieldError.of("province", "journey_province_denied", province=user.province)]
        by_key = {key: site for site in self.registry.all(include_drafts=True) for key in site.keys()}
        return [FieldError.of(f"{STOPS}.{number}.site", "stop_province", site=stop.site, province=user.province)
                for number, stop in enumerate(entry.meta.stops)
                if stop.site in by_key and not user.may_edit_any(by_key[stop.site].meta.address.provinces)]

    def _write(self, edit: JourneyEdit, version: str | None) -> None:
        entry, previous = edit.entry, edit.previous
        sites = {key: site for site in self.registry.all(include_drafts=True) for key in site.keys()}
        owners = self.taken_keys(previous)

        def check(staged: Path) -> None:
            journey, errors = load_journey(staged, sites, ParsedFiles())
            if journey is not None:
                errors = journey_clashes(journey, owners)
            if errors:
                raise InvalidFields([staged_field_error(error) for error in errors])

        try:
            self.writer.write_folder(self.folder / entry.meta.slug, entry, previous, version, (), set(), check,
                                     f"{JOURNEYS_FOLDER}/{previous.slug if previous else entry.meta.slug}")
        except InvalidFields as exc:
            edit.errors += exc.errors
        except VersionConflict:
            edit.errors.append(FieldError.of("", "journey_version_conflict"))
