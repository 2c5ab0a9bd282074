"""Staff accounts from the command line (`passwd`, `users`, `deluser`, provinces checked against the list of
Vietnam's administrative units) and the first run (`serve` without content, `init`)."""

import os
import subprocess

import pytest
from click.testing import CliRunner

from cli.main import main
from sites.catalog.provinces import current_provinces, former_provinces
from sites.staff.accounts import User
from sites.staff.sessions import Sessions
from sites.staff.sessions_sqlite import SESSIONS_FILE, SQLiteSessionStore
from sites.stores import user_store
from tests.live import CONSOLE_SCRIPT

PASSWORD = "mat-khau-dai-du"
NEW_PASSWORD = "mat-khau-moi-dai"


def _run(*arguments, data_dir, input=None):
    return CliRunner().invoke(main, [*arguments, "--data-dir", str(data_dir)], input=input)


@pytest.fixture
def signed_in(data_dir):
    """lan (editor of Cần Thơ) and hoa (admin), each with a session in the data folder's session store."""
    store = user_store(data_dir, None)
    store.add("lan", PASSWORD, "editor", "Cần Thơ")
    store.add("hoa", PASSWORD, "admin")
    sessions = Sessions(SQLiteSessionStore(data_dir / SESSIONS_FILE))
    return sessions, sessions.start("lan"), sessions.start("hoa")


def test_passwd_asks_twice_and_ends_every_session_of_that_user(data_dir, signed_in):
    sessions, lan, hoa = signed_in
    result = _run("passwd", "lan", data_dir=data_dir, input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "mọi phiên đăng nhập đã kết thúc" in result.output
    store = user_store(data_dir, None)
    assert store.authenticate("lan", NEW_PASSWORD) and not store.authenticate("lan", PASSWORD)
    assert sessions.user(lan) is None and sessions.user(hoa) == "hoa"


def test_passwd_from_stdin_refuses_a_short_password_and_an_unknown_user(data_dir, signed_in):
    short = _run("passwd", "lan", "--password-stdin", data_dir=data_dir, input="ngan\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    assert user_store(data_dir, None).authenticate("lan", PASSWORD)
    unknown = _run("passwd", "khong-co", "--password-stdin", data_dir=data_dir, input=NEW_PASSWORD + "\n")
    assert unknown.exit_code == 1 and "Không có tài khoản" in unknown.output and "Traceback" not in unknown.output


def test_users_lists_name_role_and_province(data_dir, signed_in):
    result = subprocess.run([CONSOLE_SCRIPT, "users", "--data-dir", data_dir], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["hoa  admin   -", "lan  editor  Cần Thơ"]
    assert "2 tài khoản / accounts" in result.stderr


def test_deluser_removes_the_user_and_ends_their_sessions_at_once(data_dir, signed_in):
    sessions, lan, hoa = signed_in
    result = _run("deluser", "lan", data_dir=data_dir)
    assert result.exit_code == 0, result.output
    assert user_store(data_dir, None).get("lan") is None and sessions.user(lan) is None and sessions.user(hoa) == "hoa"
    again = _run("deluser", "lan", data_dir=data_dir)
    assert again.exit_code == 1 and "there is no user 'lan'" in again.output


@pytest.mark.parametrize(("province", "suggestion"), [
    ("Hà Nội Typo", "có phải: Hà Nội"),
    ("Ninh Thuận", "có phải: Khánh Hòa"),  # merged into Khánh Hòa on 1 July 2025
])
def test_adduser_refuses_a_province_that_is_not_current_and_suggests_one(data_dir, province, suggestion):
    result = _run("adduser", "lan", "--province", province, "--password-stdin", data_dir=data_dir,
                  input=PASSWORD + "\n")
    assert result.exit_code == 1 and suggestion in result.output and "Traceback" not in result.output
    assert not (data_dir / "users.json").exists()


def test_adduser_keeps_the_short_name_of_the_province(data_dir):
    result = _run("adduser", "lan", "--province", "thành phố cần thơ", "--password-stdin", data_dir=data_dir,
                  input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert user_store(data_dir, None).get("lan") == User("lan", "editor", "Cần Thơ")


def test_the_province_list_has_34_current_and_63_former_provinces():
    assert len(current_provinces()) == 34 and len(former_provinces()) == 63
    assert set(former_provinces().values()) == set(current_provinces())
    assert former_provinces()["Ninh Thuận"] == "Khánh Hòa" and former_provinces()["Cần Thơ"] == "Cần Thơ"


def test_serve_without_a_content_folder_says_how_to_fix_it_and_creates_nothing(tmp_path):
    """Started from another folder, as a new user would: no traceback, no data folder left behind."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("DIACHIDO_")}
    result = subprocess.run([CONSOLE_SCRIPT, "serve", "--port", "0"], cwd=tmp_path, env=environment,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Không thấy thư mục nội dung" in result.stderr and "diachido init content" in result.stderr
    assert "DIACHIDO_CONTENT_DIR" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_init_makes_a_content_folder_whose_example_draft_passes_check(tmp_path):
    folder = tmp_path / "noi-dung"
    result = CliRunner().invoke(main, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    index = folder / "vi-du-di-tich" / "index.md"
    assert str(index) in result.output
    text = index.read_text(encoding="utf-8")
    assert "VÍ DỤ / EXAMPLE" in text and "published: false" in text
    checked = CliRunner().invoke(main, ["check", str(folder)])
    assert checked.exit_code == 0 and "1 di tích hợp lệ" in checked.output


def test_init_writes_nothing_into_a_folder_with_content(content_dir):
    before = sorted(content_dir.iterdir())
    result = CliRunner().invoke(main, ["init", str(content_dir)])
    assert result.exit_code == 1 and "nothing written" in result.output
    assert sorted(content_dir.iterdir()) == before
