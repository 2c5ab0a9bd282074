"""The admin's site form: posted inputs to flat fields (`sites.fields`), and each problem worded in
Vietnamese first with the loader's English beside it, ready to show next to its input."""

import re

from starlette.datastructures import FormData

from sites.fields import FieldError
from sites.loader import nested_model
from sites.models import SiteFrontMatter
from sites.text import fold

CONTROL_FIELDS = {"csrf_token", "version", "action", "photo_upload", "editing", "published"}
ROW_GROUPS = ("sources", "photos")
NEW_PHOTO = "new_photo"
NEW_PHOTO_FIELDS = ("caption", "caption_en", "credit")

# Vietnamese for the English messages of the models and the loader, matched by a telling part.
VIETNAMESE = [
    ("required field is missing", "Bắt buộc điền"),
    ("at least 1 character", "Bắt buộc điền"),
    ("less than or equal", "Giá trị quá lớn"),
    ("greater than or equal", "Giá trị quá nhỏ"),
    ("far outside Vietnam", "Tọa độ nằm ngoài Việt Nam (có thể đã đảo vĩ độ và kinh độ)"),
    ("valid number", "Phải là một số"),
    ("valid integer", "Phải là một số nguyên"),
    ("reserved device name", "Tên này bị Windows dành riêng; hãy chọn tên khác"),
    ("single hyphens", "Chỉ dùng chữ thường không dấu a-z, chữ số và dấu gạch nối đơn"),
    ("2-16 lower-case", "Dùng 2-16 chữ thường không dấu a-z và chữ số"),
    ("already used by", "Đã được di tích khác dùng"),
    ("already exists", "Đã có thư mục trùng tên"),
    ("at most 300 characters", "Tối đa 300 ký tự"),
    ("web address", "Phải là địa chỉ web bắt đầu bằng http:// hoặc https://"),
    ("MB; at most", "Ảnh quá lớn"),
    ("megapixels", "Ảnh quá nhiều điểm ảnh (tối đa 40 megapixel), hãy thu nhỏ"),
    ("JPEG, PNG or WebP", "Không phải ảnh JPEG, PNG hoặc WebP"),
    ("cannot change", "Mã QR của di tích đã xuất bản không được đổi"),
    ("you may only", "Bạn chỉ được thêm, sửa di tích thuộc tỉnh của mình"),
    ("saved this site since you opened", "Người khác vừa lưu di tích này; thay đổi của bạn chưa được lưu"),
    ("choose the photo again", "Hãy chọn lại ảnh"),
    ("unknown field", "Trường không tồn tại"),
    ("Input should be", "Hãy chọn một giá trị trong danh sách"),
]


def bilingual(message: str) -> str:
    """"Giá trị quá lớn / Input should be less than or equal to 90 (got '999')"."""
    vietnamese = next((vi for part, vi in VIETNAMESE if part in message), "Giá trị chưa hợp lệ")
    return f"{vietnamese} / {message}"


def posted_fields(form: FormData) -> dict[str, str]:
    """The site's flat fields from a posted form: control inputs dropped, removed photos and empty
    rows left out, and rows numbered again from 0, so that errors name the rows as they are shown."""
    flat = {key: value for key, value in form.multi_items()
            if isinstance(value, str) and key not in CONTROL_FIELDS and not key.startswith(f"{NEW_PHOTO}.")}
    for group in ROW_GROUPS:
        rows: dict[int, dict[str, str]] = {}
        for key in [key for key in flat if re.fullmatch(rf"{group}\.\d{{1,3}}\.\w+", key)]:
            _, index, field = key.split(".")
            rows.setdefault(int(index), {})[field] = flat.pop(key)
        kept = [row for _, row in sorted(rows.items()) if "remove" not in row and any(v.strip() for v in row.values())]
        for number, row in enumerate(kept):
            flat.update({f"{group}.{number}.{field}": value for field, value in row.items()})
    return flat


def row_count(values: dict, group: str) -> int:
    """How many rows of `group` (sources, photos) the flat fields hold."""
    return len({key.split(".")[1] for key in values if key.startswith(f"{group}.")})


def new_photo_fields(form: FormData, number: int) -> dict[str, str]:
    """Caption and credit typed for an uploaded photo, as the flat fields of photo row `number`."""
    return {f"photos.{number}.{name}": str(form.get(f"{NEW_PHOTO}.{name}", "")) for name in NEW_PHOTO_FIELDS}


def photo_file_name(upload_name: str, extension: str, taken_stems: set[str]) -> str:
    """A file name for an upload: its own name made safe ("Cổng đình.JPG" -> "cong-dinh.jpg"), with the
    extension of the decoded format, and a number added when the name is taken."""
    stem = re.sub(r"[^a-z0-9]+", "-", fold(upload_name.rsplit(".", 1)[0])).strip("-")[:40] or "anh"
    candidate, number = stem, 2
    while candidate in taken_stems:
        candidate, number = f"{stem}-{number}", number + 1
    return f"{candidate}.{extension}"


def _inputs_of(field: str) -> list[str]:
    """The required inputs of a missing block ("address" -> address.text, address.province)."""
    model = nested_model(SiteFrontMatter.model_fields[field].annotation) if field in SiteFrontMatter.model_fields \
        else None
    if model is None:
        return [field]
    return [f"{field}.{name}" for name, info in model.model_fields.items() if info.is_required()]


def form_errors(errors: list[FieldError], new_photo: int | None = None) -> dict[str, list[str]]:
    """Bilingual messages by input name; errors of the uploaded photo's row go to the upload inputs."""
    shown: dict[str, list[str]] = {}
    for error in errors:
        field = error.field
        if new_photo is not None and field.startswith(f"photos.{new_photo}."):
            name = field.rsplit(".", 1)[1]
            field = "photo_upload" if name == "file" else f"{NEW_PHOTO}.{name}"
        for name in _inputs_of(field) if error.message == "required field is missing" else [field]:
            shown.setdefault(name, []).append(bilingual(error.message))
    if new_photo is not None:
        shown.setdefault("photo_upload", []).append(bilingual("nothing was saved: choose the photo again"))
    return shown
