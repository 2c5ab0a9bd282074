"""Public photos: `/photos/{slug}/{name}`, resized and stripped of metadata."""

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.deps import SettingsDep, SiteDep
from api.views.photo_files import photo_response

router = APIRouter(include_in_schema=False)


@router.api_route("/photos/{slug}/{name}", methods=["GET", "HEAD"])
def photo_variant(site: SiteDep, name: str, settings: SettingsDep) -> FileResponse:
    """A resized, metadata-free JPEG of a site photo, made on first request and cached under data_dir."""
    return photo_response(site, name, settings)
