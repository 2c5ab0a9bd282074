"""Numbered migration files, `NNNN_name.sql`, read in order: PostgreSQL's in sites/storage/migrations/, each SQLite
file's in sites/storage/migrations/sqlite/<store>/."""

import re
from pathlib import Path

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_MIGRATIONS = MIGRATIONS / "sqlite"
MIGRATION_NAME = re.compile(r"(\d{4})_(\w+)\.sql")


def numbered_files(folder: Path) -> list[tuple[int, str, Path]]:
    """(version, name, path) of every migration file in `folder`, in order, none of them read."""
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = MIGRATION_NAME.fullmatch(path.name)
        if not match:
            raise ValueError(f"{path}: migration files are named NNNN_name.sql")
        found.append((int(match[1]), match[2], path))
    return found


def migration_files(folder: Path) -> list[tuple[int, str, str]]:
    """(version, name, SQL) of every migration file in `folder`, in order."""
    return [(version, name, path.read_text(encoding="utf-8")) for version, name, path in numbered_files(folder)]
