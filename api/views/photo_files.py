"""A site photo's resized variant as a file response, for the public photos and the staff previews."""

from fastapi import HTTPException
from fastapi.responses import FileResponse

from sites.catalog.photos import parse_variant_name, variant_file
from sites.catalog.site import Site
from sites.settings import Settings

PHOTO_CACHE_SECONDS = 7 * 24 * 3600


def photo_response(site: Site, name: str, settings: Settings,
                   cache_control: str = f"public, max-age={PHOTO_CACHE_SECONDS}") -> FileResponse:
    """The variant `name` (e.g. `cong-480.jpg`) of a photo of `site`, or 404."""
    parsed = parse_variant_name(name)
    photo = next((p for p in site.photos if parsed and p.stem == parsed[0]), None)
    if photo is None:
        raise HTTPException(404, f"No photo '{name}' for site '{site.slug}'")
    path = variant_file(photo, parsed[1], settings.data_dir / "photo-cache" / site.slug)
    return FileResponse(path, media_type="image/jpeg",
                        headers={"Cache-Control": cache_control})
