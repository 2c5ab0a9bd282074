"""Staff accounts: `diachido adduser`, password hashes, roles, the SQLite session and throttle stores, the key;
the account stores' rules on both back ends are in tests/stores/test_account_store.py."""

import json
import subprocess

import pytest
from click.testing import CliRunner

from cli.main import main
from sites.staff.accounts import User, session_secret
from sites.staff.sessions import Sessions
from sites.staff.sessions_sqlite import SESSIONS_FILE, SQLiteSessionStore
from sites.staff.throttle import LoginThrottle
from sites.staff.throttle_sqlite import THROTTLE_FILE, SQLiteThrottleStore
from sites.stores import user_store
from tests.live import CONSOLE_SCRIPT

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
    assert user_store(data_dir, None).authenticate("lan", PASSWORD) == User("lan", "editor", "Cần Thơ")


def test_adduser_asks_for_the_password_twice(data_dir):
    result = CliRunner().invoke(main, ["adduser", "hoa", "--role", "admin", "--data-dir", str(data_dir)],
                                input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert user_store(data_dir, None).get("hoa") == User("hoa", "admin", None)


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


def test_editors_change_only_their_province():
    editor = User("lan", "editor", "Cần Thơ")
    assert editor.may_edit("Cần Thơ") and editor.may_edit("cần thơ") and not editor.may_edit("Khánh Hòa")
    assert User("hoa", "admin", None).may_edit("Khánh Hòa")


def test_throttle_locks_a_name_at_one_address_after_five_attempts_for_a_growing_delay(data_dir):
    now = [0.0]
    throttle = LoginThrottle(SQLiteThrottleStore(data_dir / THROTTLE_FILE), "key", clock=lambda: now[0])
    for _ in range(5):
        assert throttle.reserve("lan", "1.2.3.4") == 0  # each attempt counts as a failure until it succeeds
    assert throttle.reserve("lan", "1.2.3.4") == 30
    assert throttle.reserve("lan", "5.6.7.8") == 0, "the owner elsewhere is not locked out"
    assert throttle.reserve("hoa", "1.2.3.4") == 0, "another name from that address may still try"
    now[0] = 31
    assert throttle.reserve("lan", "1.2.3.4") == 0
    assert throttle.reserve("lan", "1.2.3.4") == 60
    for _ in range(10):
        now[0] += 4000
        throttle.reserve("lan", "1.2.3.4")
    assert throttle.reserve("lan", "1.2.3.4") == 3600
    now[0] += 3600
    throttle.succeeded("lan", "1.2.3.4")
    assert throttle.reserve("lan", "1.2.3.4") == 0


def test_throttle_treats_the_addresses_of_one_ipv6_64_as_one_address(data_dir):
    throttle = LoginThrottle(SQLiteThrottleStore(data_dir / THROTTLE_FILE), "key")
    for number in range(5):  # a guesser picking a new address of its /64 for every attempt
        assert throttle.reserve("lan", f"2001:db8:1:2::{number + 1:x}") == 0
    assert 29 < throttle.reserve("lan", "2001:db8:1:2:abcd::1") <= 30
    assert throttle.reserve("lan", "2001:db8:1:3::1") == 0, "the owner on another /64 is not locked out"


def test_throttle_counts_survive_a_restart_and_hold_no_address(data_dir):
    throttle = LoginThrottle(SQLiteThrottleStore(data_dir / THROTTLE_FILE), "key")
    for _ in range(5):
        throttle.reserve("lan", "203.0.113.9")
    again = LoginThrottle(SQLiteThrottleStore(data_dir / THROTTLE_FILE), "key")
    assert 29 < again.reserve("lan", "203.0.113.9") <= 30
    stored = b"".join(path.read_bytes() for path in data_dir.glob(THROTTLE_FILE + "*"))
    assert b"203.0.113.9" not in stored and b"lan" not in stored
    assert (data_dir / THROTTLE_FILE).stat().st_mode & 0o777 == 0o600


def test_one_address_slows_down_only_after_twenty_names_and_a_refused_check_is_given_back(data_dir):
    throttle = LoginThrottle(SQLiteThrottleStore(data_dir / THROTTLE_FILE), "key")
    for number in range(19):
        assert throttle.reserve(f"name{number}", "100.64.0.1") == 0  # a school or a carrier NAT
    assert throttle.reserve("lan", "100.64.0.1") == 0  # the twentieth
    throttle.give_back("lan", "100.64.0.1")  # the server was too busy to check it
    assert throttle.reserve("lan", "100.64.0.1") == 0
    assert 29 < throttle.reserve("hoa", "100.64.0.1") <= 30
    assert throttle.reserve("hoa", "100.64.0.2") == 0


def test_sessions_end_at_logout_and_after_their_lifetime_however_busy(data_dir):
    now = [0.0]
    sessions = Sessions(SQLiteSessionStore(data_dir / SESSIONS_FILE), lifetime=100, clock=lambda: now[0])
    token, other = sessions.start("lan"), sessions.start("lan")
    assert token != other and sessions.user(token) == "lan"
    sessions.end(other)
    assert sessions.user(other) is None and sessions.user(token) == "lan"
    for now[0] in (30, 60, 99):
        assert sessions.user(token) == "lan"
    now[0] = 100
    assert sessions.user(token) is None
    stored = (data_dir / SESSIONS_FILE).read_bytes()
    assert token.encode() not in stored, "only a hash of the token is kept"


def test_session_key_is_made_once_and_private(data_dir):
    key = session_secret(data_dir)
    assert len(key) >= 48 and session_secret(data_dir) == key
    assert (data_dir / "secret_key").stat().st_mode & 0o777 == 0o600
