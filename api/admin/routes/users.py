"""Staff accounts in the admin at `/admin/users`, for admins only: list, add, change role and province,
set a new password, remove. A new password or a removal ends that user's sessions at once."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.admin.staff import FormDep, StaffDep, render_admin, staff_auth
from sites.catalog.provinces import current_provinces
from sites.staff.accounts import ROLES, AccountError, User

router = APIRouter(prefix="/admin/users", include_in_schema=False)

ACTIONS = ("change", "password", "remove")


def require_admin(user: StaffDep) -> User:
    """The signed-in admin; an editor gets 403."""
    if user.role != "admin":
        raise HTTPException(403, "Chỉ quản trị viên được quản lý tài khoản / only admins manage accounts")
    return user


AdminDep = Annotated[User, Depends(require_admin)]


@router.get("", response_class=HTMLResponse)
def user_list(request: Request, admin: AdminDep) -> HTMLResponse:
    """Every account, each with its forms, and the form to add one."""
    return _page(request, None, 200)


@router.post("", response_class=HTMLResponse)
def add_user(request: Request, admin: AdminDep, form: FormDep) -> Response:
    """Create an account (editors need a province from the list)."""
    name = str(form.get("name", "")).strip().lower()
    try:
        staff_auth(request).users.add(name, str(form.get("password", "")), str(form.get("role", "")),
                                      str(form.get("province", "")) or None)
    except AccountError as problem:
        return _page(request, f"Không tạo được tài khoản / cannot create the account: {problem}", 422)
    return RedirectResponse(f"/admin/users?done=added&name={name}", status_code=303)


@router.post("/{name}", response_class=HTMLResponse)
def change_user(request: Request, name: str, admin: AdminDep, form: FormDep) -> Response:
    """`action=change` (role, province), `password` (ends their sessions) or `remove` (ends them too)."""
    users, action = staff_auth(request).users, form.get("action")
    if action not in ACTIONS:
        return _page(request, "Thao tác không hợp lệ / unknown action", 422)
    if users.get(name) is None:
        raise HTTPException(404, f"Không có tài khoản / there is no user '{name}'")
    if action == "remove" and name == admin.name:
        return _page(request, "Không thể tự xoá tài khoản của mình / you cannot remove your own account", 422)
    try:
        if action == "change":
            users.change(name, str(form.get("role", "")), str(form.get("province", "")) or None)
        elif action == "password":
            users.set_password(name, str(form.get("password", "")))
        else:
            users.remove(name)
    except AccountError as problem:
        return _page(request, f"{name}: không lưu được / not saved: {problem}", 422)
    return RedirectResponse(f"/admin/users?done={action}&name={name}", status_code=303)


def _page(request: Request, error: str | None, status_code: int) -> HTMLResponse:
    done = request.query_params.get("done") if error is None else None
    return render_admin(request, "users.html", {
        "users": staff_auth(request).users.all(), "roles": ROLES, "provinces": current_provinces(),
        "error": error, "done": done if done in ("added", *ACTIONS) else None,
        "done_name": request.query_params.get("name", ""),
    }, status_code)
