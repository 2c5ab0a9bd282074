"""The admin's site and journey forms: posted inputs to flat fields (`sites.editing.fields`), a photo and recordings
uploaded, the provinces to choose from, and each problem worded in Vietnamese first with the English beside it,
ready to show next to its input."""

import re

from starlette.datastructures import FormData, UploadFile

from sites.catalog.loader import nested_model
from sites.catalog.messages import bilingual
from sites.catalog.models import SiteFrontMatter
from sites.catalog.photos import MAX_UPLOAD_BYTES
from sites.catalog.provinces import current_provinces
from sites.editing.fields import FieldError
from sites.editing.site_editor import RECORDING_FIELD, UPLOAD_FIELD, PhotoUpload, RecordingUpload
from speech.audio import MAX_RECORDING_BYTES

CONTROL_FIELDS = {"csrf_token", "version", "action", "photo_upload", "editing", "published", "move"}
ROW_GROUPS = ("sources", "photos")
# Translations the form has inputs for; the fields of any other (Khmer…) pass through as hidden inputs,
# so that saving the form keeps them.
FORM_TRANSLATIONS = ("en",)
QUIZ = "quiz"
NEW_PHOTO = "new_photo"
NEW_PHOTO_FIELDS = ("caption", "caption_en", "credit")

def staff_message(error: FieldError) -> str:
    """"Giá trị tối đa là 90 / Input should be less than or equal to 90 (got '999')": Vietnamese chosen
    by the problem's type and ctx, then its English."""
    return bilingual(error.type, error.ctx, error.message)


def posted_fields(form: FormData) -> dict[str, str]:
    """The site's flat fields from a posted form: control inputs dropped, removed photos and empty
    rows left out, the photo of a pressed "move" button ("photos.2.up") swapped with its neighbour, and
    rows numbered again from 0, so that errors name the rows as they are shown."""
    flat = {key: value for key, value in form.multi_items()
            if isinstance(value, str) and key not in CONTROL_FIELDS and not key.startswith(f"{NEW_PHOTO}.")}
    for group in ROW_GROUPS:
        rows: dict[int, dict[str, str]] = {}
        for key in [key for key in flat if re.fullmatch(rf"{group}\.\d{{1,3}}\.\w+", key)]:
            _, index, field = key.split(".")
            rows.setdefault(int(index), {})[field] = flat.pop(key)
        ordered = sorted(rows.items())
        moved = re.fullmatch(rf"{group}\.(\d{{1,3}})\.(up|down)", str(form.get("move", "")))
        if moved and (index := next((n for n, (i, _) in enumerate(ordered) if i == int(moved[1])), None)) is not None:
            other = index - 1 if moved[2] == "up" else index + 1
            if 0 <= other < len(ordered):
                ordered[index], ordered[other] = ordered[other], ordered[index]
        kept = [row for _, row in ordered if "remove" not in row and any(v.strip() for v in row.values())]
        for number, row in enumerate(kept):
            flat.update({f"{group}.{number}.{field}": value for field, value in row.items()})
    return posted_quiz(flat)


def _quiz_rows(flat: dict[str, str]) -> list[int]:
    """The numbers of the quiz questions in the flat fields (`quiz.<n>.…`), in order."""
    return sorted({int(key.split(".")[1]) for key in flat if re.fullmatch(rf"{QUIZ}\.\d{{1,2}}\..+", key)})


def posted_quiz(flat: dict[str, str]) -> dict[str, str]:
    """The quiz as the form posts it, one row a question with its translations beside it: a row marked
    `quiz.<n>.remove` left out with its translations, the answer counted among the choices filled in (an
    empty box above the right choice does not move the answer), and each translated row given the id of
    its Vietnamese question when anything in it is filled in."""
    flat = dict(flat)
    for row in _quiz_rows(flat):
        prefixes = [f"{QUIZ}.{row}.", *(f"{lang}.{QUIZ}.{row}." for lang in FORM_TRANSLATIONS)]
        if f"{QUIZ}.{row}.remove" in flat:
            flat = {key: value for key, value in flat.items() if not key.startswith(tuple(prefixes))}
            continue
        filled = sorted(int(key.rsplit(".", 1)[1]) for key, value in flat.items()
                        if re.fullmatch(rf"{QUIZ}\.{row}\.choices\.\d", key) and value.strip())
        answer = flat.get(f"{QUIZ}.{row}.answer", "").strip()
        if answer.isdigit() and int(answer) - 1 in filled:
            flat[f"{QUIZ}.{row}.answer"] = str(filled.index(int(answer) - 1) + 1)
        for prefix in prefixes[1:]:
            flat.pop(f"{prefix}id", None)
            if any(value.strip() for key, value in flat.items() if key.startswith(prefix)):
                flat[f"{prefix}id"] = flat.get(f"{QUIZ}.{row}.id", "")
    return flat


def quiz_side_by_side(values: dict[str, str]) -> dict[str, str]:
    """A site's flat fields with each translated question (`en.quiz.<n>.…`) moved to the row of the
    Vietnamese question of the same id, as the form shows them side by side."""
    rows = {values[f"{QUIZ}.{row}.id"]: row for row in _quiz_rows(values) if f"{QUIZ}.{row}.id" in values}
    shown = dict(values)
    for lang in FORM_TRANSLATIONS:
        prefix = f"{lang}.{QUIZ}."
        translated = [key for key in shown if key.startswith(prefix)]
        moved = {}
        for key in translated:
            row, rest = key.removeprefix(prefix).split(".", 1)
            moved[f"{prefix}{rows.get(values.get(f'{prefix}{row}.id'), row)}.{rest}"] = shown.pop(key)
        shown.update(moved)
    return shown


def photo_uploads(form: FormData) -> list[PhotoUpload]:
    """The photos chosen in the form (one file input, several files), each read up to one byte past the
    limit, each with the caption and credit typed for the new photos (staff adjust them one by one after)."""
    typed = {name: str(form.get(f"{NEW_PHOTO}.{name}", "")) for name in NEW_PHOTO_FIELDS}
    return [PhotoUpload(upload.filename, upload.file.read(MAX_UPLOAD_BYTES + 1), **typed)
            for upload in form.getlist(UPLOAD_FIELD) if isinstance(upload, UploadFile) and upload.filename]


def recording_uploads(form: FormData) -> tuple[RecordingUpload, ...]:
    """The recordings chosen in the form (`narration_upload.<lang>`), each read up to one byte past the
    limit, with the narrator typed for its language."""
    uploads = []
    for key, upload in form.multi_items():
        lang = key.removeprefix(f"{RECORDING_FIELD}.")
        if lang != key and isinstance(upload, UploadFile) and upload.filename:
            narrator = str(form.get(f"narration.{lang}.narrator", ""))
            uploads.append(RecordingUpload(lang, upload.filename, upload.file.read(MAX_RECORDING_BYTES + 1), narrator))
    return tuple(uploads)


def _inputs_of(field: str) -> list[str]:
    """The required inputs of a missing block ("address" -> address.text, address.province)."""
    model = nested_model(SiteFrontMatter.model_fields[field].annotation) if field in SiteFrontMatter.model_fields \
        else None
    if model is None:
        return [field]
    return [f"{field}.{name}" for name, info in model.model_fields.items() if info.is_required()]


def form_errors(errors: list[FieldError], new_photos: tuple[int, ...] = ()) -> dict[str, list[str]]:
    """Bilingual messages by input name; errors of the uploaded photos' rows go to the upload inputs."""
    shown: dict[str, list[str]] = {}
    for error in errors:
        field = error.field
        if any(field.startswith(f"photos.{row}.") for row in new_photos):
            name = field.rsplit(".", 1)[1]
            field = UPLOAD_FIELD if name == "file" else f"{NEW_PHOTO}.{name}"
        if re.fullmatch(r"narration\.[\w-]+\.file", field):  # no recording chosen for a narrator typed
            field = f"{RECORDING_FIELD}.{field.split('.')[1]}"
        named = f"{error.ctx['file']}: " if field == UPLOAD_FIELD and error.ctx.get("file") else ""  # which upload
        for name in _inputs_of(field) if error.type == "missing" else [field]:
            shown.setdefault(name, []).append(named + staff_message(error))
    if new_photos:
        shown.setdefault(UPLOAD_FIELD, []).append(staff_message(FieldError.of(UPLOAD_FIELD, "photo_again")))
    return shown


STOP_ROW = re.compile(r"stops\.(\d{1,3})\.(.+)")
JOURNEY_CONTROL_FIELDS = CONTROL_FIELDS | {"row_action"}


def posted_journey_fields(form: FormData) -> dict[str, str]:
    """A journey's flat fields from its posted form: the stop rows in the order shown, moved or removed
    by the row button pressed (`row_action` "up-2", "down-0", "remove-1"), rows without a site left out,
    and numbered again from 0."""
    flat = {key: value for key, value in form.multi_items()
            if isinstance(value, str) and key not in JOURNEY_CONTROL_FIELDS}
    rows: dict[int, dict[str, str]] = {}
    for key in [key for key in flat if STOP_ROW.fullmatch(key)]:
        index, name = STOP_ROW.fullmatch(key).groups()
        rows.setdefault(int(index), {})[name] = flat.pop(key)
    indices = sorted(rows)
    ordered = [rows[index] for index in indices]
    action, _, number = str(form.get("row_action", "")).partition("-")
    if number.isdigit() and int(number) in rows:
        position = indices.index(int(number))
        if action == "remove":
            del ordered[position]
        elif action in ("up", "down"):
            other = position - 1 if action == "up" else position + 1
            if 0 <= other < len(ordered):
                ordered[position], ordered[other] = ordered[other], ordered[position]
    kept = [row for row in ordered if row.get("site", "").strip()]
    for number, row in enumerate(kept):
        flat.update({f"stops.{number}.{name}": value for name, value in row.items()})
    return flat


def province_options(given: str) -> list[tuple[str, str]]:
    """The current provinces to choose from, for the site and the journey forms alike; a province written
    otherwise in the files (by hand, or a former one) is kept as the first choice, so saving does not change it."""
    options = [(province, province) for province in current_provinces()]
    if given and given not in current_provinces():
        options.insert(0, (given, f"{given} (không có trong danh sách / not in the list)"))
    return options
