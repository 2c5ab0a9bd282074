"""Running it (issue 26): `diachido --version` from pyproject's one version, `diachido doctor` naming the setting of
each problem, `diachido migrate` refusing stores of a newer release, what `serve` says at start, the request log."""

import json
import logging
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.app import create_app
from cli.main import main
from sites.operations.request_log import ACCESS_LOGGER, JsonFormatter
from sites.operations.startup import staff_account_count, welcome_lines
from sites.settings import Settings
from sites.storage.schema_version import SCHEMA_FILE, SchemaTooNew, known_version
from tests.support import REPO, phone

CONSOLE_SCRIPT = Path(sys.executable).parent / "diachido"
PUBLIC = "https://ditich.tinhdoan.example.vn"


def cli(*arguments: str, env: dict | None = None, input: str | None = None):
    return CliRunner().invoke(main, list(arguments), env=env, input=input)


def test_version_is_pyprojects_everywhere(client):
    version = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    shown = subprocess.run([CONSOLE_SCRIPT, "--version"], capture_output=True, text=True, timeout=60, check=True)
    assert shown.stdout == f"diachido {version}\n"
    assert client.get("/openapi.json").json()["info"]["version"] == version
    assert f"## [{version}]" in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")


def a_good_setup(content_dir: Path, data_dir: Path) -> dict[str, str]:
    """A deployment as docs/deploy.md makes it: public HTTPS address, the proxy trusted, migrated, backed up."""
    env = {"DIACHIDO_CONTENT_DIR": str(content_dir), "DIACHIDO_DATA_DIR": str(data_dir), "DIACHIDO_BASE_URL": PUBLIC,
           "DIACHIDO_TRUSTED_PROXIES": "127.0.0.1"}
    assert cli("migrate", env=env).exit_code == 0
    backup = cli("backup", str(data_dir.parent / "backups" / "dem-qua.tar.gz"), env=env)
    assert backup.exit_code == 0, backup.output
    return env


def test_doctor_passes_on_a_good_setup(content_dir, data_dir):
    env = a_good_setup(content_dir, data_dir)
    result = cli("doctor", "--host", "127.0.0.1", env=env)
    assert result.exit_code == 0, result.output
    assert "no problem found" in result.output


def test_doctor_fails_on_a_loopback_base_url_for_a_public_host(content_dir, data_dir):
    env = {**a_good_setup(content_dir, data_dir), "DIACHIDO_BASE_URL": "http://127.0.0.1:8000"}
    result = cli("doctor", "--host", "0.0.0.0", env=env)
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("✗ DIACHIDO_BASE_URL: http://127.0.0.1:8000 là địa chỉ của chính")
    assert "✗ 1 vấn đề / problems" in result.output


def test_doctor_names_the_setting_of_each_problem_one_line_each(content_dir, data_dir):
    env = {**a_good_setup(content_dir, data_dir), "DIACHIDO_BASE_URL": "http://192.168.1.10",
           "DIACHIDO_TRUSTED_PROXIES": "0.0.0.0/0"}
    data_dir.chmod(0o755)
    (content_dir / "dinh-thoi-an" / "index.md").write_text("---\nname: [\n---\n", encoding="utf-8")
    (data_dir / SCHEMA_FILE).write_text("3\n")
    result = cli("doctor", "--host", "127.0.0.1", env=env)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "✗ DIACHIDO_BASE_URL", "✗ DIACHIDO_BASE_URL", "✗ DIACHIDO_TRUSTED_PROXIES", "✗ DIACHIDO_DATA_DIR",
        "✗ DIACHIDO_DATA_DIR", "✗ DIACHIDO_CONTENT_DIR", "✗ 6 vấn đề / problems"]
    assert "192.168.1.10 là địa chỉ mạng nội bộ" in lines[0] and "uses http" in lines[1]
    assert "chmod 700" in lines[3] and "run `diachido migrate`" in lines[4] and "diachido check" in lines[5]


def test_migrate_and_serve_refuse_a_data_folder_of_a_newer_release(content_dir, data_dir, make_client):
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / SCHEMA_FILE).write_text(f"{known_version() + 1}\n")
    result = cli("migrate", "--data-dir", str(data_dir))
    assert result.exit_code == 1
    assert f"schema version {known_version() + 1}, newer than this release knows ({known_version()})" in result.output
    assert not (data_dir / "visits.sqlite3").exists()  # nothing opened, nothing written
    with pytest.raises(SchemaTooNew):
        create_app(Settings(content_dir=content_dir, data_dir=data_dir))
    serve = cli("serve", "--content-dir", str(content_dir), "--data-dir", str(data_dir))
    assert serve.exit_code == 1 and "newer than this release knows" in serve.output  # before listening


def test_serve_says_where_everything_is_and_the_exact_command_for_the_first_account(tmp_path):
    settings = Settings(data_dir=tmp_path / "du lieu", base_url=PUBLIC)
    lines = welcome_lines(settings, "http://127.0.0.1:8000", staff_account_count(settings))
    assert lines[:3] == [f"Trang web / site: {PUBLIC}/  (máy chủ nghe / listening on http://127.0.0.1:8000)",
                         f"Quản trị / admin: {PUBLIC}/admin",
                         f"API và tài liệu / API and its docs: {PUBLIC}/api/docs; hướng dẫn / guides: docs/README.md"]
    command = lines[-1].strip()
    assert command == f"diachido adduser admin --role admin --data-dir '{tmp_path}/du lieu'"
    made = cli(*shlex.split(command)[1:], "--password-stdin", input="mot-mat-khau-dai\n")  # typed as printed
    assert made.exit_code == 0, made.output
    assert welcome_lines(settings, "http://127.0.0.1:8000", staff_account_count(settings)) == lines[:3]


def test_on_this_machine_serve_points_to_the_port_it_listens_on(tmp_path):
    """`diachido serve --port 8765` with the default base URL (http://127.0.0.1:8000): the page to open is :8765."""
    lines = welcome_lines(Settings(data_dir=tmp_path), "http://127.0.0.1:8765", 1)
    assert lines == ["Trang web / site: http://127.0.0.1:8765/  (máy chủ nghe / listening on http://127.0.0.1:8765)",
                     "Quản trị / admin: http://127.0.0.1:8765/admin",
                     "API và tài liệu / API and its docs: http://127.0.0.1:8765/api/docs; hướng dẫn / guides: "
                     "docs/README.md"]
    everywhere = welcome_lines(Settings(data_dir=tmp_path), "http://0.0.0.0:8000", 1)  # --host 0.0.0.0
    assert everywhere[0] == "Trang web / site: http://127.0.0.1:8000/  (máy chủ nghe / listening on http://0.0.0.0:8000)"


def test_one_json_line_per_request_without_cookies_or_addresses(client, caplog):
    client.cookies.set("visitor", "phone00000000000000042")
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        client.get("/q/pinangtac?lang=en", headers={**phone(42), "Cookie": "passport=bi-mat; session=cung-bi-mat"})
        client.get("/sites/khong-co")
    lines = [JsonFormatter().format(record) for record in caplog.records if record.name == ACCESS_LOGGER]
    assert len(lines) == 2
    first, second = map(json.loads, lines)
    assert {key: first[key] for key in ("method", "path", "route", "status")} == {
        "method": "GET", "path": "/q/pinangtac", "route": "/q/{code}", "status": 200}
    assert second["route"] == "/sites/{slug}" and second["status"] == 404 and first["ms"] >= 0
    for secret in ("bi-mat", "phone00000000000000042", "testclient", "lang=en"):
        assert secret not in "".join(lines)


def test_the_text_format_is_one_stable_line(client, caplog):
    with caplog.at_level(logging.INFO, logger=ACCESS_LOGGER):
        TestClient(client.app).head("/healthz")
    [record] = [record for record in caplog.records if record.name == ACCESS_LOGGER]
    method, path, status, ms, route = record.getMessage().split(" ")
    assert (method, path, status, route) == ("HEAD", "/healthz", "405", "route=unmatched") or route == "route=/healthz"
    assert ms.endswith("ms")
