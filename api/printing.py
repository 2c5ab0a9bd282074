"""What staff print, shared by the QR and poster routes and the CLI: the scan URL a code encodes, the texts
of a poster, the check that the base URL can be reached by a phone, and the bounded work that makes the
files (issue 11: caches by content, a limit on concurrent work, nothing on the event loop)."""

import hashlib
import multiprocessing
import os
import pickle
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

from fastapi import HTTPException, Request

from api.i18n import COMPLETE_LANGUAGES, category_label, recognition_label, strings
from api.settings import Settings
from api.workpool import WORKER_NICENESS, ByteCache, WorkPool, low_priority_threads
from qr.codes import ErrorCorrection, png, scan_url, svg
from qr.posters import Branding, PosterFormat, PosterText, posters
from sites.languages import SOURCE_LANGUAGE
from sites.site import Site

# A 4000 px PNG is about 25 KB, a 1,000-page poster batch about 2 MB (bench/posters.py): room for many.
PNG_CACHE_BYTES = 8 * 2**20
POSTER_CACHE_BYTES = 48 * 2**20
# On two cores one is left to the event loop that answers scans: PNGs (mostly zlib, which releases the GIL)
# on one thread; posters (pure Python in fpdf2, which would hold the GIL) in one separate process. Both run
# at a lower CPU priority, so a scan is answered first.
PNG_WORKERS, PNG_QUEUE = 1, 32
POSTER_WORKERS, POSTER_QUEUE = 1, 4


def site_scan_url(site: Site, settings: Settings) -> str:
    """What the site's QR code encodes."""
    return scan_url(settings.base_url, site.code, settings.qr_uppercase)


def site_svg(site: Site, settings: Settings, ec: ErrorCorrection, cm: float | None) -> bytes:
    """The site's QR code as SVG, titled with the site's name and the URL it opens."""
    payload = site_scan_url(site, settings)
    return svg(payload, ec, cm, title=f"{site.meta.name}: {payload}")


def poster_text(site: Site, settings: Settings, lang: str = SOURCE_LANGUAGE) -> PosterText:
    """What the site's poster says in `lang` (Vietnamese where the site has no text in it), with the call to
    action in `lang` and then in Vietnamese (English under a Vietnamese one). The URL is the one its QR code
    encodes, the same in every language: a phone opens the page in its own language, with a picker."""
    text = site.localized(lang)
    lang = text.content_lang
    second = SOURCE_LANGUAGE if lang != SOURCE_LANGUAGE else next(
        (tag for tag in COMPLETE_LANGUAGES if tag != SOURCE_LANGUAGE), SOURCE_LANGUAGE)
    return PosterText(
        name=text.name,
        category=category_label(site.meta.category, lang),
        recognition=recognition_label(site.meta.recognition, lang),
        summary=text.summary,
        url=site_scan_url(site, settings),
        lang=lang,
        call_to_action=(strings(lang)["call_to_action"], strings(second)["call_to_action"]),
    )


def branding(settings: Settings) -> Branding:
    """The organising unit and its logo, from the settings."""
    return Branding(settings.organisation, settings.organisation_logo)


LOOPBACK_MESSAGE = (
    "DIACHIDO_BASE_URL ({base_url}) là địa chỉ nội bộ của máy chủ: điện thoại quét mã sẽ không mở được. "
    "Hãy đặt DIACHIDO_BASE_URL là địa chỉ công khai (ví dụ https://diachido.vn) rồi chạy lại. / "
    "DIACHIDO_BASE_URL ({base_url}) is a loopback address: phones scanning these codes cannot open it. "
    "Set DIACHIDO_BASE_URL to the public address (e.g. https://diachido.vn) and restart."
)


def loopback_warning(settings: Settings) -> str:
    """The message that says the base URL cannot be reached from a phone."""
    return LOOPBACK_MESSAGE.format(base_url=settings.base_url)


async def reachable_base_url(request: Request) -> None:
    """Refuse (409) a QR code or poster that would encode a loopback address nobody else can open.

    Allowed when the server itself listens on loopback only (DIACHIDO_LISTEN_HOST, set by `diachido serve`)
    and the request came to a loopback address (not through a reverse proxy): then whoever downloads the file
    is on this machine, testing.
    """
    settings: Settings = request.app.state.settings
    if settings.base_url_unreachable(request.url.hostname):
        raise HTTPException(409, loopback_warning(settings))


class PrintShop:
    """Makes QR PNGs and poster PDFs: each once per content (cached by bytes), a few at a time, off the loop."""

    def __init__(self) -> None:
        self.pngs = ByteCache(PNG_CACHE_BYTES)
        self.pdfs = ByteCache(POSTER_CACHE_BYTES)
        self._png_pool = WorkPool("QR codes", _png_threads, PNG_WORKERS, PNG_QUEUE)
        self._pdf_pool = WorkPool("posters", _poster_process, POSTER_WORKERS, POSTER_QUEUE)

    async def png(self, payload: str, size: int, ec: ErrorCorrection, dpi: int | None) -> bytes:
        """The QR code PNG (see `qr.codes.png`); raises ValueError for a size too small for the code."""
        return await self.pngs.get((payload, size, ec, dpi),
                                   lambda: self._png_pool.run(png, payload, size, ec, dpi))

    async def posters(self, key: str, texts: Sequence[PosterText], fmt: PosterFormat, brand: Branding) -> bytes:
        """One PDF with a page per text (see `qr.posters.posters`); `key` is its `poster_key`."""
        return await self.pdfs.get(key, lambda: self._pdf_pool.run(posters, list(texts), fmt, brand))

    def close(self) -> None:
        self._png_pool.close()
        self._pdf_pool.close()


def poster_key(texts: Sequence[PosterText], fmt: PosterFormat, brand: Branding) -> str:
    """The version of a poster PDF: a digest of everything printed on it, so an edit makes a new one."""
    return hashlib.blake2b(pickle.dumps((list(texts), fmt.value, brand)), digest_size=16).hexdigest()


def _png_threads(workers: int) -> ThreadPoolExecutor:
    return low_priority_threads(workers, "qr-png")


def _poster_process(workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: the server has threads, and a forked child may inherit a lock held by one of them.
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=os.nice, initargs=(WORKER_NICENESS,))


async def get_print_shop(request: Request) -> PrintShop:
    return request.app.state.print_shop
