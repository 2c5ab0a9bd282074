"""The admin's site pages: the list with states and errors, the form to add or edit a site with a
photo upload, previews of drafts and of unsaved edits, and publishing."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.datastructures import UploadFile

from api.admin_auth import FormDep, StaffDep, render_admin
from api.admin_forms import form_errors, new_photo_fields, photo_file_name, posted_fields, row_count
from api.deps import LanguageDep, visitor_language
from api.i18n import STRINGS
from api.pages import photo_response, render_site
from api.views import site_out
from sites.accounts import User
from sites.editing import apply_editing_rules, used_keys, with_proposed_ids
from sites.fields import FieldError, InvalidFields, parse_fields, site_fields
from sites.models import CATEGORY_LABELS, RECOGNITION_LEVEL_LABELS, RELIC_KIND_LABELS, LocationPrecision
from sites.photos import MAX_UPLOAD_BYTES, PhotoError, PhotoTooLarge, clean_upload
from sites.site import PhotoFile, Site
from sites.writer import NewPhoto, VersionConflict, site_version

router = APIRouter(prefix="/admin", include_in_schema=False)

CONFLICT = "someone else saved this site since you opened it; open it again"


def staff_site(slug: str, request: Request, user: StaffDep) -> Site:
    """The site `slug`, drafts included, for a signed-in staff member (404 when there is none)."""
    return request.app.state.catalog.registry.get(slug, include_drafts=True)


StaffSiteDep = Annotated[Site, Depends(staff_site)]


def require_province(user: User, site: Site) -> None:
    """403 unless `user` may change `site` (editors: the sites of their province only)."""
    if not user.may_edit(site.meta.address.province):
        raise HTTPException(403, f"Bạn chỉ được sửa di tích của tỉnh {user.province} / "
                                 f"you may only change sites of {user.province}")


@router.get("", response_class=HTMLResponse)
def site_list(request: Request, user: StaffDep) -> HTMLResponse:
    """Every site with its state (draft or published), and every problem found in content/."""
    catalog = request.app.state.catalog
    return render_admin(request, "sites.html", {"sites": catalog.registry.all(include_drafts=True),
                                                "content_errors": catalog.errors})


@router.get("/new", response_class=HTMLResponse)
def new_site_form(request: Request, user: StaffDep) -> HTMLResponse:
    """An empty form; the site will be a draft."""
    return form_page(request, None, {"address.province": user.province or ""}, {})


@router.post("/new", response_class=HTMLResponse)
def create_site(request: Request, user: StaffDep, form: FormDep) -> Response:
    """Save a new site as a draft."""
    return save(request, user, form, None)


@router.get("/sites/{slug}", response_class=HTMLResponse)
def edit_site_form(request: Request, user: StaffDep, site: StaffSiteDep) -> HTMLResponse:
    """The form of a site, filled in, with the version it was read at."""
    require_province(user, site)
    return form_page(request, site, {**site_fields(site), "version": site_version(site.folder)}, {})


@router.post("/sites/{slug}", response_class=HTMLResponse)
def save_site(request: Request, user: StaffDep, site: StaffSiteDep, form: FormDep) -> Response:
    """Save an edit (`action=publish` also publishes a draft)."""
    require_province(user, site)
    return save(request, user, form, site)


@router.get("/sites/{slug}/preview", response_class=HTMLResponse)
def preview_saved(request: Request, user: StaffDep, site: StaffSiteDep, lang: LanguageDep) -> HTMLResponse:
    """The site page of a site as saved, drafts included (editors: of their province only)."""
    require_province(user, site)
    return preview(request, site, lang, site.slug)


@router.post("/preview", response_class=HTMLResponse)
def preview_unsaved(request: Request, user: StaffDep, form: FormDep) -> Response:
    """The site page of the form as filled in, without saving (the photo being uploaded is not shown)."""
    registry = request.app.state.catalog.registry
    previous = registry.get(str(form["editing"]), include_drafts=True) if form.get("editing") else None
    if previous is not None:
        require_province(user, previous)
    values = posted_fields(form)
    flat = with_proposed_ids(values, used_keys(registry)) if previous is None else values
    try:
        entry = parse_fields(flat)
    except InvalidFields as exc:
        return form_page(request, previous, {**values, "version": form.get("version", "")},
                         form_errors(exc.errors), 422)
    stored = {photo.path.name: photo for photo in previous.photos} if previous else {}
    photos = [PhotoFile(photo.caption, photo.caption_en, photo.credit, stored[photo.file].path,
                        stored[photo.file].width, stored[photo.file].height)
              for photo in entry.meta.photos if photo.file in stored]
    folder = previous.folder if previous else request.app.state.settings.content_dir / entry.meta.slug
    site = Site(meta=entry.meta, folder=folder, bodies=entry.bodies, translations=entry.translations, photos=photos)
    return preview(request, site, visitor_language(request), previous.slug if previous else None)


@router.get("/photos/{slug}/{name}")
def staff_photo(request: Request, user: StaffDep, site: StaffSiteDep, name: str) -> FileResponse:
    """A resized photo of a site the user may change, drafts included, for previews and the form.

    Never kept by a shared cache: a draft's photos are for staff only."""
    require_province(user, site)
    return photo_response(site, name, request.app.state.settings, cache_control="private, no-store")


def preview(request: Request, site: Site, lang: str, photos_of: str | None) -> HTMLResponse:
    """The visitor's site page for `site`, marked as a preview, with photos served to staff."""
    settings = request.app.state.settings
    photos_at = f"/admin/photos/{photos_of}" if photos_of else None
    view = site_out(site, lang, settings.base_url, request.app.state.catalog.registry, photos_at)
    return render_site(request, view, lang, settings.base_url, preview=True)


def form_page(request: Request, site: Site | None, values: dict, errors: dict, status_code: int = 200) -> HTMLResponse:
    """The site form showing `values` (flat fields) and `errors` next to their inputs."""
    return render_admin(request, "edit.html", {
        "site": site,
        "values": values,
        "errors": errors,
        "categories": _options(CATEGORY_LABELS),
        "levels": _options(RECOGNITION_LEVEL_LABELS),
        "kinds": _options({kind: labels for kind, labels in RELIC_KIND_LABELS.items() if kind}),
        "precisions": [(p.value, f"{STRINGS['vi'][f'precision_{p.value}']} / {STRINGS['en'][f'precision_{p.value}']}")
                       for p in LocationPrecision],
        "source_rows": range(row_count(values, "sources") + 2),
        "photo_rows": range(row_count(values, "photos")),
    }, status_code)


def _options(labels: dict) -> list[tuple[str, str]]:
    return [(value.value, f"{label['vi']} / {label['en']}") for value, label in labels.items()]


def save(request: Request, user: User, form, previous: Site | None) -> Response:
    """Validate the posted form with the content models and write it; on any problem, show the form
    again with each message next to its input, and write nothing."""
    state = request.app.state
    registry = state.catalog.registry
    values = posted_fields(form)
    shown = {**values, **{key: value for key, value in form.multi_items() if key.startswith("new_photo.")},
             "version": str(form.get("version", ""))}
    flat, photos, new_row, errors, status = dict(values), (), None, [], 422
    upload = form.get("photo_upload")
    if isinstance(upload, UploadFile) and upload.filename:
        try:
            data, extension = clean_upload(upload.file.read(MAX_UPLOAD_BYTES + 1))
        except PhotoError as problem:
            errors.append(FieldError("photo_upload", str(problem)))
            status = 413 if isinstance(problem, PhotoTooLarge) else 422
        else:
            new_row = row_count(values, "photos")
            taken = {name.rsplit(".", 1)[0] for key, name in values.items() if key.endswith(".file")}
            if previous:
                taken |= {path.stem for path in previous.folder.iterdir()}
            name = photo_file_name(upload.filename, extension, taken)
            flat.update({f"photos.{new_row}.file": name, **new_photo_fields(form, new_row)})
            photos = (NewPhoto(name, data),)
    if previous is None:
        flat = with_proposed_ids(flat, used_keys(registry))
        shown.update(slug=flat.get("slug", ""), code=flat.get("code", ""))
    entry = None
    try:
        entry = apply_editing_rules(parse_fields(flat), previous, publish=form.get("action") == "publish")
    except InvalidFields as exc:
        errors += exc.errors
    if entry and not user.may_edit(entry.meta.address.province):
        errors.append(FieldError("address.province", f"you may only add or change sites of {user.province}"))
        status = 403 if status == 422 else status
    try:
        if errors:
            raise InvalidFields(errors)
        state.writer.save(entry, registry, previous, str(form.get("version", "")), photos)
    except InvalidFields as exc:
        return form_page(request, previous, shown, form_errors(exc.errors, new_row), status)
    except VersionConflict:
        return form_page(request, previous, shown, form_errors([FieldError("", CONFLICT)], new_row), 409)
    state.catalog.reload()
    return RedirectResponse(f"/admin/sites/{entry.meta.slug}?saved=1", status_code=303)
