"""The signed-in staff member of a request: the session cookie, the CSRF token of every form, the admin's
page rendering (its own Content-Security-Policy) and the site a staff member may change."""

import hashlib
import hmac
import secrets
from collections.abc import AsyncIterator, Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from api.admin.staff_auth import StaffAuth
from api.csp import admin_policy
from api.deps import LoginRequired
from api.state import app_state
from api.templating import templates
from api.uploads import MAX_BODY_BYTES, SMALL_FORM_BYTES, read_form
from sites.catalog.site import Site
from sites.settings import Settings
from sites.staff.accounts import User

SESSION_COOKIE = "diachido_admin"
MAX_FORM_FIELDS = 400
MAX_FORM_FILES = 16  # several photos and a recording per language in one save (the body limit still holds)


def staff_auth(request: Request) -> StaffAuth:
    return app_state(request.app).staff_auth


def admin_headers(settings: Settings) -> dict[str, str]:
    """Security headers of admin pages: scripts from the app only, images also from the tile server."""
    return {
        "Content-Security-Policy": admin_policy(settings.tile_origin),
        "Cache-Control": "no-store",  # pages carry a CSRF token and unpublished drafts
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }


def render_admin(request: Request, template: str, context: dict, status_code: int = 200) -> HTMLResponse:
    """Render `admin/<template>` (Vietnamese first, English beside it) with the signed-in user, a CSRF token
    and the visit store's problem, if any (every staff page shows it)."""
    state = app_state(request.app)
    settings = state.settings
    cookie = request.cookies.get(SESSION_COOKIE)
    new_cookie = None if cookie else secrets.token_urlsafe(32)  # an anonymous visitor's CSRF nonce
    shared = {"user": current_user(request), "csrf_token": _csrf_token(request, cookie or new_cookie),
              "settings": settings, "visit_store_problem": state.visits.problem}
    response = templates.TemplateResponse(request, f"admin/{template}", {**shared, **context}, status_code=status_code)
    response.headers.update(admin_headers(settings))
    if new_cookie:
        set_cookie(response, settings, new_cookie)
    return response


def _csrf_token(request: Request, cookie: str) -> str:
    """The CSRF token of the cookie's holder: a keyed hash of the cookie (a session token, or a random
    nonce before login), so it changes with each session and cannot be made without the cookie."""
    return hmac.new(staff_auth(request).secret.encode(), f"csrf\0{cookie}".encode(), hashlib.sha256).hexdigest()


def set_cookie(response: Response, settings: Settings, value: str, max_age: int | None = None) -> None:
    """The admin cookie: HttpOnly, SameSite=Lax, sent to /admin only, Secure over HTTPS."""
    response.set_cookie(SESSION_COOKIE, value, max_age=max_age, path="/admin", httponly=True, samesite="lax",
                        secure=settings.secure_cookies)


def current_user(request: Request) -> User | None:
    """The signed-in staff member: the session is looked up in the session store (so a logout or a
    password change ends it everywhere) and the user in the accounts (so a removed user is signed out)."""
    if not hasattr(request.state, "staff_user"):
        auth, token = staff_auth(request), request.cookies.get(SESSION_COOKIE)
        name = auth.sessions.user(token) if token else None
        request.state.staff_user = auth.users.get(name) if name else None
    return request.state.staff_user


def require_staff(request: Request) -> User:
    """The signed-in user; a page asked for anonymously redirects to the login form, a write gets 401."""
    user = current_user(request)
    if user is None:
        if request.method in ("GET", "HEAD"):
            raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        raise HTTPException(401, "Hãy đăng nhập / please log in")
    return user


def checked_form(limit: int, max_fields: int, max_files: int) -> Callable[[Request], AsyncIterator[FormData]]:
    """A dependency: the posted form (at most `limit` bytes), once its CSRF token matches the cookie's; uploads
    are closed afterwards."""
    async def checked(request: Request) -> AsyncIterator[FormData]:
        form = await read_form(request, limit, max_fields, max_files)
        try:
            sent, cookie = form.get("csrf_token"), request.cookies.get(SESSION_COOKIE)
            if not (isinstance(sent, str) and cookie and secrets.compare_digest(sent, _csrf_token(request, cookie))):
                raise HTTPException(403, "Biểu mẫu đã hết hạn, hãy tải lại trang"
                                         " / the form expired (CSRF check); reload")
            yield form
        finally:
            await form.close()
    return checked


StaffDep = Annotated[User, Depends(require_staff)]
FormDep = Annotated[FormData, Depends(checked_form(MAX_BODY_BYTES, MAX_FORM_FIELDS, MAX_FORM_FILES))]
# The login and logout forms, reachable before one signs in: a name, a password, the token, where to go next.
SMALL_FORM_FIELDS = 10
SmallFormDep = Annotated[FormData, Depends(checked_form(SMALL_FORM_BYTES, SMALL_FORM_FIELDS, 0))]


def safe_next(target: object) -> str:
    """Where to go after logging in: an admin path of this site only (no open redirect)."""
    if isinstance(target, str) and target.startswith("/admin") and not target.startswith("/admin/login"):
        return target
    return "/admin"




def staff_site(slug: str, request: Request, user: StaffDep) -> Site:
    """The site `slug`, drafts included, for a signed-in staff member (404 when there is none)."""
    return app_state(request.app).catalog.registry.get(slug, include_drafts=True)


StaffSiteDep = Annotated[Site, Depends(staff_site)]


def require_province(user: User, site: Site) -> None:
    """403 unless `user` may change `site` (editors: the sites of their province only)."""
    if not user.may_edit_any(site.card.provinces):
        raise HTTPException(403, f"Bạn chỉ được sửa di tích của tỉnh {user.province} / "
                                 f"you may only change sites of {user.province}")
