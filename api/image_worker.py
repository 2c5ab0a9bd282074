"""The bounded image worker (issue 21, items 1 and 6): every photo a request causes to be decoded (a visitor's
plaque-report photo, a photo saved in the admin) is decoded here, one at a time, at low CPU priority, off the
event loop.

Six 39.7-megapixel PNGs posted at once took the server from 168 to 472 MB (report form) and from 696 MB to
2 GB (admin saves), and scans from 1.8 ms to 6 s. Now one photo is decoded at a time (a 23-megapixel PNG took
183 MB in bench/abuse.py, given back afterwards), by a thread that yields the CPU to the loop answering scans
(Pillow releases the GIL while it decodes and resizes). Visitors get at most `VISITOR_QUEUE` waiting before them and are
otherwise told to come back (503 + Retry-After); staff, who are few, logged in and would lose a filled-in
form, wait in a longer queue of `STAFF_QUEUE` (still bounded: each waiting upload holds its bytes).
"""

import ctypes
import sys
from concurrent.futures import ThreadPoolExecutor

from anyio import from_thread

from api.workpool import WorkPool, low_priority_threads
from sites.catalog.photos import MAX_PHOTO_PIXELS, check_upload, clean_upload

IMAGE_WORKERS = 1  # on two cores, one is the event loop's
VISITOR_QUEUE = 1
STAFF_QUEUE = 8


class ImageWorker:
    """Decodes and cleans uploaded photos (`sites.catalog.photos.clean_upload`), `IMAGE_WORKERS` at a time."""

    def __init__(self) -> None:
        self._pool = WorkPool("photos", _image_threads, IMAGE_WORKERS, STAFF_QUEUE)

    async def clean_for_visitor(self, data: bytes, max_pixels: int) -> tuple[bytes, str]:
        """The cleaned photo; raises workpool.Busy at once when more than VISITOR_QUEUE photos wait."""
        return await self._pool.run(_clean, data, max_pixels, max_waiting=VISITOR_QUEUE)

    def clean_for_staff(self, data: bytes) -> tuple[bytes, str]:
        """The cleaned photo, waiting for the worker; for a route running in a worker thread (a plain `def`
        route), as the admin's save is. Its header is checked first, in the calling thread: a photo refused by
        its size or pixels never waits. Raises workpool.Busy when STAFF_QUEUE saves already wait."""
        check_upload(data, MAX_PHOTO_PIXELS)
        return from_thread.run(self._pool.run, _clean, data, MAX_PHOTO_PIXELS)

    @property
    def pool(self) -> WorkPool:
        """Its worker queue, for /metrics."""
        return self._pool

    def close(self) -> None:
        """Stop the worker (at shutdown)."""
        self._pool.close()


def _image_threads(workers: int) -> ThreadPoolExecutor:
    return low_priority_threads(workers, "photo-decode")


def _clean(data: bytes, max_pixels: int) -> tuple[bytes, str]:
    """`clean_upload`, then the memory of the decoded pixels given back to the system: glibc keeps what a
    thread freed for that thread's next allocations, and a 23 MP photo left the server 180 MB larger for good."""
    try:
        return clean_upload(data, max_pixels)
    finally:
        if _MALLOC_TRIM is not None:
            _MALLOC_TRIM(0)


# glibc's; absent from other C libraries, which then keep the memory as before
_MALLOC_TRIM = getattr(ctypes.CDLL(None), "malloc_trim", None) if sys.platform == "linux" else None
