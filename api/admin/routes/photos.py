"""Staff photos: `/admin/photos/{slug}/{name}`, a site's photos (drafts included) for previews and the form."""

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.admin.staff import StaffDep, StaffSiteDep, require_province
from api.deps import SettingsDep
from api.views.photo_files import photo_response

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/photos/{slug}/{name}")
def staff_photo(user: StaffDep, site: StaffSiteDep, name: str, settings: SettingsDep) -> FileResponse:
    """A resized photo of a site the user may change, drafts included, for previews and the form.

    Never kept by a shared cache: a draft's photos are for staff only."""
    require_province(user, site)
    return photo_response(site, name, settings, cache_control="private, no-store")
