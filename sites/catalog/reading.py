"""Reading files of content/ defensively: regular files only, and never more than a size limit.

Staff folders hold what editors and tools leave there: Emacs' lock link `.#index.md` (a dangling
symbolic link), a FIFO, a 50 MB file pasted by mistake. Each is a named error for staff, never a
crash, a blocked thread or an unbounded read. Symbolic links are refused as content files and photos:
a site folder holds its own files (copy a file instead of linking it).
"""

import os
import stat
from pathlib import Path

# index.md and its translations: the longest bundled one is 3 KB, and 64 KB holds about 10,000
# Vietnamese words. The limit bounds the first render of a page (markdown-it is slow, and quadratic
# on some inputs): 64 KB of prose renders in about 0.3 s on a 2-core machine.
MAX_TEXT_BYTES = 64 * 1024


class UnreadableFile(OSError):
    """The path is not a regular file we may read, or it is too large; the message says why."""


def regular_file_status(path: Path) -> os.stat_result:
    """The status of `path` itself (a link is not followed); UnreadableFile unless it is a regular file."""
    try:
        status = os.lstat(path)
    except OSError as exc:
        raise UnreadableFile(f"cannot be read ({exc.strerror})") from exc
    if stat.S_ISLNK(status.st_mode):
        raise UnreadableFile("is a symbolic link; site folders hold regular files only (copy the file)")
    if not stat.S_ISREG(status.st_mode):
        raise UnreadableFile("is not a regular file (a FIFO, device or folder); remove it")
    return status


def read_regular_file(path: Path, limit: int = MAX_TEXT_BYTES) -> bytes:
    """The bytes of `path`, which must be a regular file (not a link) of at most `limit` bytes.

    The file is opened without following links and without blocking (a FIFO would block a plain
    open forever), then checked on the open descriptor, so a swap after the check changes nothing.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        regular_file_status(path)  # names the problem when it is a link
        raise UnreadableFile(f"cannot be read ({exc.strerror})") from exc
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(handle.fileno())
        if not stat.S_ISREG(status.st_mode):
            raise UnreadableFile("is not a regular file (a FIFO, device or folder); remove it")
        data = handle.read(limit + 1) if status.st_size <= limit else b""
    if status.st_size > limit or len(data) > limit:
        raise UnreadableFile(f"is larger than {limit // 1024} KB; shorten the story")
    return data
