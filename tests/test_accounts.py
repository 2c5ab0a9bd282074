"""Staff accounts: `diachido adduser`, password hashes, roles, login throttling, the session key."""

import json
import subprocess

import pytest
from click.testing import CliRunner

from api.cli import main
from sites.accounts import AccountError, LoginThrottle, User, UserStore, session_secret
from tests.live_server import CONSOLE_SCRIPT

PASSWORD = "mat-khau-dai-du"


def test_adduser_reads_the_password_from_stdin_and_stores_only_a_hash(data_dir):
    """The real console script, as an install script would run it."""
    result = subprocess.run(
        [CONSOLE_SCRIPT, "adduser", "lan", "--role", "editor", "--province", "Cần Thơ", "--password-stdin",
         "--data-dir", data_dir], input=PASSWORD + "\n", capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("✓ lan: editor (Cần Thơ), ")
    stored = (data_dir / "users.json").read_text(encoding="utf-8")
    assert PASSWORD not in stored
    assert json.loads(stored)["lan"]["hash"].startswith("$argon2id$")
    assert (data_dir / "users.json").stat().st_mode & 0o777 == 0o600
    assert UserStore(data_dir).authenticate("lan", PASSWORD) == User("lan", "editor", "Cần Thơ")


def test_adduser_asks_for_the_password_twice(data_dir):
    result = CliRunner().invoke(main, ["adduser", "hoa", "--role", "admin", "--data-dir", str(data_dir)],
                                input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert UserStore(data_dir).get("hoa") == User("hoa", "admin", None)


@pytest.mark.parametrize(("arguments", "problem"), [
    (["lan"], "an editor needs --province"),
    (["Lan Anh", "--role", "admin"], "the name must be"),
    (["lan", "--province", "Huế", "--role", "owner"], "Invalid value for '--role'"),
])
def test_adduser_explains_what_is_wrong(data_dir, arguments, problem):
    result = CliRunner().invoke(main, ["adduser", *arguments, "--password-stdin", "--data-dir", str(data_dir)],
                                input=PASSWORD + "\n")
    assert result.exit_code != 0 and problem in result.output and "Traceback" not in result.output
    assert not (data_dir / "users.json").exists()


def test_store_refuses_short_passwords_and_taken_names(data_dir):
    store = UserStore(data_dir)
    with pytest.raises(AccountError, match="at least 10 characters"):
        store.add("lan", "ngan", "admin")
    store.add("lan", PASSWORD, "admin")
    with pytest.raises(AccountError, match="already exists"):
        store.add("lan", PASSWORD, "admin")


def test_authenticate_needs_the_right_password(data_dir):
    store = UserStore(data_dir)
    store.add("lan", PASSWORD, "editor", "Cần Thơ")
    assert store.authenticate("lan", PASSWORD + "x") is None
    assert store.authenticate("khong-co", PASSWORD) is None


def test_editors_change_only_their_province():
    editor = User("lan", "editor", "Cần Thơ")
    assert editor.may_edit("Cần Thơ") and editor.may_edit("cần thơ") and not editor.may_edit("Khánh Hòa")
    assert User("hoa", "admin", None).may_edit("Khánh Hòa")


def test_throttle_locks_after_five_failures_for_a_growing_delay():
    now = [0.0]
    throttle = LoginThrottle(free=5, base_delay=30, max_delay=3600, clock=lambda: now[0])
    for _ in range(4):
        throttle.failed("name:lan", "client:1.2.3.4")
    assert throttle.wait("name:lan") == 0
    throttle.failed("name:lan", "client:1.2.3.4")
    assert throttle.wait("name:lan") == 30 and throttle.wait("client:1.2.3.4") == 30
    assert throttle.wait("name:other", "client:1.2.3.4") == 30, "another name from the same client waits too"
    now[0] = 31
    assert throttle.wait("name:lan") == 0
    throttle.failed("name:lan")
    assert throttle.wait("name:lan") == 60
    for _ in range(10):
        throttle.failed("name:lan")
    assert throttle.wait("name:lan") == 3600
    throttle.succeeded("name:lan")
    assert throttle.wait("name:lan") == 0


def test_session_key_is_made_once_and_private(data_dir):
    key = session_secret(data_dir)
    assert len(key) >= 48 and session_secret(data_dir) == key
    assert (data_dir / "secret_key").stat().st_mode & 0o777 == 0o600
