"""The site cache: every valid site loaded, kept in an SQLite file between starts and read back as it is needed.

A restart reuses each site folder whose files are unchanged, keyed by the folder's files' names, sizes and
modification times. Each row holds a site's card (what lists, the map and search need, kept in memory), its events
(read back for the calendar without the rest) and its detail (front matter, bodies, translations, photos: read back
from the file when a request asks for them, the most recent ones kept in memory), so a server holds only the cards of
40,000 sites (issue 27). The workers of `serve --workers N` share the file.

The file names the version of the code that loads sites (sites/catalog/loading_code.py) and the content folder:
another version of that code or another content folder, or a damaged file, means parsing and validating everything
again. Only valid sites are kept: a folder with errors is always loaded, and its errors reported, as without a
cache. A row no load uses any more (its folder removed, or a newer version of it loaded) is marked gone and deleted
after GONE_SECONDS, so that another worker still serving it until its next reload can read it meanwhile.
"""

import logging
import os
import pickle
import sqlite3
import threading
import time
from collections import OrderedDict
from functools import partial
from pathlib import Path

from sites.catalog.loading_code import code_version
from sites.catalog.models import Event
from sites.catalog.site import Site, SiteCard, SiteDetail

log = logging.getLogger(__name__)
FORMAT = "diachido-site-cache 3"
DETAILS_KEPT = 512  # the details read most recently, in memory: a site page's own, its neighbours', a list page's
GONE_SECONDS = 600  # far longer than any worker takes to notice a change to content/ and reload
PUTS_A_COMMIT = 500  # a start on an empty cache commits as it goes: another worker's writes wait at most this long
BUSY_SECONDS = 120  # how long a write waits for another worker's

ABOUT_TABLE = "CREATE TABLE IF NOT EXISTS about (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
SITES_TABLE = """
CREATE TABLE IF NOT EXISTS sites (
    id INTEGER PRIMARY KEY,
    folder TEXT NOT NULL,
    stamps BLOB NOT NULL,
    gone REAL,
    card BLOB NOT NULL,
    events BLOB NOT NULL,
    detail BLOB NOT NULL,  -- last: reading the columns before it does not read its pages
    UNIQUE (folder, stamps)
)
"""


class DetailGone(LookupError):
    """The cache no longer holds a site's detail: another worker deleted it after the site's folder changed."""


def folder_stamps(path: str) -> tuple[tuple[str, int, int], ...]:
    """(name, size, modification time) of each entry of the folder `path`, sorted; links are not followed
    and an entry removed while it is listed is left out."""
    stamps = []
    try:
        entries = list(os.scandir(path))
    except FileNotFoundError:
        return ()
    for entry in entries:
        try:
            stat = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue
        stamps.append((entry.name, stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(stamps))


class SiteCache:
    """Valid sites by folder name and stamps, in the SQLite file `cache_file` (None: in memory, for this process)."""

    def __init__(self, content_dir: Path, cache_file: Path | None = None) -> None:
        self._content_dir = content_dir
        self._lock = threading.Lock()  # one connection: the loading thread writes, request threads read details
        self._file = cache_file
        self._connection: sqlite3.Connection | None
        self._connection, rows = self._open(cache_file)
        self._rows: dict[str, dict[bytes, int]] = {}  # folder -> stamps -> row
        self._cards: dict[int, bytes] = {}  # row -> card, read at once for the first load, then read one by one
        for row_id, folder, stamps, card in rows:
            self._rows.setdefault(folder, {})[stamps] = row_id
            self._cards[row_id] = card
        self._details: OrderedDict[int, SiteDetail] = OrderedDict()
        self._sites: dict[int, Site] = {}  # row -> the site given for it: an unchanged folder gives the same site again
        self._seen: set[str] = set()
        self._used: dict[str, int] = {}  # folder -> the row this load gave
        self._puts = 0
        self._stamps: dict[str, list[tuple]] = {}

    def _open(self, cache_file: Path | None) -> tuple[sqlite3.Connection, list[tuple]]:
        """The cache's connection, its tables made (and emptied if they hold another version's sites), and its rows."""
        if cache_file is None:
            return self._read(self._connect())
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        db = self._connect()
        try:
            return self._read(db)
        except sqlite3.DatabaseError as exc:  # not an SQLite file, or a damaged one: start a new one
            log.warning("replacing the site cache %s: %s", cache_file, exc)
            db.close()
            for damaged in (cache_file, *(Path(f"{cache_file}{side}") for side in ("-wal", "-shm"))):
                damaged.unlink(missing_ok=True)
            return self._read(self._connect())

    def _connect(self) -> sqlite3.Connection:
        """A connection to the cache's file (or to memory without one)."""
        return sqlite3.connect(self._file or ":memory:", timeout=BUSY_SECONDS, check_same_thread=False)

    @property
    def _db(self) -> sqlite3.Connection:
        """The connection (under `_lock`), opened again if `close` closed it: an app's lifespan may run twice."""
        if self._connection is None:
            self._connection = self._connect()
        return self._connection

    def close(self) -> None:
        """Commit and close the file, its log copied into it (at shutdown); a later read opens it again. A cache in
        memory stays open: it would be lost."""
        with self._lock:
            if self._file is not None and self._connection is not None:
                self._connection.commit()
                self._connection.close()
                self._connection = None

    def _read(self, db: sqlite3.Connection) -> tuple[sqlite3.Connection, list[tuple]]:
        self._prepare(db)
        return db, db.execute("SELECT id, folder, stamps, card FROM sites").fetchall()

    def _prepare(self, db: sqlite3.Connection) -> None:
        version = f"{FORMAT} {code_version()} {self._content_dir.resolve()}"
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")  # a cache: losing the last writes to a power cut costs a parse
        with db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(ABOUT_TABLE)
            db.execute(SITES_TABLE)
            known = db.execute("SELECT value FROM about WHERE key = 'version'").fetchone()
            if known is None or known[0] != version:
                if known is not None:
                    log.warning("emptying the site cache: another version of the code or another content folder")
                db.execute("DROP TABLE sites")  # another format may have other columns
                db.execute(SITES_TABLE)
                db.execute("INSERT OR REPLACE INTO about (key, value) VALUES ('version', ?)", (version,))

    def know_stamps(self, fingerprint: tuple) -> None:
        """Take the folders' stamps from a content fingerprint just taken (sorted (folder, name, size, time)
        tuples, see sites/catalog/live.py) rather than looking at every file a second time."""
        self._stamps = {}
        for folder, *stamp in fingerprint:
            self._stamps.setdefault(folder, []).append(tuple(stamp))

    def stamps(self, name: str) -> tuple:
        """The stamps of the files of folder `name`: from the fingerprint given to `know_stamps` (once), else looked
        at now."""
        known = self._stamps.pop(name, None)
        return tuple(known) if known is not None else folder_stamps(os.path.join(self._content_dir, name))

    def get(self, name: str, stamps: tuple) -> Site | None:
        """The site cached for folder `name` if its files still have these stamps."""
        self._seen.add(name)
        row_id = self._rows.get(name, {}).get(pickle.dumps(stamps))
        if row_id is None:
            return None
        card = self._cards.pop(row_id, None)
        self._used[name] = row_id
        if (site := self._sites.get(row_id)) is not None:
            return site
        if card is None:
            with self._lock:
                card = self._db.execute("SELECT card FROM sites WHERE id = ?", (row_id,)).fetchone()[0]
        return self._site(row_id, pickle.loads(card))

    def put(self, name: str, stamps: tuple, site: Site) -> Site:
        """Keep the valid `site` loaded from folder `name` whose files had `stamps` before reading; gives the same
        site with its detail on disk."""
        return self.put_rows([(name, stamps, *cache_row(site))])[0]

    def put_rows(self, rows: list[tuple[str, tuple, bytes, bytes, bytes]]) -> list[Site]:
        """Keep valid sites given as (folder name, stamps before reading, *`cache_row(site)`), in one statement (a
        worker process made them: `sites.catalog.loader.load_folders`); gives each site with its detail on disk."""
        values = [(name, pickle.dumps(stamps), *row) for name, stamps, *row in rows]
        with self._lock:
            self._db.executemany("INSERT INTO sites (folder, stamps, card, events, detail) VALUES (?, ?, ?, ?, ?) "
                                 "ON CONFLICT (folder, stamps) DO UPDATE SET gone = NULL", values)
            find = "SELECT id FROM sites WHERE folder = ? AND stamps = ?"
            row_ids = [self._db.execute(find, (name, key)).fetchone()[0] for name, key, *_ in values]
            if (self._puts + len(rows)) // PUTS_A_COMMIT > self._puts // PUTS_A_COMMIT:
                self._db.commit()
            self._puts += len(rows)
        sites = []
        for (name, key, card, *_), row_id in zip(values, row_ids, strict=True):
            self._rows.setdefault(name, {})[key] = row_id
            self._seen.add(name)
            self._used[name] = row_id
            sites.append(self._site(row_id, pickle.loads(card)))
        return sites

    def _site(self, row_id: int, card: SiteCard) -> Site:
        """The site of row `row_id`, kept: what is kept by site (a calendar feed's written events) stays valid."""
        site = self._sites[row_id] = Site.on_disk(card, self._content_dir, partial(self._detail, row_id),
                                                  partial(self._events, row_id))
        return site

    def _events(self, row_id: int) -> list[Event]:
        """The events of row `row_id`, from its detail if read lately, else alone (the calendar asks for all)."""
        with self._lock:
            detail = self._details.get(row_id)
        return detail.meta.events if detail is not None else self._unpickled(row_id, "events")

    def _detail(self, row_id: int) -> SiteDetail:
        """The detail of row `row_id`, from memory if read lately."""
        with self._lock:
            detail = self._details.get(row_id)
            if detail is not None:
                self._details.move_to_end(row_id)
                return detail
        detail = self._unpickled(row_id, "detail")
        with self._lock:
            self._details[row_id] = detail
            if len(self._details) > DETAILS_KEPT:
                self._details.popitem(last=False)
        return detail

    def _unpickled(self, row_id: int, column: str) -> object:
        """Column `column` ("events" or "detail") of row `row_id`, unpickled; DetailGone if the row was deleted."""
        with self._lock:
            row = self._db.execute(f"SELECT {column} FROM sites WHERE id = ?", (row_id,)).fetchone()
        if row is None:
            raise DetailGone(row_id)
        return pickle.loads(row[0])

    def forget_unused(self) -> None:
        """Mark gone the rows of folders no longer there and the older versions of folders loaded again, and
        delete the rows gone for long; a folder with errors now keeps all its rows (a worker may serve any of them as
        its last valid version)."""
        now = time.time()
        gone: list[tuple[float, int]] = []
        with self._lock:
            for folder, versions in list(self._rows.items()):
                if folder in self._seen and folder not in self._used:  # errors now: a worker may serve any version
                    self._db.execute("UPDATE sites SET gone = NULL WHERE folder = ?", (folder,))
                    continue
                old = [row_id for row_id in versions.values() if row_id != self._used.get(folder)]
                if not old:  # the usual case: an empty statement for each of 40,000 folders did nothing
                    continue
                gone += [(now, row_id) for row_id in old]
                self._rows[folder] = {key: row_id for key, row_id in versions.items() if row_id not in old}
                if not self._rows[folder]:
                    del self._rows[folder]
            self._db.executemany("UPDATE sites SET gone = ? WHERE id = ? AND gone IS NULL", gone)
            self._db.execute("DELETE FROM sites WHERE gone < ?", (now - GONE_SECONDS,))
        used = set(self._used.values())
        self._sites = {row_id: site for row_id, site in self._sites.items() if row_id in used}
        self._seen, self._used, self._cards = set(), {}, {}

    def save(self) -> None:
        """Commit what this load wrote, for the next start and the other workers."""
        with self._lock:
            self._db.commit()


def cache_row(site: Site) -> tuple[bytes, bytes, bytes]:
    """The card, events and detail of a valid `site`, pickled (protocol 5) as the cache keeps them."""
    return (pickle.dumps(site.card, protocol=5), pickle.dumps(site.meta.events, protocol=5),
            pickle.dumps(site.detail, protocol=5))
