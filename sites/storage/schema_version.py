"""The schema version of a deployment's stores: the number of the last migration in sites/storage/migrations/.

PostgreSQL records each migration applied (`schema_migrations`, sites/storage/postgres.py). A data folder of SQLite
files records in SCHEMA_FILE the release schema its stores were last brought to (each file also records its own
migrations, sites/storage/local_db.py), so that one number says where a deployment stands on either back end. No
release opens stores of a newer version than it knows: an upgrade rolled back without restoring its backup would
otherwise write to tables it does not understand.
"""

from pathlib import Path

from sites.storage.files import write_bytes_atomically
from sites.storage.migration_files import MIGRATIONS, numbered_files

SCHEMA_FILE = "schema-version"


class SchemaTooNew(Exception):
    """The stores were written by a newer release; the message says where, which version, and what to do."""


def known_version() -> int:
    """The newest schema this release knows: its last migration's number."""
    return numbered_files(MIGRATIONS)[-1][0]


def folder_version(data_dir: Path) -> int | None:
    """The version recorded in `data_dir`, or None (a new folder, or one from release 0.1.0, which recorded none)."""
    try:
        return int((data_dir / SCHEMA_FILE).read_text(encoding="ascii").strip())
    except FileNotFoundError:
        return None
    except ValueError:
        raise SchemaTooNew(f"{data_dir / SCHEMA_FILE}: không đọc được / unreadable; restore it from a backup") from None


def stamp_folder(data_dir: Path) -> None:
    """Record that the SQLite stores of `data_dir` are at this release's version (written only when it changes)."""
    if folder_version(data_dir) != known_version():
        write_bytes_atomically(data_dir / SCHEMA_FILE, f"{known_version()}\n".encode())


def refuse_newer(found: int | None, where: str) -> None:
    """Raise SchemaTooNew when `found`, the version of the stores at `where`, is newer than this release's."""
    if found is not None and found > known_version():
        raise SchemaTooNew(
            f"{where}: lược đồ dữ liệu phiên bản {found}, mới hơn bản này biết ({known_version()}) / the stores are at "
            f"schema version {found}, newer than this release knows ({known_version()}): run the release that wrote "
            f"them, or restore the backup made before the upgrade (docs/deploy.md, 'Nâng cấp / Upgrading')")
