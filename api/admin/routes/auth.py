"""Staff sign-in and sign-out: /admin/login and /admin/logout, with login throttling and bounded password checks."""

import asyncio
import math

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.admin.staff import SESSION_COOKIE, SmallFormDep, current_user, render_admin, safe_next, set_cookie, staff_auth
from api.admin.staff_auth import ServerBusy, StaffAuth
from api.state import app_state
from sites.staff.accounts import User

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/admin") -> Response:
    """The login form."""
    if current_user(request):
        return RedirectResponse(safe_next(next), status_code=303)
    return render_admin(request, "login.html", {"next": safe_next(next), "name": "", "error": None})


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, form: SmallFormDep) -> Response:
    """Check name and password; repeated failures from one address, for a name or for any, wait longer
    and longer. The attempt is reserved before the (bounded) password check, so parallel guesses count."""
    auth = staff_auth(request)
    name, password = str(form.get("name", "")).strip().lower(), str(form.get("password", ""))
    address = request.client.host if request.client else "-"
    request.state.staff_user = None  # the form is shown to someone not (yet) signed in
    context = {"next": safe_next(form.get("next")), "name": name}
    if wait := await asyncio.to_thread(auth.throttle.reserve, name, address):
        seconds = math.ceil(wait)
        error = f"Sai quá nhiều lần; hãy thử lại sau {seconds} giây / too many failed logins; try again in {seconds} s"
        return _refused(request, context, error, 429, seconds)
    try:
        user = await auth.password_checks.run(auth.users.authenticate, name, password)
    except ServerBusy:
        await asyncio.to_thread(auth.throttle.give_back, name, address)
        error = "Máy chủ đang bận, hãy thử lại sau giây lát / the server is busy; try again in a moment"
        return _refused(request, context, error, 503, 1)
    if user is None:
        error = "Sai tên đăng nhập hoặc mật khẩu / wrong name or password"
        return render_admin(request, "login.html", {**context, "error": error}, 401)
    token = await asyncio.to_thread(_signed_in, auth, user, address)
    response = RedirectResponse(context["next"], status_code=303)
    set_cookie(response, app_state(request.app).settings, token, max_age=int(auth.sessions.lifetime))
    return response


def _signed_in(auth: StaffAuth, user: User, address: str) -> str:
    """Clear the user's failures at `address` and start a new session (a new token: no fixation)."""
    auth.throttle.succeeded(user.name, address)
    return auth.sessions.start(user.name)


def _refused(request: Request, context: dict, error: str, status_code: int, retry_after: int) -> Response:
    response = render_admin(request, "login.html", {**context, "error": error}, status_code)
    response.headers["Retry-After"] = str(retry_after)
    return response


@router.post("/logout")
def logout(request: Request, form: SmallFormDep) -> RedirectResponse:
    """End the session on the server: a copy of the cookie no longer works."""
    if token := request.cookies.get(SESSION_COOKIE):
        staff_auth(request).sessions.end(token)
    response = RedirectResponse("/admin/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/admin", httponly=True, samesite="lax",
                           secure=app_state(request.app).settings.secure_cookies)
    return response
