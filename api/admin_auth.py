"""Staff sign-in for /admin: server-side sessions, a CSRF token on every form, login throttling, a
bound on concurrent password checks, and the admin's own pages (their CSP allows the app's own
scripts and the tile server, nothing else)."""

import asyncio
import hashlib
import hmac
import math
import secrets
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from api.deps import LoginRequired
from api.settings import Settings
from api.templating import templates
from api.workpool import low_priority_threads
from sites.accounts import User, UserStore
from sites.sessions import Sessions
from sites.throttle import LoginThrottle

router = APIRouter(prefix="/admin", include_in_schema=False)

SESSION_COOKIE = "diachido_admin"
MAX_FORM_FIELDS = 400
T = TypeVar("T")


class ServerBusy(Exception):
    """Every password-check slot is taken and the queue is full."""


class PasswordCheckSlots:
    """At most `slots` password checks at once, each in a thread (Argon2id takes 64 MiB and a good part
    of a second of CPU here); `queue` more may wait for a slot, and beyond that a login is refused at
    once, so 40 parallel logins cost 2 x 64 MiB, not 40 x 64 MiB (issue 11)."""

    def __init__(self, slots: int = 2, queue: int = 8):
        self._threads = low_priority_threads(slots, "password-check")  # scans come before logins
        self._slots = asyncio.Semaphore(slots)
        self._admitted, self._limit = 0, slots + queue

    async def run(self, check: Callable[..., T], *args: object) -> T:
        """`check(*args)` in a thread once a slot is free; raises ServerBusy when too many wait."""
        if self._admitted >= self._limit:
            raise ServerBusy
        self._admitted += 1
        try:
            async with self._slots:
                work = asyncio.ensure_future(asyncio.get_running_loop().run_in_executor(self._threads, check, *args))
                try:
                    return await asyncio.shield(work)
                except asyncio.CancelledError:  # keep the slot until the thread is done with its memory
                    await asyncio.wait([work])
                    raise
        finally:
            self._admitted -= 1


@dataclass
class StaffAuth:
    """What signing in needs, built by create_app: accounts, sessions, the throttle, the check slots,
    and the key that derives CSRF tokens from the session cookie."""

    users: UserStore
    sessions: Sessions
    throttle: LoginThrottle
    password_checks: PasswordCheckSlots
    secret: str


def staff_auth(request: Request) -> StaffAuth:
    return request.app.state.staff_auth


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
    cookie = request.cookies.get(SESSION_COOKIE)
    new_cookie = None if cookie else secrets.token_urlsafe(32)  # an anonymous visitor's CSRF nonce
    shared = {"user": current_user(request), "csrf_token": _csrf_token(request, cookie or new_cookie),
              "settings": settings}
    response = templates.TemplateResponse(request, f"admin/{template}", {**shared, **context}, status_code=status_code)
    response.headers.update(admin_headers(settings))
    if new_cookie:
        _set_cookie(response, settings, new_cookie)
    return response


def _csrf_token(request: Request, cookie: str) -> str:
    """The CSRF token of the cookie's holder: a keyed hash of the cookie (a session token, or a random
    nonce before login), so it changes with each session and cannot be made without the cookie."""
    return hmac.new(staff_auth(request).secret.encode(), f"csrf\0{cookie}".encode(), hashlib.sha256).hexdigest()


def _set_cookie(response: Response, settings: Settings, value: str, max_age: int | None = None) -> None:
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


async def checked_form(request: Request) -> AsyncIterator[FormData]:
    """The posted form, once its CSRF token matches the cookie's; uploads are closed afterwards."""
    form = await request.form(max_files=2, max_fields=MAX_FORM_FIELDS)
    try:
        sent, cookie = form.get("csrf_token"), request.cookies.get(SESSION_COOKIE)
        if not (isinstance(sent, str) and cookie and secrets.compare_digest(sent, _csrf_token(request, cookie))):
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
async def login(request: Request, form: FormDep) -> Response:
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
    _set_cookie(response, request.app.state.settings, token, max_age=int(auth.sessions.lifetime))
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
def logout(request: Request, form: FormDep) -> RedirectResponse:
    """End the session on the server: a copy of the cookie no longer works."""
    if token := request.cookies.get(SESSION_COOKIE):
        staff_auth(request).sessions.end(token)
    response = RedirectResponse("/admin/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/admin", httponly=True, samesite="lax",
                           secure=request.app.state.settings.secure_cookies)
    return response
