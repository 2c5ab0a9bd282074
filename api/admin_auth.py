"""Staff sign-in for /admin: the session cookie, a CSRF token on every form, login throttling, and
the admin's own pages (their CSP allows the app's own scripts and the tile server, nothing else)."""

import math
import secrets
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from api.deps import LoginRequired
from api.settings import Settings
from api.templating import templates
from sites.accounts import User

router = APIRouter(prefix="/admin", include_in_schema=False)

SESSION_COOKIE = "diachido_admin"
SESSION_SECONDS = 12 * 3600
MAX_FORM_FIELDS = 400


def admin_headers(settings: Settings) -> dict[str, str]:
    """Security headers of admin pages: scripts from the app only, images also from the tile server."""
    return {
        "Content-Security-Policy": f"default-src 'self'; img-src 'self' data: {settings.tile_origin}; "
        "style-src 'self' 'unsafe-inline'; script-src 'self'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'",
        "Cache-Control": "no-store",  # pages carry a CSRF token and unpublished drafts
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }


def render_admin(request: Request, template: str, context: dict, status_code: int = 200) -> HTMLResponse:
    """Render `admin/<template>` (Vietnamese first, English beside it) with the signed-in user and a CSRF token."""
    settings: Settings = request.app.state.settings
    shared = {"user": current_user(request), "csrf_token": csrf_token(request), "settings": settings}
    response = templates.TemplateResponse(request, f"admin/{template}", {**shared, **context}, status_code=status_code)
    response.headers.update(admin_headers(settings))
    return response


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use; every admin form sends it back."""
    if "csrf" not in request.session:
        request.session["csrf"] = secrets.token_urlsafe(32)
    return request.session["csrf"]


def current_user(request: Request) -> User | None:
    """The signed-in staff member (looked up again on each request, so a removed user is signed out)."""
    name = request.session.get("user")
    return request.app.state.users.get(name) if isinstance(name, str) else None


def require_staff(request: Request) -> User:
    """The signed-in user; a page asked for anonymously redirects to the login form, a write gets 401."""
    user = current_user(request)
    if user is None:
        if request.method in ("GET", "HEAD"):
            raise LoginRequired(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        raise HTTPException(401, "Hãy đăng nhập / please log in")
    return user


async def checked_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form, once its CSRF token matches the session's; uploads are closed afterwards."""
    form = await request.form(max_files=2, max_fields=MAX_FORM_FIELDS)
    try:
        sent, expected = form.get("csrf_token"), request.session.get("csrf")
        if not (isinstance(sent, str) and isinstance(expected, str) and secrets.compare_digest(sent, expected)):
            raise HTTPException(403, "Biểu mẫu đã hết hạn, hãy tải lại trang / the form expired (CSRF check); reload")
        yield form
    finally:
        await form.close()


StaffDep = Annotated[User, Depends(require_staff)]
FormDep = Annotated[FormData, Depends(checked_form)]


def safe_next(target: object) -> str:
    """Where to go after logging in: an admin path of this site only (no open redirect)."""
    if isinstance(target, str) and target.startswith("/admin") and not target.startswith("/admin/login"):
        return target
    return "/admin"


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/admin") -> Response:
    """The login form."""
    if current_user(request):
        return RedirectResponse(safe_next(next), status_code=303)
    return render_admin(request, "login.html", {"next": safe_next(next), "name": "", "error": None})


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, form: FormDep) -> Response:
    """Check name and password; after repeated failures the name and the client wait longer and longer."""
    name, password = str(form.get("name", "")).strip().lower(), str(form.get("password", ""))
    target, throttle = safe_next(form.get("next")), request.app.state.throttle
    keys = (f"name:{name}", f"client:{request.client.host if request.client else '-'}")
    context = {"next": target, "name": name}
    if wait := throttle.wait(*keys):
        seconds = math.ceil(wait)
        error = f"Sai quá nhiều lần; hãy thử lại sau {seconds} giây / too many failed logins; try again in {seconds} s"
        response = render_admin(request, "login.html", {**context, "error": error}, 429)
        response.headers["Retry-After"] = str(seconds)
        return response
    user = request.app.state.users.authenticate(name, password)
    if user is None:
        throttle.failed(*keys)
        error = "Sai tên đăng nhập hoặc mật khẩu / wrong name or password"
        return render_admin(request, "login.html", {**context, "error": error}, 401)
    throttle.succeeded(*keys)
    request.session.clear()  # a new session, with a new CSRF token, for the signed-in user
    request.session["user"] = user.name
    return RedirectResponse(target, status_code=303)


@router.post("/logout")
def logout(request: Request, form: FormDep) -> RedirectResponse:
    """End the session."""
    request.session.clear()
    return RedirectResponse("/admin/login", status_code=303)
