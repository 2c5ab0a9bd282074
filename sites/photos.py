"""Resized variants of site photos for small screens and slow networks, made with Pillow and cached.

A variant is an upright (EXIF orientation applied), RGB, progressive JPEG with no metadata, so the
location data a phone writes into a photo is never published. Photos uploaded through the admin are
cleaned the same way before they are stored (`clean_upload`).
"""

import io
import re
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from sites.files import atomic_write
from sites.site import PhotoFile

VARIANT_WIDTHS = (480, 960, 1200)
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
_VARIANT_NAME = re.compile(r"^(?P<stem>[A-Za-z0-9][A-Za-z0-9_-]*)-(?P<width>\d+)\.jpg$")


class PhotoError(ValueError):
    """The file is not a photo we can publish; the message says why, for staff."""


class PhotoTooLarge(PhotoError):
    """The upload is larger than MAX_UPLOAD_BYTES."""


def upright_size(path: Path) -> tuple[int, int]:
    """Width and height of an image as displayed, after its EXIF orientation (reads the header only).

    Raises PhotoError when the file is not a JPEG, PNG or WebP image."""
    try:
        with Image.open(path) as image:
            if image.format not in PHOTO_FORMATS:
                raise PhotoError(f"'{path.name}' is {image.format}, not a JPEG, PNG or WebP image")
            width, height = image.size
            if image.getexif().get(0x0112) in (5, 6, 7, 8):  # EXIF Orientation: rotated by 90 degrees
                width, height = height, width
            return width, height
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise PhotoError(f"'{path.name}' is not a readable JPEG, PNG or WebP image") from exc


def variant_widths(photo: PhotoFile) -> list[int]:
    """The widths worth offering for `photo`: the smallest always, larger ones up to its own width."""
    return [width for width in VARIANT_WIDTHS if width == VARIANT_WIDTHS[0] or width <= photo.width]


def scaled_size(photo: PhotoFile, width: int) -> tuple[int, int]:
    """Pixel size of the variant `width` of `photo` (never larger than the original)."""
    if photo.width <= width:
        return photo.width, photo.height
    return width, max(1, round(photo.height * width / photo.width))


def variant_name(photo: PhotoFile, width: int) -> str:
    """File name of a variant in URLs, for example `san-dinh-480.jpg`."""
    return f"{photo.stem}-{width}.jpg"


def parse_variant_name(name: str) -> tuple[str, int] | None:
    """(stem, width) of a variant name, or None when `name` is not a variant of an allowed width."""
    match = _VARIANT_NAME.match(name)
    if not match or int(match["width"]) not in VARIANT_WIDTHS:
        return None
    return match["stem"], int(match["width"])


def variant_file(photo: PhotoFile, width: int, cache_dir: Path) -> Path:
    """The cached variant file of `photo`, made first if needed. An edited photo gets a new cache entry."""
    stat = photo.path.stat()
    target = cache_dir / f"{photo.stem}-{width}-{stat.st_mtime_ns}-{stat.st_size}.jpg"
    if not target.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        _write_variant(photo.path, width, target)
    return target


def _write_variant(source: Path, width: int, target: Path) -> None:
    with Image.open(source) as original:
        image = ImageOps.exif_transpose(original)
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            background = Image.new("RGB", image.size, "white")
            background.paste(image, mask=image.getchannel("A"))
            image = background
        image = image.convert("RGB")
        image.thumbnail((width, width * 10), Image.Resampling.LANCZOS)
        with atomic_write(target) as out:
            image.save(out, "JPEG", quality=78, optimize=True, progressive=True)


MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_SAVE_OPTIONS = {"JPEG": {"quality": 90, "optimize": True}, "PNG": {"optimize": True}, "WEBP": {"quality": 90}}
_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def clean_upload(data: bytes) -> tuple[bytes, str]:
    """An uploaded photo made ready to publish: (bytes, extension) of an upright copy without metadata.

    The format comes from decoding the bytes, never from the file name. EXIF orientation is applied
    and EXIF (with its GPS position), XMP and comments are dropped; only the colour profile is kept.
    Raises PhotoError when the upload is too large or not a JPEG, PNG or WebP image.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoTooLarge(f"the photo is {len(data) / 1048576:.1f} MB; at most {MAX_UPLOAD_BYTES // 1048576} MB")
    try:
        with Image.open(io.BytesIO(data)) as original:
            if original.format not in PHOTO_FORMATS:
                raise PhotoError(f"the file is {original.format}, not a JPEG, PNG or WebP image")
            image_format = original.format
            image = ImageOps.exif_transpose(original)
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PhotoError("the file is not a readable JPEG, PNG or WebP image") from exc
    icc_profile = image.info.get("icc_profile")
    image.info = {}
    if image_format == "JPEG" and image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    out = io.BytesIO()
    options = {**_SAVE_OPTIONS[image_format], **({"icc_profile": icc_profile} if icc_profile else {})}
    image.save(out, image_format, **options)
    return out.getvalue(), _EXTENSIONS[image_format]
