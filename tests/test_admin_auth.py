"""Staff sign-in: anonymous requests change nothing, every form needs its CSRF token, cookies, lockout."""

import re

import pytest
from fastapi.routing import APIRoute

from api import admin_auth, admin_import, admin_sites
from tests.conftest import csrf_of, login, snapshot

PATH_VALUES = {"slug": "dinh-thoi-an", "name": "x-480.jpg"}


def admin_routes(client, method: str) -> list[str]:
    """Every admin path answering `method`, with example path parameters."""
    routes = admin_auth.router.routes + admin_sites.router.routes + admin_import.router.routes
    return [re.sub(r"\{(\w+)\}", lambda match: PATH_VALUES[match[1]], route.path)
            for route in routes if isinstance(route, APIRoute) and method in route.methods]


def test_anonymous_pages_redirect_to_login_and_writes_change_nothing(make_client, content_dir, data_dir):
    client = make_client()
    pages = admin_routes(client, "GET")
    assert set(pages) >= {"/admin", "/admin/new", "/admin/sites/dinh-thoi-an", "/admin/import"}
    for path in pages:
        if path == "/admin/login":
            continue
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/admin/login?next=%2Fadmin")
    before = snapshot(content_dir)
    writes = [path for path in admin_routes(client, "POST") if path != "/admin/login"]
    assert set(writes) >= {"/admin/new", "/admin/sites/dinh-thoi-an", "/admin/import", "/admin/preview"}
    for path in writes:
        response = client.post(path, data={"name": "X", "category": "dinh"}, files={"photo_upload": ("a.jpg", b"x")})
        assert response.status_code in (401, 403), path
    assert snapshot(content_dir) == before
    assert not (data_dir / "history").exists()


def test_every_admin_form_needs_its_csrf_token(staff_client, content_dir):
    client = staff_client("hoa")
    before = snapshot(content_dir)
    for path in admin_routes(client, "POST"):
        response = client.post(path, data={"name": "Đình mới", "csrf_token": "forged"}, follow_redirects=False)
        assert response.status_code == 403, path
        assert "CSRF" in response.text
    assert snapshot(content_dir) == before
    assert client.get("/admin", follow_redirects=False).status_code == 200, "still logged in: logout was refused too"


def test_login_sets_a_signed_httponly_lax_cookie_for_admin_paths_only(staff_client, make_client):
    client = staff_client("hoa")
    response = login(client, "hoa")
    assert response.headers["location"] == "/admin"
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("diachido_admin=") and "httponly" in cookie and "samesite=lax" in cookie
    assert "path=/admin" in cookie and "secure" not in cookie
    secure = make_client(base_url="https://diachido.example").get("/admin/login").headers["set-cookie"].lower()
    assert "; secure" in secure
    assert "set-cookie" not in client.get("/").headers, "visitors never get a cookie"


def test_a_forged_or_stale_cookie_is_no_session(staff_client):
    client = staff_client("hoa")
    client.cookies.set("diachido_admin", client.cookies["diachido_admin"][:-2] + "xx",
                       domain="testserver.local", path="/admin")
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_login_returns_to_the_page_asked_for_but_never_elsewhere(staff_client):
    client = staff_client("hoa")
    client.post("/admin/logout", data={"csrf_token": csrf_of(client.get("/admin").text)})
    for target, landing in [("/admin/import", "/admin/import"), ("https://evil.example/", "/admin"),
                            ("//evil.example", "/admin")]:
        token = csrf_of(client.get("/admin/login").text)
        response = client.post("/admin/login", data={"csrf_token": token, "name": "hoa", "password": "mat-khau-dai-du",
                                                     "next": target}, follow_redirects=False)
        assert response.headers["location"] == landing
        client.post("/admin/logout", data={"csrf_token": csrf_of(client.get("/admin").text)})


def test_logout_ends_the_session(staff_client):
    client = staff_client("hoa")
    response = client.post("/admin/logout", data={"csrf_token": csrf_of(client.get("/admin").text)},
                           follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/admin/login"
    assert client.get("/admin", follow_redirects=False).status_code == 303


def test_five_wrong_passwords_lock_the_name_for_a_while(staff_client, make_client):
    staff_client("lan")  # creates the user
    client = make_client()
    for _ in range(5):
        response = login(client, "lan", "sai-mat-khau-roi")
        assert response.status_code == 401
        assert "Sai tên đăng nhập hoặc mật khẩu / wrong name or password" in response.text
    locked = login(client, "lan")  # the right password, but too soon
    assert locked.status_code == 429 and locked.headers["retry-after"] == "30"
    assert "hãy thử lại sau 30 giây / too many failed logins; try again in 30 s" in locked.text
    assert client.get("/admin", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("path", ["/admin", "/admin/new", "/admin/login"])
def test_admin_pages_have_their_own_policy(staff_client, path):
    response = staff_client("hoa").get(path)
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "img-src 'self' data: https://tile.openstreetmap.org;" in policy
    assert response.headers["cache-control"] == "no-store"
    assert "<script>" not in response.text, "no inline script"
