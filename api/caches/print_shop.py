"""The bounded work that makes the server's QR PNGs and poster PDFs (issue 11: caches by content, a limit on
concurrent work, nothing on the event loop). What they say comes from qr/print_texts.py."""

import functools
import hashlib
import multiprocessing
import pickle
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from api.workpool import WORKER_NICENESS, ByteCache, WorkPool, low_priority_threads
from qr.card_texts import CardJob, drawn_card
from qr.codes import ErrorCorrection, png
from qr.journey_leaflets import LeafletFormat, LeafletText, leaflet
from qr.posters import Branding, PosterFormat, PosterText, posters
from sites.processes import start_low_priority_worker

# A 4000 px PNG is about 25 KB, a 1,000-page poster batch about 2 MB (bench/posters.py): room for many.
PNG_CACHE_BYTES = 8 * 2**20
# A share card (qr/share_cards.py) is 20-40 KB clean and up to about 1.5 MB with a photo: the cards of the sites
# being shared this week, drawn once per version on the QR codes' thread.
CARD_CACHE_BYTES = 24 * 2**20
POSTER_CACHE_BYTES = 48 * 2**20
# On two cores one is left to the event loop that answers scans: PNGs (mostly zlib, which releases the GIL)
# on one thread; posters (pure Python in fpdf2, which would hold the GIL) in one separate process. Both run
# at a lower CPU priority, so a scan is answered first.
PNG_WORKERS, PNG_QUEUE = 1, 32
POSTER_WORKERS, POSTER_QUEUE = 1, 4
# Monthly reports (/stats/report.pdf, anonymous) have their own queue and cache: eight clients asking for random
# provinces once took 6 of 12 staff poster requests' places (issue 21, item 7). They share the posters' process
# (a second one took about 250 MB more in bench/abuse.py): each pool sends it one job at a time, so a poster
# waits for at most one report being made, and is never refused because of reports.
REPORT_WORKERS, REPORT_QUEUE = 1, 2
REPORT_CACHE_BYTES = 8 * 2**20


class PrintShop:
    """Makes QR PNGs and poster PDFs: each once per content (cached by bytes), a few at a time, off the loop."""

    def __init__(self) -> None:
        self.pngs = ByteCache(PNG_CACHE_BYTES)
        self.pdfs = ByteCache(POSTER_CACHE_BYTES)
        self.reports = ByteCache(REPORT_CACHE_BYTES)
        self.cards = ByteCache(CARD_CACHE_BYTES)
        self._png_pool = WorkPool("QR codes", _png_threads, PNG_WORKERS, PNG_QUEUE)
        self._print_process = functools.cache(_poster_process)  # one process, made on first use by either pool
        self._pdf_pool = WorkPool("posters", self._print_process, POSTER_WORKERS, POSTER_QUEUE)
        self._report_pool = WorkPool("monthly reports", self._print_process, REPORT_WORKERS, REPORT_QUEUE)

    async def png(self, payload: str, size: int, ec: ErrorCorrection, dpi: int | None) -> bytes:
        """The QR code PNG (see `qr.codes.png`); raises ValueError for a size too small for the code."""
        return await self.pngs.get((payload, size, ec, dpi),
                                   lambda: self._png_pool.run(png, payload, size, ec, dpi))

    async def card(self, job: CardJob) -> bytes:
        """A share card's PNG (see `qr.card_texts.drawn_card`), once per `job.version`, on the QR codes' thread."""
        return await self.cards.get(job.version, lambda: self._png_pool.run(drawn_card, job))

    async def posters(self, key: str, texts: Sequence[PosterText], fmt: PosterFormat, brand: Branding,
                      bleed: bool = False) -> bytes:
        """One PDF with a page per text (see `qr.posters.posters`); `key` is its `poster_key`."""
        return await self.pdfs.get(key, lambda: self._pdf_pool.run(_posters, list(texts), fmt, brand, bleed))

    async def pdf(self, key: str, make: Callable[..., bytes], *arguments: object) -> bytes:
        """Any other printed PDF (a certificate): `make(*arguments)` in the poster process, cached by `key`."""
        return await self.pdfs.get(key, lambda: self._pdf_pool.run(make, *arguments))

    async def plaque(self, key: str, make: Callable[..., bytes], *arguments: object) -> bytes:
        """A plate's engraving file or preview (qr/engraving/): `make(*arguments)` in the poster process, cached with
        the PDFs by `key` (its content), so it is bounded as a poster is."""
        return await self.pdfs.get(key, lambda: self._pdf_pool.run(make, *arguments))

    async def report(self, key: str, make: Callable[..., bytes], *arguments: object) -> bytes:
        """A monthly report PDF: `make(*arguments)` in the print process, in the reports' own queue and cache."""
        return await self.reports.get(key, lambda: self._report_pool.run(make, *arguments))

    async def leaflet(self, key: str, text: LeafletText, fmt: LeafletFormat) -> bytes:
        """A journey's leaflet PDF (see `qr.journey_leaflets.leaflet`), in the posters' process; `key` is its
        `pdf_key`."""
        return await self.pdfs.get(key, lambda: self._pdf_pool.run(leaflet, text, fmt))

    def pools(self) -> tuple[WorkPool, ...]:
        """Its worker queues, for /metrics."""
        return self._png_pool, self._pdf_pool, self._report_pool

    def close(self) -> None:
        """Stop and join the QR code threads and the PDF processes (at the app's shutdown)."""
        self._png_pool.close()
        self._pdf_pool.close()
        self._report_pool.close()
        self._print_process.cache_clear()  # an app started again makes a new process, not the closed one


def poster_key(texts: Sequence[PosterText], fmt: PosterFormat, brand: Branding, bleed: bool = False) -> str:
    """The version of a poster PDF: a digest of everything printed on it, so an edit makes a new one (a photo's
    variant file is named by its source's modification time and size, so a new photo is a new path)."""
    return content_key((list(texts), fmt.value, brand, bleed))


def content_key(printed: object) -> str:
    """A digest of everything a PDF prints (picklable), to cache it and answer If-None-Match."""
    return hashlib.blake2b(pickle.dumps(printed), digest_size=16).hexdigest()


def _posters(texts: list[PosterText], fmt: PosterFormat, brand: Branding, bleed: bool) -> bytes:
    return posters(texts, fmt, brand, bleed=bleed)


def leaflet_key(text: LeafletText, fmt: LeafletFormat) -> str:
    """The version of a leaflet PDF: a digest of everything printed on it."""
    return hashlib.blake2b(pickle.dumps(("leaflet", text, fmt.value)), digest_size=16).hexdigest()


def _png_threads(workers: int) -> ThreadPoolExecutor:
    return low_priority_threads(workers, "qr-png")


def _poster_process(workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: the server has threads, and a forked child may inherit a lock held by one of them.
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=start_low_priority_worker, initargs=(WORKER_NICENESS,))
