"""Narration (issue 15): Vietnamese text read sensibly, automatic speech for every bundled site that
decodes at a plausible speaking rate, one file per text version, recordings in site folders checked by
the loader, uploads refused for each kind of bad file, and generation that leaves the event loop free."""

import asyncio
import io
import os
import re
import subprocess
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest
import soundfile
from click.testing import CliRunner

from cli.main import main
from sites.catalog.frontmatter import ParsedFiles
from sites.catalog.loader import load_content, load_site
from sites.catalog.narration import LOCK_FILE, NarrationLibrary, spoken_text
from sites.storage.files import exclusive_lock
from speech.audio import (
    MAX_RECORDING_BYTES,
    RecordingCorrupt,
    RecordingNotAudio,
    RecordingTooLarge,
    RecordingTooLong,
    audio_seconds,
    reencode_recording,
)
from speech.espeak import synthesize
from speech.spoken import plain_text, speakable_english, speakable_vietnamese
from tests.live import CONSOLE_SCRIPT
from tests.support import TEST_CONTENT, silent_mp3, speech_mp3

# Effective speaking rates, pauses included: Vietnamese words are syllables (about 230 a minute at
# eSpeak NG's 160), English words are longer (about 120 a minute). Outside this range the audio is cut
# short, silent or stretched.
WORDS_PER_MINUTE = {"vi": (150, 320), "en": (80, 180)}

VIETNAMESE = [
    ("năm 1735", "năm một nghìn bảy trăm ba mươi lăm"),
    ("Năm 1832, dân làng", "Năm một nghìn tám trăm ba mươi hai, dân làng"),
    ("năm 2004", "năm hai nghìn không trăm linh bốn"),
    ("năm 1905", "năm một nghìn chín trăm linh năm"),
    ("21 người, 105 hộ", "hai mươi mốt người, một trăm linh năm hộ"),
    ("15 gian", "mười lăm gian"),
    ("3.000 m²", "ba nghìn mét vuông"),
    ("1.200.000 đồng", "một triệu hai trăm nghìn đồng"),
    ("khoảng 1,5 km", "khoảng một phẩy năm ki lô mét"),
    ("5,6 tỷ đồng", "năm phẩy sáu tỷ đồng"),
    ("ngày 15/11/2004", "ngày mười lăm tháng mười một năm hai nghìn không trăm linh bốn"),
    ("từ 1/7/2025", "từ ngày một tháng bảy năm hai nghìn không trăm hai mươi lăm"),
    ("tháng 4 năm 1975", "tháng tư năm một nghìn chín trăm bảy mươi lăm"),
    ("Quyết định số 3446/QĐ-UBND", "Quyết định số ba nghìn bốn trăm bốn mươi sáu"),
    ("P. Thới An, Q. Ô Môn, TP Cần Thơ", "phường Thới An, quận Ô Môn, thành phố Cần Thơ"),
    ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
    ("Đầu thế kỷ XX", "Đầu thế kỷ hai mươi"),
    ("thế kỷ XVIII", "thế kỷ mười tám"),
    ("1945–1954", "một nghìn chín trăm bốn mươi lăm đến một nghìn chín trăm năm mươi bốn"),
    ("12345678901234", "một hai ba bốn năm sáu bảy tám chín không một hai ba bốn"),
    ("số 0123", "số không một hai ba"),
]
ENGLISH = [
    ("Decision 3446/QĐ-UBND of 15/11/2004", "Decision number 3446 of 15 November 2004"),
    ("the early XX century", "the early 20th century"),
    ("1945–1954", "1945 to 1954"),
    ("about 1 km away", "about 1 kilometres away"),
    ("12345678901234", "1 2 3 4 5 6 7 8 9 0 1 2 3 4"),
]


@pytest.mark.parametrize(("written", "spoken"), VIETNAMESE)
def test_vietnamese_is_normalised_for_speaking(written, spoken):
    assert speakable_vietnamese(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), ENGLISH)
def test_english_is_normalised_lightly(written, spoken):
    assert speakable_english(written) == spoken


def test_headings_are_read_as_sentences_and_markup_is_not_read():
    text = plain_text("## Lịch sử\n\nNăm 1832, **dân làng** dựng [đình](https://x.vn).\n\n- Cổng\n- Sân")
    assert text.splitlines() == ["Lịch sử.", "Năm 1832, dân làng dựng đình.", "Cổng.", "Sân."]


def test_no_digit_reaches_the_vietnamese_voice():
    for site in load_content(TEST_CONTENT).registry.all(include_drafts=True):
        assert not re.search(r"\d", spoken_text(site, "vi")), site.slug


def test_a_long_number_is_spoken_digit_by_digit():
    """espeak-ng #2442: long numbers can hang the Vietnamese voice; normalised, 400 digits are read."""
    samples, rate = synthesize(speakable_vietnamese("Mã số " + "9" * 400), "vi")
    assert len(samples) / rate > 60


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[NarrationLibrary, list]:
    library = NarrationLibrary(tmp_path_factory.mktemp("data"))
    sites = load_content(TEST_CONTENT).registry.all(include_drafts=True)
    return library, [(site, lang, library.generate(site, lang)) for site in sites for lang in ("vi", "en")]


@pytest.mark.slow
def test_every_bundled_site_has_narration_in_vietnamese_and_english_that_decodes(generated):
    library, narrations = generated
    assert len(narrations) == 2 * len(load_content(TEST_CONTENT).registry.all(include_drafts=True))
    for site, lang, audio in narrations:
        assert lang in library.languages(site)
        decoded, rate = soundfile.read(audio.path, dtype="int16")
        seconds = len(decoded) / rate
        assert seconds > 0 and seconds == pytest.approx(audio.seconds, rel=0.02)  # header estimate
        assert np.abs(decoded).max() > 1000, "not silence"
        words = len(spoken_text(site, lang).split())
        low, high = WORDS_PER_MINUTE[lang]
        assert low <= words / (seconds / 60) <= high, (site.slug, lang, words, seconds)
        assert audio.automatic and audio.path.parent == library.folder / site.slug


@pytest.mark.slow
def test_status_answers_ready_without_generating_again(generated):
    library, narrations = generated
    site, lang, audio = narrations[0]
    stamp = audio.path.stat().st_mtime_ns
    status = library.status(site, lang)
    assert status.ready and status.audio == audio and audio.path.stat().st_mtime_ns == stamp


@pytest.mark.slow
def test_changed_text_makes_a_new_file_and_removes_the_old(content_dir, tmp_path):
    library = NarrationLibrary(tmp_path / "data")
    site = load_content(content_dir).registry.get("dinh-thoi-an")
    first = library.generate(site, "vi")
    assert library.generate(site, "vi").path == first.path
    index = content_dir / "dinh-thoi-an" / "index.md"
    index.write_text(index.read_text().replace("Đình làng ở Ô Môn", "Ngôi đình làng ở Ô Môn"))
    changed = load_content(content_dir).registry.get("dinh-thoi-an")
    assert not library.status(changed, "vi").ready
    second = library.ensure(changed, "vi").result(timeout=120)
    assert second.path != first.path and second.path.exists() and not first.path.exists()
    assert library.status(changed, "vi").audio == second
    assert sorted(p.name for p in second.path.parent.iterdir()) == [second.path.name]


def test_one_job_per_file_however_often_asked(content_dir, tmp_path):
    library = NarrationLibrary(tmp_path / "data")
    site = load_content(content_dir).registry.get("dinh-phu-luong")
    jobs = {id(library.ensure(site, "en")) for _ in range(20)}
    assert len(jobs) == 1
    assert library.ensure(site, "en").result(timeout=120).path.exists()


def _with_narration(content_dir: Path, block: str) -> Path:
    index = content_dir / "dinh-thoi-an" / "index.md"
    index.write_text(index.read_text().replace("published: true\n", f"published: true\n{block}", 1))
    return index


def test_a_recording_in_the_site_folder_replaces_automatic_speech(content_dir, tmp_path):
    (content_dir / "dinh-thoi-an" / "thuyet-minh.mp3").write_bytes(speech_mp3())
    _with_narration(content_dir, "narration:\n  vi:\n    file: thuyet-minh.mp3\n    narrator: Nguyễn Thị Lan\n")
    result = load_content(content_dir)
    assert result.errors == []
    status = NarrationLibrary(tmp_path / "data").status(result.registry.get("dinh-thoi-an"), "vi")
    assert status.ready and status.audio.narrator == "Nguyễn Thị Lan" and not status.audio.automatic
    assert status.audio.seconds == pytest.approx(audio_seconds((content_dir / "dinh-thoi-an" / "thuyet-minh.mp3")
                                                               .read_bytes()), abs=0.1)


@pytest.mark.parametrize(("block", "make", "field", "type_"), [
    ("narration:\n  vi:\n    file: a.mp3\n    narrator: X\n", None, "narration.vi.file", "narration_missing"),
    ("narration:\n  vi:\n    file: a.mp3\n    narrator: X\n", b"<html>not audio</html>\n" * 50,
     "narration.vi.file", "narration_not_audio"),
    ("narration:\n  vi:\n    file: a.mp3\n    narrator: X\n", b"\0" * (MAX_RECORDING_BYTES + 1),
     "narration.vi.file", "narration_too_large"),
    ("narration:\n  km:\n    file: a.mp3\n    narrator: X\n", b"", "narration.km", "narration_language"),
    ("narration:\n  vi:\n    file: a.wav\n    narrator: X\n", None, "narration.vi.file", "string_pattern_mismatch"),
])
def test_a_bad_recording_is_a_content_error_naming_file_and_field(content_dir, block, make, field, type_):
    if make is not None:
        (content_dir / "dinh-thoi-an" / "a.mp3").write_bytes(make)
    index = _with_narration(content_dir, block)
    site, errors = load_site(content_dir / "dinh-thoi-an", ParsedFiles())
    assert site is None and [(e.file, e.field, e.type) for e in errors] == [(str(index), field, type_)]
    assert str(errors[0]).startswith(f"{index}: {field}: ")


def _m4a(samples: np.ndarray, rate: int, gap_seconds: int = 0) -> bytes:
    """AAC in an MP4 container; with `gap_seconds`, the last packet is stamped that far ahead, so the
    file declares hours of audio it does not hold."""
    out = io.BytesIO()
    with av.open(out, "w", format="ipod") as container:
        stream = container.add_stream("aac", rate=rate, layout="mono")
        starts = range(0, len(samples) - 1023, 1024)
        for start in starts:
            frame = av.AudioFrame.from_ndarray(samples[start:start + 1024].reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate, frame.time_base = rate, Fraction(1, rate)
            frame.pts = start + (gap_seconds * rate if gap_seconds and start == starts[-1] else 0)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return out.getvalue()


@pytest.mark.parametrize("name", ["a.mp3", "a.wav", "a.ogg", "a.m4a"])
def test_an_upload_in_each_accepted_format_is_reencoded_to_mp3(name):
    samples, rate = synthesize("Đình Thới An là đình làng ở Ô Môn. " * 3, "vi")
    if name.endswith(".m4a"):
        data = _m4a(samples, rate)
    else:
        out = io.BytesIO()
        fmt = {"mp3": "MP3", "wav": "WAV", "ogg": "OGG"}[name[2:]]
        soundfile.write(out, samples, rate, format=fmt)
        data = out.getvalue()
    audio = reencode_recording(data, name)
    assert audio.data[:3] == b"ID3" or audio.data[0] == 0xFF
    assert audio_seconds(audio.data) == pytest.approx(len(samples) / rate, abs=0.3)


@pytest.mark.parametrize(("name", "make", "error"), [
    ("bai-doc.mp3", lambda: "Đây là văn bản, không phải âm thanh.\n".encode() * 100, RecordingNotAudio),
    ("bai-doc.txt", lambda: speech_mp3(), RecordingNotAudio),
    ("lon.mp3", lambda: speech_mp3() + b"\0" * (21 * 1024 * 1024), RecordingTooLarge),
    ("hai-gio.mp3", lambda: silent_mp3(2 * 3600), RecordingTooLong),
    ("hong.mp3", lambda: (lambda d: d[:2000] + bytes(np.random.default_rng(7).integers(0, 256, len(d) - 2000,
                                                                                       dtype=np.uint8)))(speech_mp3()),
     RecordingCorrupt),
    ("bom.m4a", lambda: _m4a(np.zeros(22050, dtype=np.int16), 22050, gap_seconds=10 * 3600), RecordingTooLong),
])
def test_each_bad_upload_is_refused_with_its_own_error(name, make, error):
    with pytest.raises(error) as refused:
        reencode_recording(make(), name)
    assert name in str(refused.value)
    assert refused.value.type.startswith("narration_")
    if error is RecordingTooLong:  # refused from the declared length, before decoding hours of audio
        assert "says it lasts" in str(refused.value)


@pytest.mark.slow
def test_generation_leaves_the_event_loop_responsive(content_dir, tmp_path):
    """The loop's lag while every site is generated in the background (its 99th percentile: a scan's
    view of it; the single worst sample is the OS scheduler's on a loaded machine) is a small fraction
    of the time generating one site on the loop would block it."""
    sites = load_content(content_dir).registry.all(include_drafts=True)
    blocking_started = time.perf_counter()
    NarrationLibrary(tmp_path / "blocking").generate(sites[0], "vi")
    blocking = time.perf_counter() - blocking_started

    async def lag_p99() -> float:
        library = NarrationLibrary(tmp_path / "background")
        jobs = [asyncio.wrap_future(library.ensure(site, lang)) for site in sites for lang in ("vi", "en")]
        lags = []
        while not all(job.done() for job in jobs):
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            lags.append(time.perf_counter() - before - 0.001)
        await asyncio.gather(*jobs)
        return sorted(lags)[int(0.99 * (len(lags) - 1))]

    assert asyncio.run(lag_p99()) < blocking / 4


@pytest.mark.slow
def test_narrate_command_generates_each_language_once(tmp_path, monkeypatch):
    monkeypatch.setenv("DIACHIDO_CONTENT_DIR", str(TEST_CONTENT))
    result = CliRunner().invoke(main, ["narrate", "thoian", "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert re.search(r"dinh-thoi-an vi: \d+\.\d min, \d+ KB", result.output)
    files = sorted((tmp_path / "narration" / "dinh-thoi-an").iterdir())
    assert [f.name[:3] for f in files] == ["en-", "vi-"]
    again = CliRunner().invoke(main, ["narrate", "thoian", "--data-dir", str(tmp_path)])
    assert sorted((tmp_path / "narration" / "dinh-thoi-an").iterdir()) == files and again.exit_code == 0
    unknown = CliRunner().invoke(main, ["narrate", "khong-co", "--data-dir", str(tmp_path)])
    assert unknown.exit_code == 2 and "khong-co" in unknown.output


@pytest.mark.slow
def test_processes_sharing_a_data_folder_make_a_narration_one_at_a_time(tmp_path):
    """`--workers 2` narrates ahead in both processes: while one makes a file (holding the folder's lock), the
    other waits (blocked on the lock, nothing written), then finds the file made instead of making it again."""
    lock = tmp_path / "narration" / LOCK_FILE
    env = {key: value for key, value in os.environ.items() if not key.startswith("DIACHIDO_")}
    with exclusive_lock(lock):
        other = subprocess.Popen([CONSOLE_SCRIPT, "narrate", "thoian", "--data-dir", tmp_path],
                                 env=env | {"DIACHIDO_CONTENT_DIR": str(TEST_CONTENT)}, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True)
        while not _waits_on(lock) and other.poll() is None:
            time.sleep(0.05)
        made_meanwhile = list((tmp_path / "narration").glob("*/*.mp3"))
        assert other.poll() is None, f"made without waiting for the lock: {other.communicate()}"
        assert made_meanwhile == []
    output, errors = other.communicate(timeout=120)
    assert other.returncode == 0, errors
    assert sorted(path.name[:3] for path in (tmp_path / "narration" / "dinh-thoi-an").iterdir()) == ["en-", "vi-"]


def _waits_on(path: Path) -> bool:
    """True when some process is blocked waiting for a lock on `path` (a `->` line of /proc/locks)."""
    inode = path.stat().st_ino
    return any(line.split()[1] == "->" and line.split()[6].endswith(f":{inode}")
               for line in Path("/proc/locks").read_text().splitlines() if "->" in line)
