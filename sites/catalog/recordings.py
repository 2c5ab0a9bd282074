"""Recorded narrations placed in a site folder (`narration:` in index.md), checked by the loader.

A recording must be a regular MP3 file of at most 20 MB and 15 minutes that decodes; its length is
read from the headers and its first second decoded, once per file version (size and mtime), so a
reload does not decode every recording again.
"""

from functools import lru_cache
from pathlib import Path

from sites.catalog.reading import UnreadableFile, regular_file_status
from sites.catalog.site import RecordingFile
from speech.audio import MAX_RECORDING_BYTES, RecordingError, probe_mp3


class RecordingFileError(ValueError):
    """A recording in a site folder that cannot be served; `type` and `ctx` word it for staff."""

    def __init__(self, type_: str, reason: str, **ctx: object):
        super().__init__(reason)
        self.type = type_
        self.ctx = {"reason": reason, **ctx}


def recording_file(path: Path, narrator: str) -> RecordingFile:
    """The recording at `path` with its length and size; RecordingFileError when it cannot be served."""
    try:
        status = regular_file_status(path)
    except UnreadableFile as problem:
        raise RecordingFileError("narration_unreadable", f"'{path.name}' {problem}") from problem
    if status.st_size > MAX_RECORDING_BYTES:
        raise RecordingFileError("narration_too_large", f"'{path.name}' is {status.st_size / 2**20:.1f} MB; "
                                 f"at most {MAX_RECORDING_BYTES // 2**20} MB", max_mb=MAX_RECORDING_BYTES // 2**20)
    try:
        seconds = _seconds(str(path), status.st_mtime_ns, status.st_size)
    except RecordingError as problem:
        raise RecordingFileError(problem.type, str(problem), **problem.ctx) from problem
    return RecordingFile(path=path, narrator=narrator, seconds=seconds, size=status.st_size)


@lru_cache(maxsize=1024)
def _seconds(path: str, _mtime_ns: int, _size: int) -> float:
    return probe_mp3(path)
