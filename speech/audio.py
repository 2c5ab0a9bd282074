"""Audio in the served format, MP3 mono at 22.05 kHz and about 24 kbit/s (180 KB a minute, clear for
speech on 3G), and recordings checked before they are accepted.

Encoding uses soundfile (libsndfile with LAME). Recordings are decoded with PyAV, whose wheels bundle
FFmpeg: the only maintained PyPI wheel that reads M4A/AAC as well as MP3, Ogg and WAV, offline. A
recording is refused before any decoding when its size or its declared duration is too large, and its
decoding is bounded in audio length, memory (samples stream into the encoder) and time. soundfile (with numpy)
and PyAV are imported by the functions that use them: the app imports this module for its limits, and only
narration and recordings load the libraries (issue 27).
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SAMPLE_RATE = 22050  # eSpeak NG's own rate; MPEG-2 Layer III at this rate suits speech
# libsndfile maps 0..1 onto LAME's bitrates (MPEG-2: 160 down to 8 kbit/s); 0.9 gives 24 kbit/s.
MP3_COMPRESSION = 0.9
MEDIA_TYPE = "audio/mpeg"
SUFFIX = ".mp3"

RECORDING_SUFFIXES = {".mp3": "MP3", ".m4a": "M4A", ".aac": "AAC", ".ogg": "OGG", ".oga": "OGG",
                      ".opus": "OGG", ".wav": "WAV"}
# FFmpeg's names of the containers those files may be in (it probes the bytes, never trusts the name).
_CONTAINERS = {"mp3", "mov", "mp4", "m4a", "3gp", "3g2", "mj2", "aac", "ogg", "wav"}
MAX_RECORDING_BYTES = 20 * 1024 * 1024
MAX_RECORDING_SECONDS = 15 * 60
MAX_DECODE_SECONDS = 120  # wall time to decode and re-encode 15 minutes; measured ~10 s on one core


class RecordingError(ValueError):
    """A recording we refuse; `type` names the problem (sites.catalog.messages words it), `ctx` its values."""

    type = "narration_unreadable"

    def __init__(self, message: str, **ctx: object):
        super().__init__(message)
        self.ctx = ctx


class RecordingTooLarge(RecordingError):
    type = "narration_too_large"


class RecordingTooLong(RecordingError):
    type = "narration_too_long"


class RecordingNotAudio(RecordingError):
    type = "narration_not_audio"


class RecordingCorrupt(RecordingError):
    type = "narration_corrupt"


@dataclass(frozen=True)
class Audio:
    """Encoded audio in the served format and its length in seconds."""

    data: bytes
    seconds: float


def encode_mp3(samples: np.ndarray, rate: int) -> Audio:
    """16-bit mono `samples` as MP3 in the served format."""
    import soundfile

    out = io.BytesIO()
    soundfile.write(out, samples, rate, format="MP3", compression_level=MP3_COMPRESSION, bitrate_mode="CONSTANT")
    return Audio(out.getvalue(), len(samples) / rate)


def audio_seconds(data: bytes) -> float:
    """The length of encoded audio (MP3, Ogg, WAV) that libsndfile reads, by decoding its header."""
    import soundfile

    with soundfile.SoundFile(io.BytesIO(data)) as sound:
        return sound.frames / sound.samplerate


def probe_mp3(data_path: str, max_seconds: float = MAX_RECORDING_SECONDS) -> float:
    """The length of the MP3 at `data_path`, from its headers, after decoding its first second to prove it
    is audio; RecordingError when it is not a readable MP3 of at most `max_seconds`. (The size and file
    type are the caller's to check first.)"""
    import soundfile

    name = data_path.rsplit("/", 1)[-1]
    try:
        with soundfile.SoundFile(data_path) as sound:
            if sound.format != "MP3":
                raise RecordingNotAudio(f"'{name}' is {sound.format}, not MP3", recording=name)
            seconds = sound.frames / sound.samplerate
            if seconds > max_seconds:
                raise RecordingTooLong(f"'{name}' lasts {seconds / 60:.0f} min; at most {max_seconds / 60:.0f} min",
                                       recording=name, max_minutes=round(max_seconds / 60))
            if seconds <= 0 or len(sound.read(min(sound.frames, sound.samplerate), dtype="int16")) == 0:
                raise RecordingCorrupt(f"'{name}' holds no audio", recording=name)
    except soundfile.LibsndfileError as exc:
        raise RecordingNotAudio(f"'{name}' is not a readable MP3 ({exc.error_string})", recording=name) from exc
    return seconds


def reencode_recording(data: bytes, name: str, max_bytes: int = MAX_RECORDING_BYTES,
                       max_seconds: float = MAX_RECORDING_SECONDS) -> Audio:
    """An uploaded recording (MP3, M4A/AAC, Ogg, WAV named `name`) decoded in full and re-encoded to the
    served format; RecordingError (a subclass per problem) when it is not one we accept."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in RECORDING_SUFFIXES:
        raise RecordingNotAudio(f"'{name}' is not an MP3, M4A/AAC, OGG or WAV file", recording=name)
    if len(data) > max_bytes:
        raise RecordingTooLarge(f"'{name}' is {len(data) / 2**20:.1f} MB; at most {max_bytes / 2**20:.0f} MB",
                                recording=name, size=len(data), max_mb=max_bytes // 2**20)
    import av

    try:
        container = av.open(io.BytesIO(data), mode="r", metadata_errors="ignore")
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise RecordingNotAudio(f"'{name}' is not audio that can be read ({exc.__class__.__name__})",
                                recording=name) from exc
    with container:
        if not set(container.format.name.split(",")) & _CONTAINERS or not container.streams.audio:
            raise RecordingNotAudio(f"'{name}' holds no MP3, AAC, Ogg or WAV audio", recording=name)
        stream = container.streams.audio[0]
        declared = _declared_seconds(container, stream)
        if declared > max_seconds:
            raise RecordingTooLong(f"'{name}' says it lasts {declared / 60:.0f} min; at most "
                                   f"{max_seconds / 60:.0f} min", recording=name, minutes=round(declared / 60),
                                   max_minutes=round(max_seconds / 60))
        return _transcode(container, stream, name, declared, max_seconds)


def _declared_seconds(container, stream) -> float:
    """The duration the file's headers declare (stream, else container), 0 when none does."""
    import av

    if stream.duration is not None and stream.time_base:
        return float(stream.duration * stream.time_base)
    return container.duration / av.time_base if container.duration else 0.0


def _transcode(container, stream, name: str, declared: float, max_seconds: float) -> Audio:
    """Decode `stream` frame by frame into the MP3 encoder, with limits on length and time."""
    import av
    import soundfile

    resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
    out = io.BytesIO()
    frames, deadline = 0, time.monotonic() + MAX_DECODE_SECONDS
    limit = int(max_seconds * SAMPLE_RATE)
    try:
        with soundfile.SoundFile(out, "w", SAMPLE_RATE, 1, format="MP3", compression_level=MP3_COMPRESSION,
                                 bitrate_mode="CONSTANT") as sink:
            for frame in container.decode(stream):
                for converted in resampler.resample(frame):
                    samples = converted.to_ndarray().reshape(-1)
                    frames += len(samples)
                    if frames > limit:
                        raise RecordingTooLong(f"'{name}' lasts more than {max_seconds / 60:.0f} min",
                                               recording=name, minutes=round(frames / SAMPLE_RATE / 60),
                                               max_minutes=round(max_seconds / 60))
                    sink.write(samples)
                if time.monotonic() > deadline:
                    raise RecordingCorrupt(f"'{name}' took too long to decode", recording=name)
    except av.error.FFmpegError as exc:
        raise RecordingCorrupt(f"'{name}' is damaged: {exc.strerror or exc}", recording=name) from exc
    seconds = frames / SAMPLE_RATE
    if seconds < 0.5 or (declared and seconds < 0.9 * declared):
        raise RecordingCorrupt(f"'{name}' is damaged: {seconds:.1f} s of audio could be read "
                               f"of {declared:.1f} s", recording=name)
    return Audio(out.getvalue(), seconds)
