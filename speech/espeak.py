"""Offline speech with eSpeak NG, driven through its C API with ctypes (no subprocess, no network).

The library and its voice data come from the `espeakng-loader` wheel (libespeak-ng 1.52, GPL-3.0).
eSpeak NG keeps global state, so every call goes through one lock; synthesis is synchronous and its
callback collects 16-bit mono PCM in memory. The library and numpy are loaded on the first use, not on import
(issue 27).
"""

from __future__ import annotations

import ctypes
import threading
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_END_PAUSE = 0x1000
_RATE = 1  # espeakRATE: words per minute
_BUFFER_MS = 500  # fewer, longer callbacks: each one takes the GIL back
DEFAULT_RATE = 160  # words per minute; eSpeak's default is 175, a little fast for older listeners

_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)
_lock = threading.Lock()


class SpeechError(RuntimeError):
    """eSpeak NG could not be loaded or refused the text or voice."""


class SpeechCancelled(SpeechError):
    """The synthesis was stopped by its `cancel` event (the app is shutting down)."""


class _Engine:
    """The loaded library, its sample rate and the PCM chunks of the synthesis under way."""

    def __init__(self) -> None:
        import espeakng_loader

        library = ctypes.CDLL(espeakng_loader.get_library_path())
        library.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        library.espeak_SetSynthCallback.argtypes = [_CALLBACK]
        library.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        library.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        library.espeak_Synth.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
                                         ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p]
        library.espeak_Info.argtypes = [ctypes.c_void_p]
        library.espeak_Info.restype = ctypes.c_char_p
        data = espeakng_loader.get_data_path().encode()
        self.rate = library.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, _BUFFER_MS, data, 0)
        if self.rate <= 0:
            raise SpeechError(f"eSpeak NG did not start (data in {data.decode()})")
        self.version = library.espeak_Info(None).decode()
        self.chunks: list[np.ndarray] = []
        self.cancel: threading.Event | None = None  # of the synthesis under way
        self._callback = _CALLBACK(self._collect)  # kept referenced: the library calls it later
        library.espeak_SetSynthCallback(self._callback)
        self.library = library

    def _collect(self, wav, count, _events) -> int:
        if self.cancel is not None and self.cancel.is_set():
            return 1  # eSpeak NG stops the synthesis
        if count > 0 and wav:
            import numpy as np

            self.chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0


@cache
def _engine() -> _Engine:
    return _Engine()


@cache
def engine_version() -> str:
    """eSpeak NG's version, part of every generated file's cache key. Read once: a page finding its narration's
    file name must not wait for the lock behind a synthesis running at low priority."""
    with _lock:
        return _engine().version


def synthesize(text: str, voice: str, rate: int = DEFAULT_RATE,
               cancel: threading.Event | None = None) -> tuple[np.ndarray, int]:
    """`text` spoken by `voice` (`vi`, `en`) as 16-bit mono samples, and their sample rate. Setting `cancel`
    stops it within one buffer (half a second of audio) with SpeechCancelled.

    The text should be normalised first (speech.spoken): long digit runs can hang eSpeak NG (#2442)."""
    encoded = text.encode("utf-8") + b"\0"
    with _lock:
        engine = _engine()
        if engine.library.espeak_SetVoiceByName(voice.encode()) != 0:
            raise SpeechError(f"eSpeak NG has no voice '{voice}'")
        engine.library.espeak_SetParameter(_RATE, rate, 0)
        engine.chunks, engine.cancel = [], cancel
        status = engine.library.espeak_Synth(encoded, len(encoded), 0, 0, 0, _CHARS_UTF8 | _END_PAUSE,
                                             None, None)
        chunks, engine.chunks, engine.cancel = engine.chunks, [], None
    if cancel is not None and cancel.is_set():
        raise SpeechCancelled("speech stopped: the app is shutting down")
    if status != 0:
        raise SpeechError(f"eSpeak NG failed to speak (status {status})")
    import numpy as np

    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
    return samples, engine.rate


@cache
def has_voice(voice: str) -> bool:
    """True when eSpeak NG has a voice called `voice` (a language tag such as vi or en)."""
    with _lock:
        return _engine().library.espeak_SetVoiceByName(voice.encode()) == 0
