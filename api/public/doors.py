"""Every door an anonymous client can open, with what bounds it (issue 21, "every anonymous door has a declared
bound"). A plain table, no behaviour: tests/test_public_doors.py fails when a route of the app that needs no staff
session is missing here, or when a route named here is gone; bench/abuse.py attacks each door it lists.

Each number is imported from the module that enforces it, never copied (the test checks that this file holds no
number literal, and that each `live` value is what the running app uses). A door's bounds:
- `body_bytes`: the most body the route reads (0: it reads none; the app-wide BodySizeLimit, api/uploads.py,
  answers 413 above MAX_BODY_BYTES before any route runs, and above a small form's own limit as it arrives);
- `form`: the fields and files a form may carry, and for a photo its bytes and decoded pixels;
- `limits`: how many an address, a phone, an outing, a site or everyone may do in a window;
- `workers`: where its costly work runs (each bounded in workers and queue, answering 503 when full);
- `caches`: what it may grow in memory or on disk, each with its cap.
"""

from dataclasses import dataclass
from enum import StrEnum

from api.admin.staff import SMALL_FORM_FIELDS as LOGIN_FORM_FIELDS
from api.app import PASSPORT_PAGES
from api.caches.base_maps import MAX_KEPT_MAPS
from api.caches.calendar_feeds import FEED_CACHE_BYTES as CALENDAR_FEED_BYTES, WRITTEN_BYTES as CALENDAR_WRITTEN_BYTES
from api.caches.list_cache import LIST_CACHE_BYTES
from api.caches.open_data import OPEN_DATA_CACHE_BYTES
from api.caches.page_cache import MAX_PAGES
from api.caches.print_shop import CARD_CACHE_BYTES, PNG_CACHE_BYTES, POSTER_CACHE_BYTES, REPORT_CACHE_BYTES
from api.json_body import MAX_JSON_BYTES as LATE_SCANS_BYTES
from api.public.counting import AGENT_CACHE_SIZE, MAX_AGENT_CHARS
from api.public.routes.outings import MAX_FORM_FIELDS as CLASS_FORM_FIELDS
from api.public.routes.passports import MAX_FORM_FIELDS as PASSPORT_FORM_FIELDS
from api.public.routes.plaque_reports import (
    MAX_FORM_BYTES as REPORT_FORM_BYTES,
    MAX_FORM_FIELDS as REPORT_FORM_FIELDS,
    MAX_FORM_FILES as REPORT_FORM_FILES,
)
from api.public.routes.qr import MAX_PIXELS as QR_MAX_PIXELS
from api.uploads import SMALL_FORM_BYTES
from map.assets import SERVED_PACKAGES
from qr.engraving.plates import MAX_SIDE_MM, MIN_SIDE_MM
from sites.catalog.photos import VARIANT_WIDTHS
from sites.form_guard import PER_ADDRESS as REPORTS_PER_ADDRESS, PER_SITE as REPORTS_PER_SITE, TRACKED
from sites.outings.outing_guard import (
    JOINS_PER_ADDRESS,
    JOINS_PER_OUTING,
    RECOVERIES_PER_ADDRESS,
    RECOVERIES_PER_OUTING,
    TRACKED as TRACKED_PASSPORT_KEYS,
    UNKNOWN_CODES_PER_ADDRESS,
)
from sites.plaque_reports.store import MAX_REPORT_PHOTO_BYTES, MAX_REPORT_PHOTO_PIXELS
from sites.settings import Settings
from sites.staff.throttle import PER_ACCOUNT_AND_ADDRESS, PER_ADDRESS as LOGINS_PER_ADDRESS
from sites.visits.visit_gate import MAX_ENTRIES as VISIT_GATE_ENTRIES


class Worker(StrEnum):
    """Where a door's costly work runs; each is bounded in workers and waiting jobs."""

    QR_PNG = "print shop: the QR PNG thread (api/caches/print_shop.py PNG_WORKERS, PNG_QUEUE)"
    POSTERS = "print shop: the poster process (api/caches/print_shop.py POSTER_WORKERS, POSTER_QUEUE)"
    REPORT_PDF = ("the monthly reports' own queue in the print process "
                  "(api/caches/print_shop.py REPORT_WORKERS, REPORT_QUEUE)")
    IMAGES = ("the image worker (api/image_worker.py IMAGE_WORKERS, VISITOR_QUEUE; "
              "photo variants: sites/catalog/photos.py)")
    NARRATION = "the narration worker (sites/catalog/narration.py QUEUE_LIMIT waiting, else 'not ready')"
    PASSWORDS = "the password-check slots (api/admin/staff_auth.py PasswordCheckSlots)"
    STORE = "the store's writer (group commit) or a thread for a store read"
    OPEN_DATA = "the open data's thread (api/caches/open_data.py OPEN_DATA_WORKERS, OPEN_DATA_QUEUE)"
    CALENDAR = "the calendar feeds' process (api/caches/calendar_feeds.py FEED_WORKERS, FEED_QUEUE)"
    MAP = "the map process (api/caches/base_maps.py): one build at a time, waited for in a request thread"
    THREADS = "Starlette's thread pool (a plain `def` route or run_in_threadpool: 40 threads for every route)"


@dataclass(frozen=True)
class Form:
    """What a posted form may carry."""

    fields: int
    files: int = 0
    file_bytes: int | None = None  # the largest file kept
    pixels: int | None = None  # the most pixels a photo may declare before it is decoded


@dataclass(frozen=True)
class Limit:
    """`count` actions per `key` ("address group", "phone", "outing", "site", ...) per `window`."""

    count: int
    key: str
    window: str  # "hour" or "day"
    live: str | None = None  # where the running app keeps it: an attribute path from AppState


@dataclass(frozen=True)
class Cache:
    """A structure a door may grow, and its cap in `unit`."""

    name: str
    cap: int
    unit: str  # "bytes", "entries", "pages", ...
    live: str | None = None  # where the running app keeps the cap: an attribute path from AppState


@dataclass(frozen=True)
class Door:
    """A route an anonymous client can reach (`methods` + the path template as FastAPI writes it)."""

    methods: tuple[str, ...]
    path: str
    body_bytes: int = 0
    form: Form | None = None
    limits: tuple[Limit, ...] = ()
    workers: tuple[Worker, ...] = ()
    caches: tuple[Cache, ...] = ()
    keys: str = ""  # what an attacker can vary to reach new work: path params, query values
    files: bool = False  # a mount of static files: a path names a file on disk or is a 404


GET, GET_HEAD, POST = ("GET",), ("GET", "HEAD"), ("POST",)

# --- what the doors share ---
PAGES = Cache("rendered site pages (api/caches/page_cache.py), emptied on reload", MAX_PAGES, "pages",
              "page_cache._max_pages")
PASSPORT_NOTES = Cache("site pages with a passport note", PASSPORT_PAGES, "pages", "passport_pages._max_pages")
# The User-Agent is cut to MAX_AGENT_CHARS before it is matched and cached, so the cache is bounded in bytes too.
BOT_CHECK = Cache(f"bot check verdicts by User-Agent, cut to {MAX_AGENT_CHARS} characters (api/public/counting.py)",
                  AGENT_CACHE_SIZE, "agents")
VISIT_GATE = Cache("counted visitors and addresses (sites/visits/visit_gate.py)", VISIT_GATE_ENTRIES, "entries")
COUNTED = Limit(Settings.model_fields["counted_per_address"].default, "address group", "hour",
                "settings.counted_per_address")  # counted, not refused: above it a visit is served, not counted
PNGS = Cache("QR PNGs by content (api/caches/print_shop.py)", PNG_CACHE_BYTES, "bytes", "print_shop.pngs.max_bytes")
CARDS = Cache("share cards by version (api/caches/print_shop.py)", CARD_CACHE_BYTES, "bytes",
              "print_shop.cards.max_bytes")
PDFS = Cache("PDFs by content (api/caches/print_shop.py)", POSTER_CACHE_BYTES, "bytes", "print_shop.pdfs.max_bytes")
LISTS = Cache("rendered lists by path, language and parameters, while their content and counts stay the same "
              "(api/caches/list_cache.py)", LIST_CACHE_BYTES, "bytes", "lists.max_bytes")
BASE_MAPS = Cache("Folium base maps by language, filters and page kind (api/caches/base_maps.py)", MAX_KEPT_MAPS,
                  "maps")
VARIANTS = Cache("photo variants on disk, per photo of the content (data/photo-cache)", len(VARIANT_WIDTHS),
                 "widths")
# The calendar's index (sites/calendar/calendar_index.py): one per content version and day, replaced, never grown.
CALENDAR_FEEDS = Cache("calendar feeds by filter (the whole, a known province's, a site's), plain and gzipped, for the "
                       "current content version and month (api/caches/calendar_feeds.py)", CALENDAR_FEED_BYTES, "bytes")
CALENDAR_EVENTS = Cache("each site's events written for the feeds, compressed, of the month: least recently used "
                        "dropped, written again when asked for (api/caches/calendar_feeds.py)", CALENDAR_WRITTEN_BYTES,
                        "bytes")
# Counted pages: the visit store's writer, the gate, the bot check; scan pages give a visitor cookie (never kept by
# the server, only its hash in the gate). A site page also asks for its narration and is kept rendered.
COUNTING = {"limits": (COUNTED,), "workers": (Worker.STORE,), "caches": (BOT_CHECK, VISIT_GATE)}
SITE_PAGE = {**COUNTING, "workers": (*COUNTING["workers"], Worker.NARRATION),
             "caches": (PAGES, PASSPORT_NOTES, *COUNTING["caches"])}
# Filters are closed sets: an unknown category or province is a 422 before any cache is touched (api/listing.py).
FILTERED = "category, province (closed sets)"
NO_FORM_FILES = Form(CLASS_FORM_FIELDS)
CLASS_LOOKUP = "class code"
# Unknown class codes (pages and forms) are throttled per address group: codes cannot be enumerated.
CODE_LOOKUPS = Limit(UNKNOWN_CODES_PER_ADDRESS, "address group", "hour", "outing_guard.unknown_codes.per_address")

# A plate's size is whole millimetres, each side bounded: an attacker's sizes cost the poster process's queue (503).
PLATE_KEYS = f"slug, size (whole mm, {MIN_SIDE_MM}-{MAX_SIDE_MM} a side), material, holes (closed sets), lang"

DOORS: tuple[Door, ...] = (
    # --- plaques and site pages ---
    Door(GET_HEAD, "/q/{code}", keys="code (unknown codes: a 404 page, nothing kept)", **SITE_PAGE),
    Door(GET_HEAD, "/Q/{code}", keys="code", **SITE_PAGE),
    Door(GET_HEAD, "/sites/{slug}", keys="slug; ?lang and other queries are rendered, not cached", **SITE_PAGE),
    Door(GET_HEAD, "/", keys=f"q, {FILTERED}, page, lang", workers=(Worker.THREADS,), caches=(LISTS,)),
    # share cards (og:image): one per version and language of the text, drawn on the QR codes' thread
    Door(GET, "/sites/{slug}/card.png", keys="slug, lang (the site's languages, else Vietnamese), v (ignored)",
         workers=(Worker.QR_PNG, Worker.IMAGES), caches=(CARDS, VARIANTS)),
    Door(GET, "/journeys/{slug}/card.png", keys="slug, lang (the journey's languages, else Vietnamese), v (ignored)",
         workers=(Worker.QR_PNG, Worker.IMAGES), caches=(CARDS, VARIANTS)),
    Door(GET_HEAD, "/photos/{slug}/{name}", keys="slug, name (only a photo of the content and a known width)",
         workers=(Worker.THREADS, Worker.IMAGES), caches=(VARIANTS,)),
    Door(GET_HEAD, "/audio/{slug}/{name}", keys="slug, name (only the current version: else 404)",
         workers=(Worker.THREADS, Worker.NARRATION)),
    # --- plaque reports: limits, then the token (one report each), then the photo's header, before any decoding ---
    Door(GET, "/sites/{slug}/report", keys="slug"),
    Door(POST, "/sites/{slug}/report", body_bytes=REPORT_FORM_BYTES, keys="slug, form fields",
         form=Form(REPORT_FORM_FIELDS, REPORT_FORM_FILES, MAX_REPORT_PHOTO_BYTES, MAX_REPORT_PHOTO_PIXELS),
         limits=(Limit(REPORTS_PER_ADDRESS, "address group", "hour", "form_limiter.per_address"),
                 Limit(REPORTS_PER_SITE, "site", "hour", "form_limiter.per_scope")),
         workers=(Worker.IMAGES, Worker.STORE),
         caches=(Cache("report limiter keys (per table)", TRACKED, "keys", "form_limiter.tracked"),)),
    # --- JSON API ---
    Door(GET, "/api/sites", keys=f"q, {FILTERED}, page, lang", workers=(Worker.THREADS,), caches=(LISTS,)),
    Door(GET, "/api/sites.geojson", keys=f"{FILTERED}, lang", workers=(Worker.THREADS,), caches=(LISTS,)),
    Door(GET, "/api/sites/{slug}", keys="slug, lang", workers=(Worker.THREADS,)),
    Door(GET, "/api/stats", workers=(Worker.THREADS,), caches=(LISTS,)),
    Door(GET, "/api/stats/{slug}", keys="slug, from, to (dates)", workers=(Worker.THREADS,)),
    Door(GET, "/api/journeys", keys=FILTERED, workers=(Worker.THREADS,)),
    Door(GET, "/api/journeys/{slug}", keys="slug", workers=(Worker.THREADS,)),
    Door(GET, "/api/journeys/{slug}.geojson", keys="slug", workers=(Worker.THREADS,)),
    Door(GET, "/api/map-points.json", keys=f"{FILTERED}, lang", workers=(Worker.THREADS,), caches=(LISTS,)),
    Door(POST, "/api/late-scans", body_bytes=LATE_SCANS_BYTES, keys="device, scan ids, codes",
         limits=(Limit(Settings.model_fields["late_scans_per_day"].default, "phone", "day",
                       "settings.late_scans_per_day"),
                 Limit(Settings.model_fields["late_scans_per_day"].default, "address group", "day",
                       "settings.late_scans_per_day"),
                 Limit(Settings.model_fields["late_scans_per_site"].default, "address group and site", "day",
                       "settings.late_scans_per_site")),
         workers=(Worker.STORE,), caches=(BOT_CHECK,)),
    Door(GET, "/api/offline/sites/{slug}.json", keys="slug, lang",
         workers=(Worker.IMAGES, Worker.NARRATION), caches=(PAGES, VARIANTS)),
    Door(GET, "/api/offline/journeys/{slug}.json", keys="slug, lang",
         workers=(Worker.IMAGES, Worker.NARRATION), caches=(PAGES, VARIANTS)),
    # the open data: a closed set of file names, each made once per content version and day
    Door(GET, "/api/open-data/{name}", keys="name (datapackage.json and the files it names: else 404)",
         workers=(Worker.OPEN_DATA, Worker.STORE),
         caches=(Cache("open-data files by content version and day (api/caches/open_data.py)", OPEN_DATA_CACHE_BYTES,
                       "bytes", "open_data.files.max_bytes"),)),
    Door(GET, "/healthz", workers=(Worker.THREADS,)),
    # a 404 for anyone but this machine, a trusted proxy's own address or the bearer token; series labelled by route
    # template, never by path (api/operations/routes/metrics.py, sites/operations/metrics.py)
    Door(GET_HEAD, "/metrics", keys="none", workers=(Worker.THREADS,)),
    Door(GET_HEAD, "/openapi.json"),
    Door(GET, "/api/docs"),
    # --- maps and lists ---
    Door(GET, "/map", keys=f"{FILTERED}, journey, page, lang", workers=(Worker.THREADS, Worker.MAP),
         caches=(BASE_MAPS, LISTS)),
    Door(GET, "/map/embed", keys=f"{FILTERED}, lang", workers=(Worker.THREADS, Worker.MAP), caches=(BASE_MAPS,)),
    Door(GET, "/stats", keys="page, sort, lang", workers=(Worker.THREADS,), caches=(LISTS,)),
    # --- printing: made once per content, in bounded workers ---
    Door(GET, "/qr/{slug}.png", keys=f"slug, size (at most {QR_MAX_PIXELS} px: imported), cm, dpi, ec",
         workers=(Worker.QR_PNG,), caches=(PNGS,)),
    Door(GET, "/qr/{slug}.svg", keys="slug, cm, ec", workers=(Worker.THREADS,)),
    Door(GET, "/qr/j/{slug}.svg", keys="slug, cm, ec", workers=(Worker.THREADS,)),
    Door(GET, "/posters/{slug}.pdf", keys="slug, format, lang, bleed", workers=(Worker.POSTERS,), caches=(PDFS,)),
    # the size, material and holes are checked (422) before the file is made in the poster process; its code is decoded
    Door(GET, "/plaques/{slug}.svg", keys=PLATE_KEYS,
         workers=(Worker.THREADS, Worker.POSTERS), caches=(PDFS,)),
    Door(GET, "/plaques/{slug}.dxf", keys=PLATE_KEYS,
         workers=(Worker.THREADS, Worker.POSTERS), caches=(PDFS,)),
    Door(GET, "/posters.pdf", keys=f"{FILTERED}, format, bleed", workers=(Worker.POSTERS,), caches=(PDFS,)),
    Door(GET, "/journeys/{slug}.pdf", keys="slug, format, lang", workers=(Worker.POSTERS,), caches=(PDFS,)),
    # the month and the province are checked (422); the PDF is made in the reports' own queue, cached by content
    Door(GET, "/stats/report.{extension}", keys=f"extension (pdf, csv, xlsx), month (up to this one), {FILTERED}",
         workers=(Worker.THREADS, Worker.REPORT_PDF),
         caches=(Cache("monthly report PDFs by content (api/caches/print_shop.py)", REPORT_CACHE_BYTES, "bytes",
                       "print_shop.reports.max_bytes"),)),
    # --- the calendar: filters are closed sets (province, kind), feeds written once per content version and month ---
    Door(GET, "/calendar", keys="province, kind (closed sets), lang", workers=(Worker.THREADS,)),
    Door(GET, "/calendar.ics", keys="province (closed set); at most FEED_EVENTS (10,000) events a feed",
         workers=(Worker.THREADS, Worker.CALENDAR), caches=(CALENDAR_FEEDS, CALENDAR_EVENTS)),
    Door(GET, "/sites/{slug}.ics", keys="slug (published sites only)", workers=(Worker.THREADS, Worker.CALENDAR),
         caches=(CALENDAR_FEEDS, CALENDAR_EVENTS)),
    # --- journeys ---
    Door(GET, "/journeys", keys=f"{FILTERED}, page, lang", workers=(Worker.THREADS,), caches=(LISTS,)),
    Door(GET_HEAD, "/journeys/{slug}", keys="slug, lang", **COUNTING),
    Door(GET_HEAD, "/j/{code}", keys="code, lang", **COUNTING),
    Door(GET_HEAD, "/J/{code}", keys="code, lang", **COUNTING),
    Door(GET, "/journeys/{slug}.m3u", keys="slug, lang", workers=(Worker.THREADS, Worker.NARRATION)),
    # --- class outings and passports ---
    Door(GET, "/class", keys="code (redirected)"),
    Door(GET, "/class/{code}", keys=CLASS_LOOKUP, limits=(CODE_LOOKUPS,), workers=(Worker.STORE,)),
    Door(POST, "/class/{code}/join", body_bytes=SMALL_FORM_BYTES, form=NO_FORM_FILES, keys=f"{CLASS_LOOKUP}, nickname",
         limits=(Limit(JOINS_PER_ADDRESS, "address group", "hour", "outing_guard.joins.per_address"),
                 Limit(JOINS_PER_OUTING, "outing", "hour", "outing_guard.joins.per_scope"), CODE_LOOKUPS),
         workers=(Worker.STORE,),
         caches=(Cache("join limiter keys (per table)", TRACKED_PASSPORT_KEYS, "keys", "outing_guard.joins.tracked"),)),
    Door(GET, "/class/{code}/recover", keys=CLASS_LOOKUP, limits=(CODE_LOOKUPS,), workers=(Worker.STORE,)),
    Door(POST, "/class/{code}/recover", body_bytes=SMALL_FORM_BYTES, form=NO_FORM_FILES,
         keys=f"{CLASS_LOOKUP}, recovery code",
         limits=(Limit(RECOVERIES_PER_ADDRESS, "address group", "hour", "outing_guard.recoveries.per_address"),
                 Limit(RECOVERIES_PER_OUTING, "outing", "hour", "outing_guard.recoveries.per_scope"), CODE_LOOKUPS),
         workers=(Worker.STORE,),
         caches=(Cache("recovery limiter keys (per table)", TRACKED_PASSPORT_KEYS, "keys",
                       "outing_guard.recoveries.tracked"),)),
    Door(GET, "/passport", keys="passport cookie", workers=(Worker.STORE,)),
    Door(GET, "/passport/quiz/{slug}", keys="passport cookie, slug", workers=(Worker.STORE,)),
    Door(POST, "/passport/quiz/{slug}", body_bytes=SMALL_FORM_BYTES, form=Form(PASSPORT_FORM_FIELDS),
         keys="passport cookie, slug", workers=(Worker.STORE,)),
    Door(POST, "/passport/stamp/{slug}", body_bytes=SMALL_FORM_BYTES, form=Form(PASSPORT_FORM_FIELDS),
         keys="passport cookie, slug", workers=(Worker.STORE,)),
    Door(GET, "/passport/certificate.pdf", keys="passport cookie (complete passports only)",
         workers=(Worker.STORE, Worker.POSTERS), caches=(PDFS,)),
    Door(GET, "/verify/{certificate_id}", keys="certificate id (checked by signature, nothing kept)"),
    # --- the app on a phone ---
    Door(GET, "/sw.js"),
    Door(GET, "/offline"),
    Door(GET, "/manifest.webmanifest", keys="lang"),
    Door(GET, "/icons/{name}.png", keys="name (only the app's icon sizes: else 404)"),
    # --- the staff login, reachable before one signs in ---
    Door(GET, "/admin/login", keys="next"),
    Door(POST, "/admin/login", body_bytes=SMALL_FORM_BYTES, form=Form(LOGIN_FORM_FIELDS),
         keys="name, password",
         limits=(Limit(PER_ACCOUNT_AND_ADDRESS.free, "name and address", "day idle (then a doubling delay)"),
                 Limit(LOGINS_PER_ADDRESS.free, "address", "day idle (then a doubling delay)")),
         workers=(Worker.PASSWORDS, Worker.STORE)),
    Door(POST, "/admin/logout", body_bytes=SMALL_FORM_BYTES, form=Form(LOGIN_FORM_FIELDS)),
    # --- static files: a path names a file of the app or a package, or is a 404 ---
    Door(GET_HEAD, "/static", files=True),
    Door(GET_HEAD, "/static/swagger-ui", files=True),
    *(Door(GET_HEAD, path, files=True) for path in SERVED_PACKAGES),
)
