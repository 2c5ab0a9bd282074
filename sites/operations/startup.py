"""What `diachido serve` says at start, before the first request: where the site, the admin and the guides are,
and, while no staff account exists, the exact command that makes the first one (a new user looked for it)."""

import shlex
from pathlib import Path

from sites.settings import Settings
from sites.storage.postgres import PostgresDatabase
from sites.stores import user_store

GUIDES = "docs/README.md"  # in the source tree and the repository; the API's own guide is /api/docs


def welcome_lines(settings: Settings, listen: str, staff_accounts: int | None) -> list[str]:
    """The lines to print; `listen` is http://HOST:PORT as served, `staff_accounts` None when they cannot be read
    (PostgreSQL down: the server starts all the same). With a base URL of this machine (the default) the pages are
    where the server listens: `serve --port 8765` is opened at :8765, whatever port the base URL names."""
    here = listen.replace("//0.0.0.0:", "//127.0.0.1:").replace("//[::]:", "//127.0.0.1:")  # all addresses: this one
    base = here if settings.base_url_is_loopback else settings.base_url
    lines = [f"Trang web / site: {base}/  (máy chủ nghe / listening on {listen})",
             f"Quản trị / admin: {base}/admin",
             f"API và tài liệu / API and its docs: {base}/api/docs; hướng dẫn / guides: {GUIDES}"]
    if staff_accounts == 0:
        lines += ["Chưa có tài khoản cán bộ nào / no staff account yet. Tạo tài khoản đầu tiên / make the first one:",
                  f"  {adduser_command(settings)}"]
    return lines


def adduser_command(settings: Settings) -> str:
    """`diachido adduser` for a first admin, with the data folder when it is not the default one."""
    default = Settings.model_fields["data_dir"].default
    where = "" if Path(settings.data_dir) == default else f" --data-dir {shlex.quote(str(settings.data_dir))}"
    return f"diachido adduser admin --role admin{where}"


def staff_account_count(settings: Settings) -> int | None:
    """How many staff accounts exist (users.json, or PostgreSQL); None when they cannot be read now."""
    database_url = settings.database_url.get_secret_value() if settings.database_url else None
    database = PostgresDatabase(database_url, max_connections=1) if database_url else None
    try:
        return len(user_store(settings.data_dir, database_url, database=database).all())
    except Exception:  # an unreachable database, a damaged users.json: serve says what it can, and starts
        return None
    finally:
        if database:
            database.close()
