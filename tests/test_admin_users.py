"""Staff accounts in the admin (`/admin/users`, admins only) and from the command line: a removed user or a
changed password ends that user's sessions at once, on SQLite and on PostgreSQL."""

import shutil

import pytest
from click.testing import CliRunner

from cli.main import main
from sites.staff.accounts import User
from sites.stores import user_store
from tests.live import live_server
from tests.support import (
    PHONE,
    STAFF,
    STAFF_PASSWORD,
    TEST_CONTENT,
    PageParser,
    axe_failures,
    csrf_of,
    horizontal_overflow,
    login,
    post_form,
)

NEW_PASSWORD = "mat-khau-moi-dai"


def signed_in(client) -> bool:
    """True while the client's session lets it see the admin."""
    return client.get("/admin", follow_redirects=False).status_code == 200


def test_an_admin_lists_accounts_with_a_select_of_current_provinces(staff_client):
    client = staff_client("hoa")
    staff_client("lan")
    response = client.get("/admin/users")
    assert response.status_code == 200 and "Tài khoản cán bộ" in response.text
    page = PageParser(response.text)
    assert {"hoa", "lan"} <= set(page.text)  # each name in its own cell
    assert len(page.find("select", name="province")) == 3  # hoa's, lan's and the new account's
    assert 'id="f-province"' in response.text and ">Hồ Chí Minh</option>" in response.text
    assert ">Ninh Thuận</option>" not in response.text  # merged into Khánh Hòa in 2025
    assert 'href="/admin/users"' in client.get("/admin").text


def test_editors_get_403_and_see_no_link(staff_client, backend, users):
    client = staff_client("lan")
    assert client.get("/admin/users").status_code == 403
    token = csrf_of(client.get("/admin").text)
    refused = client.post("/admin/users", data={"csrf_token": token, "name": "moi", "role": "admin",
                                                "password": NEW_PASSWORD})
    assert refused.status_code == 403 and users.get("moi") is None
    assert 'href="/admin/users"' not in client.get("/admin").text


def test_an_admin_adds_an_editor_who_can_log_in(staff_client, make_client, backend, users):
    admin = staff_client("hoa")
    response = post_form(admin, "/admin/users", {"name": "mai", "role": "editor", "province": "Khánh Hòa",
                                                 "password": NEW_PASSWORD})
    assert response.status_code == 303
    assert users.get("mai") == User("mai", "editor", "Khánh Hòa")
    assert login(make_client(), "mai", NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize(("fields", "problem"), [
    ({"name": "mai", "role": "editor", "province": "Ninh Thuận", "password": NEW_PASSWORD}, "có phải: Khánh Hòa"),
    ({"name": "mai", "role": "editor", "province": "", "password": NEW_PASSWORD}, "an editor needs"),
    ({"name": "mai", "role": "admin", "province": "", "password": "ngan"}, "at least 10 characters"),
])
def test_a_bad_account_is_refused_with_the_reason(staff_client, backend, users, fields, problem):
    response = post_form(staff_client("hoa"), "/admin/users", fields)
    assert response.status_code == 422 and problem in response.text
    assert users.get("mai") is None


def test_the_form_needs_its_csrf_token(staff_client, backend, users):
    client = staff_client("hoa")
    response = client.post("/admin/users", data={"csrf_token": "x", "name": "mai", "role": "admin",
                                                 "password": NEW_PASSWORD})
    assert response.status_code == 403 and users.get("mai") is None


def test_a_removed_user_is_signed_out_at_once(staff_client, backend):
    admin, editor = staff_client("hoa"), staff_client("lan")
    assert signed_in(editor)
    response = post_form(admin, "/admin/users/lan", {"action": "remove"}, page="/admin/users")
    assert response.status_code == 303
    assert not signed_in(editor)
    assert "lan" not in set(PageParser(admin.get("/admin/users").text).text)


@pytest.mark.slow
def test_a_password_reset_ends_the_sessions_and_the_new_password_works(staff_client, make_client, backend):
    admin, editor = staff_client("hoa"), staff_client("lan")
    response = post_form(admin, "/admin/users/lan", {"action": "password", "password": NEW_PASSWORD},
                         page="/admin/users")
    assert response.status_code == 303 and not signed_in(editor) and signed_in(admin)
    assert login(make_client(), "lan", STAFF_PASSWORD).status_code == 401
    assert login(make_client(), "lan", NEW_PASSWORD).status_code == 303


def test_an_admin_changes_role_and_province(staff_client, backend, users):
    admin, editor = staff_client("hoa"), staff_client("lan")
    response = post_form(admin, "/admin/users/lan", {"action": "change", "role": "editor", "province": "An Giang"},
                         page="/admin/users")
    assert response.status_code == 303
    assert users.get("lan") == User("lan", "editor", "An Giang")
    assert editor.get("/admin/sites/dinh-thoi-an").status_code == 403  # a Cần Thơ site: not theirs any more


def test_an_admin_cannot_remove_their_own_account(staff_client, backend, users):
    response = post_form(staff_client("hoa"), "/admin/users/hoa", {"action": "remove"}, page="/admin/users")
    assert response.status_code == 422 and users.get("hoa") is not None


@pytest.mark.slow
def test_cli_passwd_and_deluser_end_web_sessions_in_the_deployments_store(staff_client, data_dir, backend,
                                                                          monkeypatch):
    """With DIACHIDO_DATABASE_URL the sessions are in PostgreSQL: the command ends them there."""
    if backend:
        monkeypatch.setenv("DIACHIDO_DATABASE_URL", backend)
    lan, minh = staff_client("lan"), staff_client("minh")
    result = CliRunner().invoke(main, ["passwd", "lan", "--password-stdin", "--data-dir", str(data_dir)],
                                input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert not signed_in(lan) and signed_in(minh)
    result = CliRunner().invoke(main, ["deluser", "minh", "--data-dir", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert not signed_in(minh)


@pytest.mark.live
def test_in_chromium_an_admin_removes_an_editor_whose_open_page_stops_working(browser, tmp_path):
    """At 360 px: the accounts page passes axe, and removing lan signs lan's own browser out at once."""
    shutil.copytree(TEST_CONTENT, tmp_path / "content")
    store = user_store(tmp_path / "data", None)
    for name in ("hoa", "lan"):
        store.add(name, STAFF_PASSWORD, *STAFF[name])
    with live_server(tmp_path / "content", tmp_path / "data") as base_url:
        pages = {}
        for name in ("hoa", "lan"):
            pages[name] = browser.new_context(viewport=PHONE, locale="vi-VN", bypass_csp=True).new_page()
            pages[name].goto(f"{base_url}/admin/login")
            pages[name].fill("#f-name", name)
            pages[name].fill("#f-password", STAFF_PASSWORD)
            pages[name].get_by_role("button", name="Đăng nhập / Log in").click()
            pages[name].wait_for_url(f"{base_url}/admin")
        admin = pages["hoa"]
        assert axe_failures(admin, base_url, ["/admin/users"]) == {}
        admin.goto(f"{base_url}/admin/users")
        assert horizontal_overflow(admin) == 0
        admin.get_by_role("button", name="Xoá / Remove lan").click()
        admin.wait_for_url(f"{base_url}/admin/users?done=remove&name=lan")
        assert "đã xoá" in admin.get_by_role("status").inner_text()
        pages["lan"].goto(f"{base_url}/admin")
        assert pages["lan"].url.startswith(f"{base_url}/admin/login")
