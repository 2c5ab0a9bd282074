"""Backups of a running deployment: content/, the data folder and, when it is used, the PostgreSQL database,
in one .tar.gz; restored only into empty folders (and an empty database).

A backup is consistent store by store while the server runs: content/ is copied holding the content lock (no
admin save is half-written), each SQLite file is copied with SQLite's online backup API (one read transaction,
never a torn page, writers go on), and PostgreSQL with `pg_dump` (one repeatable-read snapshot). The archive is
built beside its target and appears under its name only once complete.
"""

import contextlib
import glob
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sites.catalog.live import SITE_CACHE
from sites.editing.writer import ContentWriter
from sites.operations.metric_files import METRICS_FOLDER
from sites.storage.files import make_private, write_bytes_atomically
from sites.visits.commit_turns import TURNS_FILE

SUFFIX = ".tar.gz"
MANIFEST = "manifest.json"
DATABASE_DUMP = "postgresql.sql"
FORMAT = 1
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")  # part of the live database: the backup API copies their pages
# In the data folder, remade from content/ when missing, emptied at each start (metrics) or shared by the running
# processes only (commit turns): left out.
DERIVED = {SITE_CACHE, "photo-cache", METRICS_FOLDER, TURNS_FILE}
LAST_BACKUP = "last-backup.json"  # in the data folder: when the last backup was made, and where to


class BackupError(Exception):
    """A backup or restore that cannot be done; the message names the file, folder or setting."""


@dataclass(frozen=True)
class Archive:
    """What a backup holds: how many files of content and data, and whether the database is PostgreSQL."""

    path: Path
    content_files: int
    data_files: int
    postgresql: bool


def postgresql_program(name: str) -> Path | None:
    """A PostgreSQL client program from Debian's packages (the newest version installed), or one on PATH."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda path: int(path.split("/")[4]))
    if found:
        return Path(found[-1])
    on_path = shutil.which(name)
    return Path(on_path) if on_path else None


def backup(content_dir: Path, data_dir: Path, database_url: str | None, target: Path) -> Archive:
    """Write the snapshot of a deployment to `target` (a new .tar.gz file, never one that exists)."""
    if not target.name.endswith(SUFFIX):
        raise BackupError(f"{target}: the backup is a {SUFFIX} file, name it so")
    if target.exists():
        raise BackupError(f"{target}: exists already; a backup never replaces a file")
    if not content_dir.is_dir():
        raise BackupError(f"{content_dir}: content folder not found")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{target.name}.") as staging:
        stage = Path(staging)
        if database_url:
            _dump(database_url, stage / DATABASE_DUMP)
        with ContentWriter(content_dir, data_dir).locked():
            content_files = _copy_tree(content_dir, stage / "content")
        data_files = _copy_tree(data_dir, stage / "data", skip=DERIVED) if data_dir.is_dir() else 0
        manifest = {"format": FORMAT, "made": datetime.now(UTC).isoformat(timespec="seconds"),
                    "postgresql": bool(database_url)}
        (stage / MANIFEST).write_text(json.dumps(manifest))
        archive = stage / "archive.tar.gz"
        with tarfile.open(archive, "w:gz") as tar:
            for name in sorted(os.listdir(stage)):
                if name != archive.name:
                    tar.add(stage / name, arcname=name)
        with open(archive, "rb+") as written:
            os.fsync(written.fileno())
        try:
            os.link(archive, target)  # appears complete, and never over a file made meanwhile
        except FileExistsError:
            raise BackupError(f"{target}: exists already; a backup never replaces a file") from None
    if data_dir.is_dir():  # for `diachido doctor`: how old the last backup is
        record = {"made": manifest["made"], "file": str(target.absolute())}
        write_bytes_atomically(data_dir / LAST_BACKUP, json.dumps(record).encode())
    return Archive(target, content_files, data_files, bool(database_url))


def last_backup(data_dir: Path) -> datetime | None:
    """When the last backup of `data_dir` was made (as `backup` records it), or None."""
    try:
        return datetime.fromisoformat(json.loads((data_dir / LAST_BACKUP).read_text(encoding="utf-8"))["made"])
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None


def restore(source: Path, content_dir: Path, data_dir: Path, database_url: str | None) -> Archive:
    """Unpack the backup `source` into `content_dir` and `data_dir` (missing or empty) and, for a PostgreSQL
    backup, into the empty database at `database_url`. Everything is checked before anything is written."""
    for folder in (content_dir, data_dir):
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            raise BackupError(f"{folder}: not empty; restore only into an empty or missing folder")
    try:
        tar = tarfile.open(source, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"{source}: not a backup ({exc})") from None
    with tar, tempfile.TemporaryDirectory(dir=_existing_parent(content_dir.absolute().parent),
                                                  prefix=".restore.") as staging:
        stage = Path(staging)
        try:
            _refuse_links(source, tar)
            tar.extractall(stage, filter="data")  # no absolute paths, links out of the folder or devices
            manifest = json.loads((stage / MANIFEST).read_text())
        except (OSError, tarfile.TarError, ValueError) as exc:
            raise BackupError(f"{source}: not a backup ({exc})") from None
        if manifest.get("format") != FORMAT or not (stage / "content").is_dir():
            raise BackupError(f"{source}: not a backup of this version (format {manifest.get('format')})")
        if manifest["postgresql"] and not database_url:
            raise BackupError(f"{source} holds a PostgreSQL database: set DIACHIDO_DATABASE_URL to an empty one")
        if not manifest["postgresql"] and database_url:
            raise BackupError(f"{source} holds SQLite stores in its data folder: unset DIACHIDO_DATABASE_URL")
        if database_url:
            _load_dump(stage / DATABASE_DUMP, database_url)
        content_files = _move(stage / "content", content_dir)
        data_files = _move(stage / "data", data_dir) if (stage / "data").is_dir() else 0
    if data_dir.is_dir():
        make_private(data_dir)
    return Archive(source, content_files, data_files, bool(manifest["postgresql"]))


def _refuse_links(source: Path, tar: tarfile.TarFile) -> None:
    """A backup holds folders and files only (`backup` never writes a link): a link, even one that stays inside
    the archive, could join content/ and data/ once restored (issue 21), so the whole backup is refused."""
    for member in tar:
        if member.issym() or member.islnk():
            raise BackupError(f"{source}: '{member.name}' là một liên kết (link), bản sao lưu chỉ được chứa thư mục "
                              f"và tệp; không khôi phục / '{member.name}' is a link; a backup holds only folders and "
                              f"files: not restored")


def _copy_tree(source: Path, target: Path, skip: set[str] = frozenset()) -> int:
    """Copy the regular files under `source`, but not the entries of `source` named in `skip`; SQLite databases
    through the online backup API. Files that vanish while walking (a finished atomic write's temporary) are
    skipped. Returns the number copied."""
    copied = 0
    for root, folders, files in os.walk(source):
        folder = target / Path(root).relative_to(source)
        folder.mkdir(parents=True, exist_ok=True)
        if Path(root) == source:
            folders[:] = [name for name in folders if name not in skip]
            files = [name for name in files if name not in skip]
        for name in files:
            path = Path(root) / name
            if name.endswith(SQLITE_SIDE_FILES) or (name.startswith(".") and name.endswith(".tmp")):
                continue
            with contextlib.suppress(FileNotFoundError):
                if name.endswith(".sqlite3"):
                    _copy_sqlite(path, folder / name)
                elif path.is_file() and not path.is_symlink():
                    shutil.copy2(path, folder / name)
                else:
                    continue
                copied += 1
    return copied


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database, as a single file (no write-ahead log beside it)."""
    if not source.is_file():
        raise FileNotFoundError(source)
    with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)) as live, \
            contextlib.closing(sqlite3.connect(target)) as copy:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")


def _client(database_url: str) -> tuple[str, dict[str, str]]:
    """The connection string for libpq's programs without the password, which goes in their environment
    (a command line is visible to every user of the machine)."""
    # imported here: SQLite deployments never load psycopg (issue 27)
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(database_url)
    env = {**os.environ}
    if password := params.pop("password", None):
        env["PGPASSWORD"] = password
    return make_conninfo(**params), env


def _program(name: str) -> Path:
    program = postgresql_program(name)
    if program is None:
        raise BackupError(f"{name} not found: install Debian's postgresql-client")
    return program


def _dump(database_url: str, target: Path) -> None:
    conninfo, env = _client(database_url)
    done = subprocess.run([_program("pg_dump"), "--no-owner", "--no-privileges", "--file", target, "--dbname",
                           conninfo], env=env, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")


def _load_dump(dump: Path, database_url: str) -> None:
    """Load `dump` into the database, which must hold no table yet; all of it or nothing (one transaction)."""
    import psycopg  # imported here: SQLite deployments never load psycopg (issue 27)

    try:
        with psycopg.connect(database_url, connect_timeout=5) as connection:
            tables = connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN "
                                        "('pg_catalog', 'information_schema')").fetchone()[0]
    except psycopg.Error as exc:
        raise BackupError(f"DIACHIDO_DATABASE_URL: cannot connect ({exc})") from None
    if tables:
        raise BackupError(f"DIACHIDO_DATABASE_URL: the database holds {tables} tables; restore only into an "
                          "empty database (createdb a new one)")
    conninfo, env = _client(database_url)
    done = subprocess.run([_program("psql"), "--no-psqlrc", "--quiet", "--single-transaction", "-v",
                           "ON_ERROR_STOP=1", "--file", dump, "--dbname", conninfo], env=env, capture_output=True,
                          text=True)
    if done.returncode:
        raise BackupError(f"psql could not load {DATABASE_DUMP}: {done.stderr.strip()}")


def _existing_parent(folder: Path) -> Path:
    while not folder.exists():
        folder = folder.parent
    return folder if folder.is_dir() else folder.parent


def _move(source: Path, target: Path) -> int:
    """Put the unpacked folder `source` in place of the empty or missing `target`; returns its file count."""
    files = sum(len(names) for _, _, names in os.walk(source))
    if target.exists():
        target.rmdir()
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(source, target)
    return files
