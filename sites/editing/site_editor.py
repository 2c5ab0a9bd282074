"""Editing a site, one way for every writer: the admin form, the spreadsheet import, and later ones
(journeys, quizzes) save through `SiteEditor`.

A save goes: flat fields -> an uploaded photo cleaned and given a row -> a slug and a code proposed for
a new site -> the models (`parse_fields`) -> the editing rules -> the keys, folder and province checks
-> the writer, which loads the staged folder like `diachido check` and refuses a stale version. Each
problem is a FieldError with a type and ctx (`sites.catalog.messages`); nothing is written while there is one.

The rules: a slug and a code are proposed when staff leave them empty. Once a site is published its
QR code may be printed and its address shared, so its code never changes, and a new slug keeps the
old one (and every older alias) in `aliases`, where the old address keeps working as a redirect.
"""

import re
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from sites.catalog.journeys import Journey
from sites.catalog.loader import clashing_keys
from sites.catalog.models import CODE_MAX, RESERVED_SLUGS
from sites.catalog.photos import PhotoError, PhotoTooLarge, PhotoTooManyPixels, clean_upload
from sites.catalog.registry import Registry
from sites.catalog.site import Site
from sites.catalog.text import fold
from sites.editing.fields import FieldError, InvalidFields, SiteInput, parse_fields, row_count
from sites.editing.writer import ContentWriter, NewPhoto, VersionConflict
from sites.staff.accounts import User
from speech.audio import SUFFIX as RECORDING_SUFFIX, RecordingError, reencode_recording

Entry = TypeVar("Entry")  # a SiteInput or a JourneyInput: frozen dataclasses with a `meta`
UPLOAD_FIELD = "photo_upload"  # the name problems of an uploaded photo go under
RECORDING_FIELD = "narration_upload"  # problems of an uploaded recording go under narration_upload.<lang>


@dataclass(frozen=True)
class PhotoUpload:
    """A photo sent with an edit: the file name it came with, its bytes as received, and the caption,
    English caption and credit typed for it."""

    filename: str
    data: bytes
    caption: str = ""
    caption_en: str = ""
    credit: str = ""


@dataclass(frozen=True)
class RecordingUpload:
    """A recorded narration sent with an edit: its language, the file name it came with, its bytes as
    received, and who reads it."""

    lang: str
    filename: str
    data: bytes
    narrator: str = ""


@dataclass
class Edit:
    """One save in the making: the flat fields as completed (proposed ids, the uploaded photo's row),
    the site they replace, the validated entry, the photos to store (and their rows), and every problem found."""

    fields: dict[str, object]
    previous: Site | None = None
    entry: SiteInput | None = None
    photos: tuple[NewPhoto, ...] = ()
    photo_rows: tuple[int, ...] = ()
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the entry is valid and nothing stands in the way of writing it."""
        return self.entry is not None and not self.errors


class SiteEditor:
    """Prepares and writes sites for `user` (None: no province limit) over the sites of `registry`.

    The keys (slugs, codes, aliases) of the sites and of every edit prepared so far are reserved, so a
    batch (an import) is checked against itself before anything is written."""

    def __init__(self, writer: ContentWriter, registry: Registry, user: User | None = None,
                 clean_photo: Callable[[bytes], tuple[bytes, str]] = clean_upload):
        self.writer, self.registry, self.user = writer, registry, user
        self.clean_photo = clean_photo  # the server passes its bounded image worker's (api/image_worker.py)
        self._owners = key_owners(registry)
        self._numbers: dict[str, int] = {}  # the next number to try after a proposed key, so a batch stays linear

    def parse(self, fields: Mapping[str, object], previous: Site | None = None) -> Edit:
        """`fields` validated as a site, with ids proposed for a new one; no rule or check applied
        (what an unsaved preview shows)."""
        edit = Edit(dict(fields), previous)
        if previous is None:
            edit.fields = with_proposed_ids(edit.fields, self._owners, self._numbers)
        try:
            edit.entry = parse_fields(edit.fields)
        except InvalidFields as exc:
            edit.errors += exc.errors
        return edit

    def prepare(self, fields: Mapping[str, object], previous: Site | None = None, publish: bool | None = None,
                uploads: Sequence[PhotoUpload] = (), recordings: Sequence[RecordingUpload] = ()) -> Edit:
        """Every step short of writing: `fields` as a new site (`previous` None) or over `previous`,
        published if `publish`, back to a draft if `publish` is False (None: as it was; a new site is a
        draft), with `uploads` as its next photos and each of `recordings` as the narration of its language."""
        edit = Edit(dict(fields), previous)
        for upload in uploads:
            self._attach(edit, upload)
        for recording in recordings:
            self._attach_recording(edit, recording)
        parsed = self.parse(edit.fields, previous)
        edit.fields, edit.errors = parsed.fields, edit.errors + parsed.errors
        if parsed.entry is not None:
            try:
                edit.entry = apply_editing_rules(parsed.entry, previous, publish)
            except InvalidFields as exc:
                edit.errors += exc.errors
        if edit.entry is not None:
            self._check(edit)
        if edit.ok:
            self._owners.update(dict.fromkeys(self._site(edit).keys(), self._site(edit)))
        return edit

    def write(self, edit: Edit, version: str | None = None) -> bool:
        """Write a prepared edit; `version` is the token of `edit.previous` as the editor read it.
        True when written; otherwise the writer's problems (a stale version too) join `edit.errors`."""
        if not edit.ok:
            return False
        try:
            self.writer.save(edit.entry, self.registry, edit.previous, version, edit.photos)
        except InvalidFields as exc:
            edit.errors += exc.errors
        except VersionConflict:
            edit.errors.append(FieldError.of("", "version_conflict"))
        return not edit.errors

    def save(self, fields: Mapping[str, object], previous: Site | None = None, version: str | None = None,
             publish: bool | None = None, uploads: Sequence[PhotoUpload] = (),
             recordings: Sequence[RecordingUpload] = ()) -> Edit:
        """`prepare` then `write`: the edit, written unless it holds errors."""
        edit = self.prepare(fields, previous, publish, uploads, recordings)
        self.write(edit, version)
        return edit

    def _attach(self, edit: Edit, upload: PhotoUpload) -> None:
        """Clean the upload and add it as the next photo row, under a free file name; a refused file is
        named in its problem's ctx (`file`), and, like any problem, stops the whole save."""
        try:
            data, extension = self.clean_photo(upload.data)
        except PhotoError as problem:
            kinds = {PhotoTooLarge: "photo_too_large", PhotoTooManyPixels: "photo_too_many_pixels"}
            kind = kinds.get(type(problem), "photo_unreadable")
            edit.errors.append(FieldError.of(UPLOAD_FIELD, kind, reason=str(problem), file=upload.filename))
            return
        row = row_count(edit.fields, "photos")
        taken = {str(name).rsplit(".", 1)[0] for key, name in edit.fields.items() if key.endswith(".file")}
        if edit.previous is not None:
            taken |= {path.stem for path in edit.previous.folder.iterdir()}
        name = photo_file_name(upload.filename, extension, taken)
        typed = {"caption": upload.caption, "caption_en": upload.caption_en, "credit": upload.credit}
        edit.fields.update({f"photos.{row}.file": name, **{f"photos.{row}.{k}": v for k, v in typed.items()}})
        edit.photos += (NewPhoto(name, data),)
        edit.photo_rows += (row,)

    def _attach_recording(self, edit: Edit, upload: RecordingUpload) -> None:
        """Decode the upload (proving it is audio within the limits), re-encode it to the served MP3 and
        name it as the narration of its language, replacing the one there was."""
        try:
            audio = reencode_recording(upload.data, upload.filename)
        except RecordingError as problem:
            edit.errors.append(FieldError.of(f"{RECORDING_FIELD}.{upload.lang}", problem.type,
                                             reason=str(problem), **problem.ctx))
            return
        name = f"narration-{upload.lang}{RECORDING_SUFFIX}"
        edit.fields.update({f"narration.{upload.lang}.file": name,
                            f"narration.{upload.lang}.narrator": upload.narrator})
        edit.photos += (NewPhoto(name, audio.data),)

    def _check(self, edit: Edit) -> None:
        """The entry's keys are free, its folder too (for a new or renamed site), and the user may
        change sites of its province (and of the province it had)."""
        site, previous = self._site(edit), edit.previous
        owners = self._owners if previous is None else \
            {key: other for key, other in self._owners.items() if other.slug != previous.slug}
        errors = [FieldError.from_content(error) for error in clashing_keys(site, owners)]
        if not errors and (previous is None or previous.slug != site.slug) and site.folder.exists():
            errors.append(FieldError.of("slug", "folder_exists", slug=site.slug))
        sites = [site] + ([previous] if previous else [])
        if self.user is not None and not all(self.user.may_edit_any(one.meta.address.provinces) for one in sites):
            errors.append(FieldError.of("address.province", "province_denied", province=self.user.province))
        edit.errors += errors

    def _site(self, edit: Edit) -> Site:
        entry = edit.entry
        return Site(meta=entry.meta, folder=self.writer.content_dir / entry.meta.slug, bodies=entry.bodies)


def propose_slug(name: str) -> str:
    """A slug from a name: "Đình Thới An" -> "dinh-thoi-an" (ASCII, lower case, hyphens)."""
    slug = ""
    for word in re.sub(r"[^a-z0-9]+", " ", fold(name)).split():
        if len(slug) + len(word) + 1 > 60:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug if len(slug) >= 2 and slug not in RESERVED_SLUGS else f"di-tich-{slug}".rstrip("-")


def propose_code(slug: str) -> str:
    """A QR code id from a slug: its whole words while they fit in CODE_MAX letters and digits ("dinh-thoi-an" ->
    "dinhthoian", "ve-nguon-thoi-an-o-mon-can-tho" -> "venguonthoiano"); a first word too long is cut."""
    words = slug.split("-")
    code = words[0][:CODE_MAX]
    for word in words[1:]:
        if len(code) + len(word) > CODE_MAX:
            break
        code += word
    return code


def suggested_code(text: str, taken: Container[str]) -> str:
    """A free code for `text` (a code or slug typed too long, or a name): its proposal, made unique."""
    slug = "-".join(re.sub(r"[^a-z0-9]+", " ", fold(text)).split())
    return _unique(propose_code(slug) or "ma", taken, "", CODE_MAX)


def with_proposed_ids(flat: Mapping[str, object], taken: Container[str],
                      numbers: dict[str, int] | None = None) -> dict[str, object]:
    """`flat` with a slug proposed from the name and a code from the slug where they are empty,
    each made unique against `taken` (the slugs, codes and aliases already in use). `numbers` remembers, for
    a batch whose `taken` only grows, where to go on numbering a key: 10,000 rows of "Di tích thử nghiệm số N"
    share one 16-letter code, and counting from 2 for each would take quadratic time."""
    flat = dict(flat)
    name = str(flat.get("name") or "").strip()
    if not str(flat.get("slug") or "").strip() and name:
        flat["slug"] = _unique(propose_slug(name), taken, "-", 80, numbers)
    slug = str(flat.get("slug") or "").strip()
    if not str(flat.get("code") or "").strip() and slug:
        flat["code"] = _unique(propose_code(slug), taken, "", CODE_MAX, numbers)
    return flat


def key_owners(registry: Registry) -> dict[str, Site]:
    """Every slug, code and alias in use, drafts included, with the site that uses it."""
    return {key: site for site in registry.all(include_drafts=True) for key in site.keys()}


def used_keys(registry: Registry) -> set[str]:
    """Every slug, code and alias in use, drafts included."""
    return set(key_owners(registry))


def apply_editing_rules(entry: Entry, previous: Site | Journey | None, publish: bool | None = None) -> Entry:
    """`entry` (a SiteInput or a JourneyInput) as it may be saved over `previous` (None for a new one).

    A new site is a draft; `publish` True makes an existing one public, False takes it back to a draft
    (unpublished: its QR code answers "temporarily unavailable"), None keeps it as it was.
    Once published, the code is fixed. A changed slug or code of an existing site is kept as an alias, drafts
    included: a site taken back to draft may already have a printed plaque, which must keep working."""
    published = previous is not None and (previous.published if publish is None else publish)
    aliases = entry.meta.aliases
    if previous is not None:
        if previous.published and entry.meta.code != previous.code:
            raise InvalidFields([FieldError.of("code", "code_fixed", code=previous.code)])
        keys = (entry.meta.slug, entry.meta.code)
        kept = dict.fromkeys([*aliases, *previous.meta.aliases, previous.slug, previous.code])
        aliases = [alias for alias in kept if alias not in keys]
    meta = entry.meta.model_copy(update={"aliases": aliases, "published": published})
    return replace(entry, meta=meta)


def photo_file_name(upload_name: str, extension: str, taken_stems: set[str]) -> str:
    """A file name for an upload: its own name made safe ("Cổng đình.JPG" -> "cong-dinh.jpg"), with the
    extension of the decoded format, and a number added when the name is taken."""
    stem = re.sub(r"[^a-z0-9]+", "-", fold(upload_name.rsplit(".", 1)[0])).strip("-")[:40] or "anh"
    return _unique(stem, taken_stems, "-", 80) + f".{extension}"


def _unique(base: str, taken: Container[str], separator: str, limit: int,
            numbers: dict[str, int] | None = None) -> str:
    candidate, number = base, (numbers or {}).get(base, 2)
    while candidate in taken:
        suffix = f"{separator}{number}"
        candidate, number = base[: limit - len(suffix)] + suffix, number + 1
    if numbers is not None and candidate != base:
        numbers[base] = number
    return candidate
