"""Writing files so that readers see the old file or the new one, never half of one."""

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_write(target: Path) -> Iterator[BinaryIO]:
    """A binary file that replaces `target` only when the block ends without an error.

    It is written next to `target` (same file system), flushed to disk, then renamed over it.
    """
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def write_bytes_atomically(target: Path, data: bytes) -> None:
    """Replace `target` with `data` in one step."""
    with atomic_write(target) as out:
        out.write(data)


def private_folder(folder: Path) -> None:
    """Create `folder` if needed and let only this user enter it (0700): the data folder holds drafts
    in its history, the accounts and the session key."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.chmod(0o700)


def make_private(folder: Path) -> None:
    """`private_folder`, and every folder below it 0700 and every file 0600 (symbolic links untouched),
    for a data folder made before these modes (or by a copy with the umask's 0644)."""
    private_folder(folder)
    for root, folders, files in os.walk(folder):
        for name in folders:
            if not os.path.islink(os.path.join(root, name)):
                os.chmod(os.path.join(root, name), 0o700)
        for name in files:
            if not os.path.islink(os.path.join(root, name)):
                os.chmod(os.path.join(root, name), 0o600)


@contextlib.contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file `path` (made, mode 0600, in a private folder): one holder at a time,
    across processes; released when the block ends or the process dies."""
    private_folder(path.parent)
    with open(os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
