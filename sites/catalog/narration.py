"""Narration of a site per language: its recording when staff gave one, else automatic speech generated
from the name, summary and story, once per content version, into DATA_DIR/narration/<slug>/.

`NarrationLibrary.status(site, lang)` answers at once (never synthesises): ready with the file, its
length and size, or not yet, in which case it asks the background generator, one thread at low CPU
priority with a bounded queue and one job per file, which then makes every published site's narration
ahead. Routes call `status`; `diachido narrate` calls `generate`. A file is named by a hash of the spoken
text, voice and engine version, so a changed text makes a new file (the old one is removed) and a URL with
the name can be cached for ever.
"""

import hashlib
import logging
import os
import re
import threading
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from sites.catalog.languages import base_language
from sites.catalog.registry import Registry
from sites.catalog.site import Site
from sites.storage.files import exclusive_lock, private_folder, write_bytes_atomically
from speech import espeak
from speech.audio import MP3_COMPRESSION, SUFFIX, audio_seconds, encode_mp3
from speech.spoken import plain_text, speakable

log = logging.getLogger(__name__)
NARRATION_FOLDER = "narration"
LOCK_FILE = ".making.lock"  # held while a narration is made, across the processes of a data folder
QUEUE_LIMIT = 64  # jobs asked for by pages; beyond it a page says "being prepared" and asks again later
WORKER_NICENESS = 19  # generating ahead waits for everything else: scans, pages, posters asked for by staff
PATHS_REMEMBERED = 8192  # generated paths of loaded sites; emptied when full (after many reloads)


@dataclass(frozen=True)
class NarrationAudio:
    """A narration ready to serve: the MP3, its length and size, and who reads it (None: automatic speech)."""

    path: Path
    seconds: float
    size: int
    narrator: str | None

    @property
    def automatic(self) -> bool:
        return self.narrator is None

    @property
    def version(self) -> str:
        """Changes whenever the audio does: for versioned URLs and the ETag."""
        return self.path.stem.rsplit("-", 1)[-1] if self.automatic else f"{self.size:x}{self.path.stat().st_mtime_ns:x}"


@dataclass(frozen=True)
class NarrationStatus:
    """What a route needs: the audio when ready, else None (it is being generated)."""

    audio: NarrationAudio | None

    @property
    def ready(self) -> bool:
        return self.audio is not None


def spoken_text(site: Site, lang: str) -> str:
    """The site's name, summary and story in `lang`, as plain text normalised for speaking."""
    localized = site.localized(lang)
    body = site.bodies.get(localized.content_lang, "")
    return speakable("\n".join([localized.name + ".", localized.summary, plain_text(body)]), localized.content_lang)


def has_voice(lang: str) -> bool:
    """True when eSpeak NG has a voice for `lang`'s base language (vi, en; not km)."""
    return espeak.has_voice(base_language(lang))


class NarrationLibrary:
    """The narrations of every site, recorded or generated, under `data_dir`/narration.

    Its one worker thread makes, in this order, the narrations pages asked for (a bounded queue: when it is
    full a page says "being prepared" and asks again on its next view) and those listed by `make_ahead`
    (every published site and language, refilled by each content reload, never dropped). The worker is no
    daemon: `close` stops and joins it at the app's shutdown, and it also ends after its current job once the
    main thread has finished, so a script that never shut its app down still exits cleanly (issue 21:
    a daemon thread running eSpeak's callback while the interpreter finalised crashed the process).
    """

    def __init__(self, data_dir: Path):
        self.folder = data_dir / NARRATION_FOLDER
        self._jobs: dict[Path, Future] = {}
        self._asked: deque[tuple[Site, str, Path, Future]] = deque()  # at most QUEUE_LIMIT
        self._ahead: deque[tuple[Site, str]] = deque()  # the loaded content's (site, language) pairs to check
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None
        self._working = 0  # 1 while the worker makes a narration
        self._stopping = threading.Event()  # set by `close`: the synthesis under way stops too
        self._finished: dict[str, int] = {}  # slug -> background jobs done (made or failed)
        self._paths: dict[tuple[int, str], tuple[Site, Path]] = {}  # (id(site), lang) -> the site and its path

    def languages(self, site: Site) -> list[str]:
        """The languages `site` can be heard in: those with a recording or with text and a voice."""
        return [lang for lang in site.languages if lang in site.recordings or has_voice(lang)]

    def finished(self, slug: str) -> int:
        """Background jobs done for `slug` (made or failed): a page that said "being prepared" looks again
        when this changes. Cheap: no text is normalised."""
        return self._finished.get(slug, 0)

    def pending(self) -> int:
        """Narrations still to be made (or checked) in the background: asked for by pages, or made ahead."""
        return len(self._asked) + len(self._ahead) + self._working

    def asked(self) -> int:
        """Jobs asked for by pages and waiting, at most QUEUE_LIMIT."""
        return len(self._asked)

    def generated_path(self, site: Site, lang: str) -> Path:
        """Where the automatic speech of this text version goes: <slug>/<lang>-<hash>.mp3. Remembered per
        loaded site (a reload makes new Site objects), so asking again does not normalise the text again."""
        known = self._paths.get((id(site), lang))
        if known is not None and known[0] is site:
            return known[1]
        path = self.folder / site.slug / f"{lang}-{_version(spoken_text(site, lang), base_language(lang))}{SUFFIX}"
        if len(self._paths) >= PATHS_REMEMBERED:
            self._paths.clear()
        self._paths[(id(site), lang)] = (site, path)
        return path

    def status(self, site: Site, lang: str) -> NarrationStatus:
        """The narration of `site` in `lang` if ready; if not, its generation is queued (never run here)."""
        if (recording := site.recordings.get(lang)) is not None:
            return NarrationStatus(NarrationAudio(recording.path, recording.seconds, recording.size,
                                                  recording.narrator))
        path = self.generated_path(site, lang)
        if (audio := _generated(path)) is not None:
            return NarrationStatus(audio)
        self.ensure(site, lang)
        return NarrationStatus(None)

    def ensure(self, site: Site, lang: str) -> Future:
        """A future of the narration, generated in the background once however often it is asked for; it fails
        at once when QUEUE_LIMIT jobs already wait (the page asks again on its next view)."""
        path = self.generated_path(site, lang)
        with self._lock:
            if (job := self._jobs.get(path)) is not None:
                return job
            job = Future()
            if self._stopping.is_set() or len(self._asked) >= QUEUE_LIMIT:
                job.set_exception(RuntimeError("narration queue is full or closed; ask again later"))
                return job
            self._jobs[path] = job
            self._asked.append((site, lang, path, job))
            self._start_worker()
        return job

    def make_ahead(self, sites: list[Site]) -> None:
        """Make the narration of each of `sites` in each of its languages in the background, after what pages
        asked for; replaces the previous list (a reload's sites replace the old ones)."""
        pairs = deque((site, lang) for site in sites for lang in self.languages(site) if lang not in site.recordings)
        with self._lock:
            self._ahead = pairs
            if pairs and not self._stopping.is_set():
                self._start_worker()

    def close(self) -> None:
        """Stop the worker and wait for it (at the app's shutdown): a synthesis under way stops within half a
        second of audio; jobs left are dropped."""
        with self._lock:
            self._stopping.set()
            worker = self._worker
            for _, _, path, job in self._asked:
                self._jobs.pop(path, None)
                job.cancel()
            self._asked.clear()
            self._ahead.clear()
        if worker is not None:
            worker.join()

    def generate(self, site: Site, lang: str) -> NarrationAudio:
        """The narration of `site` in `lang`, generated now in this thread if needed (CLI and worker)."""
        if (recording := site.recordings.get(lang)) is not None:
            return NarrationAudio(recording.path, recording.seconds, recording.size, recording.narrator)
        path = self.generated_path(site, lang)
        if (audio := _generated(path)) is None:
            # The server's other worker processes share this folder and narrate the same sites ahead: one
            # makes a file while the others wait, then find it made (not N times the same CPU work).
            with exclusive_lock(self.folder / LOCK_FILE):
                if (audio := _generated(path)) is None:
                    samples, rate = espeak.synthesize(spoken_text(site, lang), base_language(lang),
                                                      cancel=self._stopping)
                    encoded = encode_mp3(samples, rate)
                    private_folder(path.parent)
                    write_bytes_atomically(path, encoded.data)
                    audio = _generated(path)
        self._prune(path)
        return audio

    def _prune(self, current: Path) -> None:
        """Remove the earlier versions of `current` (same site and language)."""
        lang = current.stem.rsplit("-", 1)[0]
        for old in current.parent.glob(f"{lang}-*{SUFFIX}"):
            if old != current and re.fullmatch(rf"{re.escape(lang)}-[0-9a-f]{{16}}", old.stem):
                old.unlink(missing_ok=True)

    def _start_worker(self) -> None:
        """Start the worker if it is not running (called holding the lock, after adding work)."""
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="narration")
            self._worker.start()

    def _next(self) -> tuple[Site, str, Path | None, Future | None] | None:
        """The next job (asked-for first), or None when there is none or the worker must stop; in that case the
        worker is marked gone, under the same lock as `_start_worker`, so no job is left without a worker."""
        with self._lock:
            self._working = 0
            if not self._stopping.is_set() and threading.main_thread().is_alive() and (self._asked or self._ahead):
                self._working = 1
                if self._asked:
                    return self._asked.popleft()
                site, lang = self._ahead.popleft()
                return site, lang, None, None
            self._worker = None
            return None

    def _work(self) -> None:
        try:  # Linux: a thread is a task with its own niceness
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), WORKER_NICENESS)
        except OSError:
            pass
        while (job := self._next()) is not None:
            site, lang, path, answer = job
            if answer is None and _generated(self.generated_path(site, lang)) is not None:
                continue  # made ahead before (or by another process): no page is waiting for it
            audio = problem = None
            try:
                audio = self.generate(site, lang)
            except espeak.SpeechCancelled:
                return  # closed: nobody waits for the answer
            except Exception as exc:  # a failure is the job's answer, and logged; the worker goes on
                log.exception("narration of %s (%s) failed", site.slug, lang)
                problem = exc
            with self._lock:  # counted before the answer: whoever waited for it sees the new count
                self._jobs.pop(path, None)
                self._finished[site.slug] = self.finished(site.slug) + 1
            if answer is None:
                continue
            if problem is None:
                answer.set_result(audio)
            else:
                answer.set_exception(problem)


def _version(text: str, voice: str) -> str:
    """16 hex digits naming this text spoken by this voice, engine and encoding."""
    key = "\0".join([text, voice, espeak.engine_version(), str(espeak.DEFAULT_RATE), str(MP3_COMPRESSION)])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _generated(path: Path) -> NarrationAudio | None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    return NarrationAudio(path, _seconds(path, size), size, None)


@lru_cache(maxsize=4096)
def _seconds(path: Path, _size: int) -> float:
    return audio_seconds(path.read_bytes())


def queue_narrations(library: NarrationLibrary, registry: Registry) -> None:
    """Have the narration of every published site in each of its languages made in the background."""
    library.make_ahead(registry.all())
