"""Resized variants of site photos for small screens and slow networks, made with Pillow and cached.

A variant is an upright (EXIF orientation applied), RGB, progressive JPEG with no metadata, so the
location data a phone writes into a photo is never published. Photos uploaded through the admin are
cleaned the same way before they are stored (`clean_upload`).
"""

import io
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from sites.catalog.reading import UnreadableFile, regular_file_status
from sites.catalog.site import PhotoFile
from sites.storage.files import atomic_write

VARIANT_WIDTHS = (480, 960, 1200)
MAX_PHOTO_PIXELS = 40_000_000  # decoded: 120-160 MB; phones save 12 MP by default
_VARIANT_MAKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="photo-variants")
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
_VARIANT_NAME = re.compile(r"^(?P<stem>[A-Za-z0-9][A-Za-z0-9_-]*)-(?P<width>\d+)\.jpg$")


class PhotoError(ValueError):
    """The file is not a photo we can publish; the message says why, for staff."""


class PhotoTooLarge(PhotoError):
    """The upload is larger than MAX_UPLOAD_BYTES."""


class PhotoTooManyPixels(PhotoError):
    """The image has more than MAX_PHOTO_PIXELS (its header says so; it was never decoded)."""


def upright_size(path: Path) -> tuple[int, int]:
    """Width and height of an image as displayed, after its EXIF orientation, read from the header only:
    a reload never decodes a photo.

    Raises PhotoError when the file is not a regular file holding a JPEG, PNG or WebP image of at most
    MAX_PHOTO_PIXELS."""
    try:
        regular_file_status(path)
        with Image.open(path) as image:
            if image.format not in PHOTO_FORMATS:
                raise PhotoError(f"'{path.name}' is {image.format}, not a JPEG, PNG or WebP image")
            check_pixels(image, f"'{path.name}'")
            width, height = image.size
            return (height, width) if _turned(image) else (width, height)
    except UnreadableFile as problem:
        raise PhotoError(f"'{path.name}' {problem}") from problem
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise PhotoError(f"'{path.name}' is not a readable JPEG, PNG or WebP image") from exc


def check_pixels(image: Image.Image, name: str, max_pixels: int = MAX_PHOTO_PIXELS) -> None:
    """PhotoTooManyPixels when `image` has more than `max_pixels` (its header says; nothing is decoded)."""
    width, height = image.size
    if width * height > max_pixels:
        raise PhotoTooManyPixels(f"{name} is {width} x {height} pixels ({width * height / 1e6:.0f} megapixels); "
                                 f"at most {max_pixels // 1_000_000} megapixels: make it smaller")


def _turned(image: Image.Image) -> bool:
    """Whether the EXIF orientation turns `image` by 90 degrees. Read from the header: Pillow decodes a
    whole PNG to look for EXIF after the pixels, so a PNG without EXIF in its header is upright."""
    if image.format == "PNG" and "exif" not in image.info:
        return False
    return image.getexif().get(0x0112) in (5, 6, 7, 8)


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
    """The cached variant file of `photo`, made first if needed. An edited photo gets a new cache entry.

    Variants are made one at a time, by one thread: a 40-megapixel PNG takes about 200 MB while it
    is resized, and memory freed by many threads stays with each thread's malloc arena, so the first
    views of a page of large photos on several phones would add up to gigabytes.
    """
    stat = photo.path.stat()
    target = cache_dir / f"{photo.stem}-{width}-{stat.st_mtime_ns}-{stat.st_size}.jpg"
    if not target.exists():
        _VARIANT_MAKER.submit(_make_variant, photo.path, width, target).result()
    return target


def _make_variant(source: Path, width: int, target: Path) -> None:
    if target.exists():  # made for another request while this one waited
        return
    with Image.open(source) as image:
        check_pixels(image, f"'{source.name}'")  # the file may have been replaced since it was loaded
        turned = _turned(image)
        stored_width, stored_height = image.size
        upright_width = stored_height if turned else stored_width
        scale = min(1.0, width / upright_width)
        size = (max(1, round(stored_width * scale)), max(1, round(stored_height * scale)))
        image.draft("RGB", size)  # a JPEG is decoded at 1/2, 1/4 or 1/8 of its size when that is enough
        if image.mode in ("1", "P"):
            image = image.convert("RGBA")  # a palette image would be resized by its nearest pixels
        image.thumbnail(size, Image.Resampling.LANCZOS)  # before anything else copies the full image
        image = ImageOps.exif_transpose(image)
        if image.mode in ("RGBA", "LA", "PA"):
            rgba = image.convert("RGBA")
            image = Image.new("RGB", image.size, "white")
            image.paste(rgba, mask=rgba.getchannel("A"))
        image = image.convert("RGB")
        cache_dir = target.parent
        cache_dir.mkdir(parents=True, exist_ok=True)
        with atomic_write(target) as out:
            image.save(out, "JPEG", quality=78, optimize=True, progressive=True)


MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_SAVE_OPTIONS = {"JPEG": {"quality": 90, "optimize": True}, "PNG": {"optimize": True}, "WEBP": {"quality": 90}}
_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def check_upload(data: bytes, max_pixels: int = MAX_PHOTO_PIXELS) -> str:
    """The format of an uploaded photo, read from its header only (nothing is decoded, so this is cheap enough
    for the event loop and runs before a photo waits for the image worker). Raises PhotoError when the upload
    is too large (bytes, or pixels beyond `max_pixels`) or not a JPEG, PNG or WebP image."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoTooLarge(f"the photo is {len(data) / 1048576:.1f} MB; at most {MAX_UPLOAD_BYTES // 1048576} MB")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in PHOTO_FORMATS:
                raise PhotoError(f"the file is {image.format}, not a JPEG, PNG or WebP image")
            check_pixels(image, "the photo", max_pixels)
            return image.format
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise PhotoError("the file is not a readable JPEG, PNG or WebP image") from exc


def clean_upload(data: bytes, max_pixels: int = MAX_PHOTO_PIXELS) -> tuple[bytes, str]:
    """An uploaded photo made ready to publish: (bytes, extension) of an upright copy without metadata.

    The format comes from decoding the bytes, never from the file name. EXIF orientation is applied
    and EXIF (with its GPS position), XMP and comments are dropped; only the colour profile is kept.
    Raises PhotoError as `check_upload` does, before decoding anything, or when the pixels do not decode.
    Decoding takes up to 4 bytes a pixel: requests run it in the image worker (api/image_worker.py).
    """
    image_format = check_upload(data, max_pixels)
    try:
        with Image.open(io.BytesIO(data)) as original:
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
