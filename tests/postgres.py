"""A throwaway PostgreSQL cluster from Debian's packages, for the tests and the benchmarks: initdb in a temporary
folder as the `postgres` user (initdb refuses root, and CI runs as root), a free port and a Unix socket there."""

import contextlib
import itertools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg

from sites.backup import postgresql_program
from tests.live import free_port


def binaries() -> Path | None:
    """The folder of Debian's PostgreSQL programs (the newest version installed), or None."""
    initdb = postgresql_program("initdb")
    return initdb.parent if initdb else None


class Cluster:
    """A running cluster; `database()` makes a new empty database and returns its URL."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port
        self._names = itertools.count(1)

    def url(self, name: str = "postgres") -> str:
        return f"postgresql://postgres@/{name}?host={self.folder}&port={self.port}"

    def database(self) -> str:
        name = f"test_{os.getpid()}_{next(self._names)}"
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self.url(name)


def _as_postgres(*command: str | Path) -> list[str]:
    """Run `command` as the postgres user when we are root (initdb and postgres refuse root)."""
    return ["runuser", "-u", "postgres", "--", *map(str, command)] if os.geteuid() == 0 else list(map(str, command))


@contextlib.contextmanager
def postgres_cluster() -> Iterator[Cluster]:
    """Start a cluster in a new temporary folder; stop it and remove the folder afterwards."""
    bin_dir = binaries()
    if bin_dir is None:
        raise FileNotFoundError("PostgreSQL is not installed (apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="diachido-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data = folder / "data"
    port = free_port()
    subprocess.run(_as_postgres(bin_dir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                                "--no-sync"), check=True, capture_output=True)
    # Throwaway: no fsync (the tests kill the app, never PostgreSQL), TCP on loopback for tools, a short
    # deadlock timeout.
    options = (f"-c port={port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} -c fsync=off "
               "-c full_page_writes=off -c synchronous_commit=on -c max_connections=200")
    subprocess.run(_as_postgres(bin_dir / "pg_ctl", "-D", data, "-o", options, "-l", folder / "server.log",
                                "-w", "start"), check=True, capture_output=True)
    try:
        yield Cluster(folder, port)
    finally:
        subprocess.run(_as_postgres(bin_dir / "pg_ctl", "-D", data, "-m", "immediate", "stop"), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)
