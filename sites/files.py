"""Writing files so that readers see the old file or the new one, never half of one."""

import contextlib
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
