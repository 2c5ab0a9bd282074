"""Upgrading (issue 26): docs/deploy.md's upgrade steps, run as written, on a data folder that release 0.1.0 wrote
(tests/upgrade/data-0.1.0/, made by that release's own code: tests/upgrade/make_previous_release_data.py), and on
a PostgreSQL database at 0.1.0's schema. Counts and accounts survive, new scans count, and the upgraded stores are
refused by nothing but an older release."""

import re
import shlex
import shutil
from pathlib import Path

import psycopg
from click.testing import CliRunner
from fastapi.testclient import TestClient

from api.app import create_app
from cli.main import main
from sites.operations.doctor import examine
from sites.settings import Settings
from sites.storage.migration_files import MIGRATIONS, migration_files
from sites.storage.schema_version import SCHEMA_FILE, known_version
from tests.support import REPO, TEST_CONTENT, phone

GUIDE = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
PREVIOUS_RELEASE = REPO / "tests" / "upgrade" / "data-0.1.0"
PREVIOUS_SCHEMA = 6  # the last migration of release 0.1.0 (0006_certificate_key.sql)
OLD_PASSWORD = "mat-khau-cu-0.1.0"


def guide_settings(root: Path) -> dict[str, str]:
    """The guide's /etc/diachido/env, with /srv/diachido/ moved under `root`."""
    block = re.search(r"sudo tee /etc/diachido/env <<'END'\n(.*?)\nEND\n", GUIDE, re.S)[1]
    return dict(line.replace("/srv/diachido/", f"{root}/").split("=", 1) for line in block.splitlines())


def upgrade_commands(root: Path) -> list[list[str]]:
    """The `diachido` commands of the guide's upgrade steps, in order, with /srv/diachido/ moved under `root`."""
    section = GUIDE[GUIDE.index("### Nâng cấp / Upgrading"):]
    block = section[section.index("```sh\n") + 6:section.index("\n```", section.index("```sh\n"))]
    found = re.findall(r"\.venv/bin/diachido ([^']*)'", block)
    return [shlex.split(command.replace("/srv/diachido/", f"{root}/")) for command in found]


def all_time(client: TestClient, slug: str) -> tuple[int, int]:
    """A site's scans and views since counting began (/api/stats/{slug} shows the last 30 days only)."""
    site = next(site for site in client.get("/api/stats").json()["sites"] if site["slug"] == slug)
    return site["scans"], site["views"]


def run_the_guide(root: Path, env: dict[str, str]) -> list[str]:
    outputs = []
    for arguments in upgrade_commands(root):
        result = CliRunner().invoke(main, arguments, env=env)
        assert result.exit_code == 0, f"diachido {' '.join(arguments)}:\n{result.output}"
        outputs.append(result.output)
    return outputs


def test_the_guide_upgrades_a_data_folder_of_release_0_1_0(tmp_path):
    env = guide_settings(tmp_path)
    content, data = Path(env["DIACHIDO_CONTENT_DIR"]), Path(env["DIACHIDO_DATA_DIR"])
    shutil.copytree(TEST_CONTENT, content)
    shutil.copytree(PREVIOUS_RELEASE, data)
    data.chmod(0o700)  # as 0.1.0 left it; git keeps no folder modes
    assert [arguments[0] for arguments in upgrade_commands(tmp_path)] == [
        "backup", "--version", "migrate", "check", "doctor"]
    outputs = run_the_guide(tmp_path, env)
    assert (tmp_path / "backups" / "before-upgrade.tar.gz").is_file()
    assert f"lược đồ / schema chưa ghi / none recorded → {known_version()}" in outputs[2]
    assert "no problem found" in outputs[4]
    assert (data / SCHEMA_FILE).read_text() == f"{known_version()}\n"

    settings = Settings(content_dir=content, data_dir=data, base_url=env["DIACHIDO_BASE_URL"], reload_interval=0,
                        narrate_ahead=False)
    with TestClient(create_app(settings), base_url=env["DIACHIDO_BASE_URL"]) as client:  # https: Secure cookies
        total = client.get("/api/stats").json()["total"]
        assert (total["scans"], total["views"], total["unique_visitors"]) == (6, 6, 12)  # what 0.1.0 counted
        assert client.get("/q/pinangtac", headers=phone(7001)).status_code == 200
        assert all_time(client, "bay-da-pi-nang-tac") == (7, 0)
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/admin/login").text)[1]
        signed_in = client.post("/admin/login", data={"csrf_token": token, "name": "hoa", "password": OLD_PASSWORD},
                                follow_redirects=False)
        assert signed_in.status_code == 303  # 0.1.0's account and password hash still sign in
    users = CliRunner().invoke(main, ["users", "--data-dir", str(data)])
    assert [line.split()[:2] for line in users.output.splitlines()[:2]] == [["hoa", "admin"], ["lan", "editor"]]


def test_migrate_upgrades_a_postgresql_database_of_release_0_1_0(postgres, tmp_path):
    url = postgres.database()
    with psycopg.connect(url, autocommit=True) as connection:  # 0.1.0's schema: its six migrations, as it ran them
        connection.execute("CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
                           "applied_at timestamptz NOT NULL DEFAULT now())")
        for version, name, sql in migration_files(MIGRATIONS)[:PREVIOUS_SCHEMA]:
            connection.execute(sql)
            connection.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (version, name))
        connection.execute("INSERT INTO site_totals VALUES ('bay-da-pi-nang-tac', 5, 2, 7, now())")
    env = {"DIACHIDO_DATABASE_URL": url, "DIACHIDO_DATA_DIR": str(tmp_path / "data")}
    settings = Settings(content_dir=TEST_CONTENT, data_dir=tmp_path / "data", database_url=url, reload_interval=0,
                        narrate_ahead=False)
    [behind] = [str(problem) for problem in examine(settings) if problem.setting == "DIACHIDO_DATABASE_URL"]
    assert f"the schema is at version {PREVIOUS_SCHEMA}, this release needs {known_version()}" in behind
    result = CliRunner().invoke(main, ["migrate"], env=env)
    assert result.exit_code == 0, result.output
    assert f"✓ PostgreSQL: lược đồ / schema {PREVIOUS_SCHEMA} → {known_version()}" in result.output
    again = CliRunner().invoke(main, ["migrate"], env=env)
    assert f"schema {known_version()} → {known_version()}" in again.output  # nothing left to apply
    assert [problem for problem in examine(settings) if problem.setting == "DIACHIDO_DATABASE_URL"] == []

    with TestClient(create_app(settings)) as client:
        assert client.get("/q/pinangtac", headers=phone(7002)).status_code == 200
        assert all_time(client, "bay-da-pi-nang-tac") == (6, 2)

    with psycopg.connect(url, autocommit=True) as connection:  # a newer release migrated it: this one refuses
        connection.execute("INSERT INTO schema_migrations (version, name) VALUES (%s, 'from_the_future')",
                           (known_version() + 1,))
    refused = CliRunner().invoke(main, ["migrate"], env=env)
    assert refused.exit_code == 1 and f"newer than this release knows ({known_version()})" in refused.output
