"""Staff accounts in PostgreSQL (DIACHIDO_DATABASE_URL): two live servers with their own data folders share one
database, so staff added through one server's command line sign in on the other; a data folder's existing
users.json is imported once into an empty table."""

import os
import subprocess

import pytest

from sites.staff.accounts import User
from sites.stores import user_store
from tests.live import CONSOLE_SCRIPT, start_server
from tests.support import STAFF, STAFF_PASSWORD, login_from

pytestmark = pytest.mark.live  # every test here starts a real `diachido serve`


def diachido(*arguments: str, database_url: str, password: str | None = None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DIACHIDO_")}
    env["DIACHIDO_DATABASE_URL"] = database_url
    return subprocess.run([CONSOLE_SCRIPT, *arguments], input=password, env=env, capture_output=True, text=True,
                          timeout=60)


def two_servers(tmp_path, content_dir, database: str) -> tuple[list[int], list]:
    """Two `diachido serve` on the same content and database, each with its own data folder."""
    ports, processes = [], []
    for number in (1, 2):
        base_url, process = start_server(tmp_path, content_dir=str(content_dir), database_url=database,
                                         data_dir=str(tmp_path / f"data{number}"), secret_key="k" * 48)
        ports.append(int(base_url.rsplit(":", 1)[1]))
        processes.append(process)
    return ports, processes


def test_a_user_added_through_one_servers_command_signs_in_on_the_other(postgres, tmp_path, content_dir):
    database = postgres.database()
    ports, processes = two_servers(tmp_path, content_dir, database)
    try:
        added = diachido("adduser", "lan", "--role", "editor", "--province", "Cần Thơ", "--password-stdin",
                         "--data-dir", str(tmp_path / "data1"), database_url=database, password=STAFF_PASSWORD)
        assert added.returncode == 0, added.stderr
        assert added.stdout.startswith("✓ lan: editor (Cần Thơ), PostgreSQL")
        assert login_from("127.0.0.1", ports[1], "lan", STAFF_PASSWORD) == 303
        assert login_from("127.0.0.1", ports[0], "lan", STAFF_PASSWORD) == 303
        assert login_from("127.0.0.1", ports[1], "lan", "sai-mat-khau") == 401

        changed = diachido("passwd", "lan", "--password-stdin", "--data-dir", str(tmp_path / "data2"),
                           database_url=database, password="mat-khau-moi-dai")
        assert changed.returncode == 0, changed.stderr
        assert login_from("127.0.0.1", ports[0], "lan", "mat-khau-moi-dai") == 303
        listed = diachido("users", "--data-dir", str(tmp_path / "data2"), database_url=database)
        assert listed.stdout.split() == ["lan", "editor", "Cần", "Thơ"]
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
    assert not any((tmp_path / folder / "users.json").exists() for folder in ("data1", "data2"))


def test_an_existing_users_json_is_imported_once_into_an_empty_table(postgres, tmp_path, content_dir):
    user_store(tmp_path / "data1", None).add("hoa", STAFF_PASSWORD, *STAFF["hoa"])
    user_store(tmp_path / "data2", None).add("minh", STAFF_PASSWORD, *STAFF["minh"])  # a second folder: not imported
    database = postgres.database()
    ports, processes = two_servers(tmp_path, content_dir, database)  # server 1 starts first and imports
    try:
        assert login_from("127.0.0.1", ports[1], "hoa", STAFF_PASSWORD) == 303
        assert login_from("127.0.0.1", ports[0], "minh", STAFF_PASSWORD) == 401
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
    assert not (tmp_path / "data1" / "users.json").exists() and (tmp_path / "data1" / "users.json.imported").exists()
    assert user_store(tmp_path / "data2", None).get("minh") == User("minh", "editor", "Khánh Hòa")  # left as it was
    user_store(tmp_path / "data1", database).remove("hoa")
    assert user_store(tmp_path / "data1", database).all() == []  # the imported file is not read again
