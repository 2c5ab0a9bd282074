"""Telling a damaged store file from a new one, and noticing when the file changes under a running server.

An SQLite file that is missing or empty looks like a new database: opened as it is, every count would
silently start again from zero. So a marker file is written beside the store once it has been created;
while the marker exists, a missing or empty store is damage, not a fresh start. While the server runs,
the file must keep its identity (same inode), never shrink (SQLite only grows it, we never VACUUM), and
keep the SQLite header; otherwise something outside the server truncated, emptied or overwrote it.
"""

import os
from datetime import UTC, datetime
from pathlib import Path

from sites.storage.files import write_bytes_atomically

SQLITE_HEADER = b"SQLite format 3\x00"


class StoreDamaged(Exception):
    """The store file is missing, empty, or not the file the server opened; the message says which."""


class StoreFile:
    """The store file at `path` and its marker `path.created`."""

    def __init__(self, path: Path):
        self.path = path
        self.marker = path.with_name(path.name + ".created")
        self._identity: tuple[int, int] | None = None  # (inode, size) when last seen
        self._fd: int | None = None  # kept open: closing any descriptor of the file drops SQLite's locks on it

    def is_new(self) -> bool:
        """True for a store never created here; raises StoreDamaged for one that was created and is now gone."""
        size = self.path.stat().st_size if self.path.exists() else 0
        if size == 0 and self.marker.exists():
            state = "is empty (0 bytes)" if self.path.exists() else "is missing"
            raise StoreDamaged(f"{self.path.name} {state}, but {self.marker.name} says it was created earlier")
        return size == 0

    def opened(self) -> None:
        """Call once the store is open and valid: writes the marker if needed and remembers the file."""
        if not self.marker.exists():
            write_bytes_atomically(self.marker, (
                f"{datetime.now(UTC).isoformat(timespec='seconds')}\n"
                f"{self.path.name} was created then. While this file exists, a missing or empty {self.path.name}"
                " is reported as damage instead of starting the counts from zero; delete this file only to start"
                " counting from zero on purpose.\n").encode())
        self._fd = os.open(self.path, os.O_RDONLY)
        self._identity = self._stat()

    def changed(self) -> str | None:
        """Why the file is no longer the one the server opened (replaced, shrunk, overwritten), or None."""
        if self._identity is None:
            return None
        try:
            inode, size = self._stat()
        except FileNotFoundError:
            return f"{self.path.name} was deleted while the server was running"
        if inode != self._identity[0]:
            return f"{self.path.name} was replaced while the server was running"
        if size < self._identity[1]:
            return f"{self.path.name} shrank from {self._identity[1]} to {size} bytes while the server was running"
        if os.pread(self._fd, len(SQLITE_HEADER), 0) != SQLITE_HEADER:
            return f"{self.path.name} was overwritten while the server was running: it is no longer an SQLite file"
        self._identity = (inode, size)
        return None

    def advice(self) -> str:
        """What staff do about it, in Vietnamese and English."""
        files = f"{self.path}, {self.path}-wal, {self.path}-shm"
        return (f"Cách khôi phục: dừng máy chủ, chép bản sao lưu đè lên {self.path} (xóa {self.path}-wal và "
                f"{self.path}-shm), rồi khởi động lại. Muốn đếm lại từ đầu: chuyển {files} sang chỗ khác và xóa "
                f"{self.marker}. / To restore: stop the server, copy a backup over {self.path} (delete its -wal and "
                f"-shm files), start it again. To count from zero on purpose: move {files} aside and delete "
                f"{self.marker}. The damaged file is kept as it is.")

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _stat(self) -> tuple[int, int]:
        status = self.path.stat()
        return status.st_ino, status.st_size
