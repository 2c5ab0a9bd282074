"""Makes tests/upgrade/data-0.1.0/: a data folder written by the previous release's own code, for
tests/test_upgrade.py. Run it again only to remake the fixture (the result is committed, so CI needs no history):

    mkdir /tmp/release-0.1.0 && git archive ad1eb6a | tar -x -C /tmp/release-0.1.0
    cd /tmp/release-0.1.0 && PYTHONPATH=. .venv-of-this-project/bin/python \
        /path/to/tests/upgrade/make_previous_release_data.py tests/upgrade/data-0.1.0

ad1eb6a is the last commit of release 0.1.0 (CHANGELOG.md). The script runs in that tree (its `api`, `sites`,
`content/`), with this project's virtual environment: two staff accounts, scans and views of three sites by six
phones and one bot, the SQLite files as that release leaves them (parse-cache.pickle, derived, left out).
"""
# ruff: noqa: I001 (api.settings is 0.1.0's module: ruff, reading this tree, takes it for a third-party one)

import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings

PHONE = ("Mozilla/5.0 (Linux; Android 10; SM-A{n}F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
         "Mobile Safari/537.36")
BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def main(out: Path) -> None:
    out.mkdir(parents=True)
    for name, role, province in (("hoa", "admin", None), ("lan", "editor", "Cần Thơ")):
        command = [sys.executable, "-c", "from api.cli import main; main()", "adduser", name, "--role", role,
                   "--password-stdin", "--data-dir", str(out), *(["--province", province] if province else [])]
        subprocess.run(command, input="mat-khau-cu-0.1.0\n", text=True, check=True)
    settings = Settings(content_dir=Path("content"), data_dir=out, base_url="https://diachido.example",
                        reload_interval=0, narrate_ahead=False)
    with TestClient(create_app(settings)) as client:
        for n in range(6):
            phone = {"User-Agent": PHONE.format(n=100 + n)}
            assert client.get("/q/pinangtac", headers=phone).status_code == 200
            if n < 4:
                assert client.get("/sites/dinh-thoi-an", headers=phone).status_code == 200
            if n < 2:
                assert client.get("/sites/chua-pothi-somron", headers=phone).status_code == 200
        assert client.get("/q/pinangtac", headers={"User-Agent": BOT}).status_code == 200
        print(client.get("/api/stats").json())


if __name__ == "__main__":
    main(Path(sys.argv[1]).absolute())
