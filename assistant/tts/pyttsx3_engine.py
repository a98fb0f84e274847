"""pyttsx3 (espeak-ng) rendered through the espeak driver's synth callback, streamed as 16 kHz mono chunks.

pyttsx3's `save_to_file` + `runAndWait` writes the WAV from inside espeak's callback thread and can return
before the file is complete (pyttsx3 #142, #219); the old code waited up to 2 s for it, then rendered again
(8 of 1,572 renders stalled ~2.2 s). Here the driver's synth callback hands espeak-ng's own sample buffers
to this process as they are produced, and the end of the message is espeak-ng's own completion signal
(`espeak_Synchronize` returns once every audio callback has run): no file, no polling, no wait. The
stall lived in pyttsx3's save_to_file path (the WAV is written from espeak-ng's thread when an event
callback reports the end, runAndWait polls a flag every 10 ms); that path is no longer used at all.
pyttsx3 still owns the engine (init, voices, properties); only its callback is replaced. The speech
worker runs this in a child process (`assistant.tts.child`). Empty text never reaches the engine
(pyttsx3 #140 segfault).
"""

from __future__ import annotations

import ctypes
import logging
import queue
import threading
from collections.abc import Iterator
from importlib import metadata
from typing import Any

from assistant.audio.base import SAMPLE_RATE, Clip
from assistant.config import VoiceSettings
from assistant.tts.base import TTSError

_LOGGER = logging.getLogger(__name__)

ESPEAK_RATE = 22_050
"""Sample rate of espeak-ng's retrieval output (what pyttsx3's driver writes to its WAV files too)."""
_END = object()
_current: list[Pyttsx3Engine | None] = [None]
"""The engine rendering now: espeak-ng has one callback per process, `_dispatch`, which forwards to it."""


def _dispatch(wav: Any, numsamples: int, events: Any) -> int:
    engine = _current[0]
    return engine._on_synth(wav, numsamples, events) if engine is not None else 0


class Pyttsx3Engine:
    """A Synthesizer running pyttsx3 in this process. Use it from one thread only (or via SpeechWorker).

    pyttsx3 keeps ONE espeak engine per process, so instances share it; each render re-applies this
    instance's voice, rate and volume. An unknown voice logs a warning and the default voice is used.
    """

    def __init__(self, voice: str | None = "en-us", rate: int = 160, volume: float = 1.0,
                 patience_s: float = 10.0) -> None:
        import pyttsx3
        from pyttsx3.drivers import _espeak

        self._espeak: Any = _espeak
        try:
            self._engine: Any = pyttsx3.init()
            self._voice = self._resolve_voice(voice)
            self._rate, self._volume = rate, volume
            self._apply()
        except (RuntimeError, ValueError, KeyError, OSError) as exc:
            raise TTSError(f"cannot start pyttsx3 with voice {voice!r}: {exc}") from exc
        self._patience_s = patience_s
        self._chunks: queue.Queue[object] = queue.Queue()
        self._active = False

    def _resolve_voice(self, wanted: str | None) -> str | None:
        """The pyttsx3 voice id for an id, espeak name ("en-us"), language or display name."""
        if not wanted:
            return None
        key = wanted.casefold()
        for voice in self._engine.getProperty("voices"):
            names = {str(voice.id), str(voice.id).rsplit("/", 1)[-1], str(voice.name),
                     *(str(lang) for lang in (voice.languages or []))}
            if key in {name.casefold() for name in names}:
                return str(voice.id)
        _LOGGER.warning("unknown voice %r; using the default voice", wanted)
        return None

    @property
    def voice(self) -> str | None:
        """The resolved pyttsx3 voice id (None: the engine's default)."""
        return self._voice

    @property
    def version(self) -> str:
        """pyttsx3 and espeak-ng versions (part of the TTS cache key)."""
        try:
            espeak = (self._espeak.Info(None) or b"?").decode("utf-8", "replace")
        except (AttributeError, OSError):
            espeak = "?"
        return f"pyttsx3 {metadata.version('pyttsx3')}; espeak-ng {espeak}"

    def _driver(self) -> Any:
        return getattr(getattr(self._engine, "proxy", None), "_driver", None)

    def _apply(self) -> None:
        """Set voice, rate and volume now. pyttsx3's own setProperty only queues the change, and in
        2.99 a queued change can take effect one utterance late; the espeak driver sets it at once.
        After a voice change espeak-ng ignores the first rate/volume change: they are set twice."""
        set_now = getattr(self._driver(), "setProperty", None) or self._engine.setProperty
        if self._voice:
            set_now("voice", self._voice)
        for _ in range(2):
            set_now("rate", self._rate)
            set_now("volume", self._volume)

    @classmethod
    def from_settings(cls, settings: VoiceSettings) -> Pyttsx3Engine:
        return cls(settings.voice, settings.rate, settings.volume, settings.tts_timeout_s)

    def _on_synth(self, wav: Any, numsamples: int, events: Any) -> int:
        """The driver's synth callback (espeak-ng's thread): enqueue the samples. Event-only calls
        (wav NULL) are ignored; the end of a message is `espeak_Synchronize` returning (`_wait_end`)."""
        if self._active and wav and numsamples > 0:
            self._chunks.put(ctypes.string_at(wav, numsamples * 2))
        return 0

    def _wait_end(self, chunks: queue.Queue[object]) -> None:
        """espeak-ng's own completion: Synchronize returns once every audio callback has run."""
        self._espeak.Synchronize()
        self._active = False
        chunks.put(_END)

    def stream(self, text: str) -> Iterator[bytes]:
        """16 kHz mono int16 chunks of `text` as espeak-ng produces them (nothing for blank text).

        Raises TTSError when espeak-ng refuses the text, goes silent for `patience_s`, or ends with no audio.
        """
        if not text.strip():
            return
        import numpy as np
        import soxr

        self._apply()
        self._chunks = queue.Queue()
        self._active = True
        _current[0] = self
        if getattr(self._espeak.SynthCallback, "_assistant", False) is not True:
            # pyttsx3's driver sets its own callback whenever it builds a driver: take it back, once
            self._espeak.SetSynthCallback(_dispatch)
            self._espeak.SynthCallback._assistant = True
        resampler = soxr.ResampleStream(ESPEAK_RATE, SAMPLE_RATE, 1, dtype="int16")
        if self._espeak.Synth(text.encode("utf-8"), flags=self._espeak.ENDPAUSE | self._espeak.CHARS_UTF8):
            self._active = False
            raise TTSError("espeak-ng refused the text")
        threading.Thread(target=self._wait_end, args=(self._chunks,), name="espeak-end", daemon=True).start()
        produced = 0
        while True:
            try:
                item = self._chunks.get(timeout=self._patience_s)
            except queue.Empty:
                self._active = False
                self._espeak.Cancel()
                raise TTSError(f"espeak-ng produced nothing for {self._patience_s:g} s") from None
            last = item is _END
            samples = np.frombuffer(item if isinstance(item, bytes) else b"", dtype="<i2")
            out = resampler.resample_chunk(samples, last=last).astype("<i2").tobytes()
            if out:
                produced += len(out)
                yield out
            if last:
                break
        if not produced:
            raise TTSError("espeak-ng produced no audio")

    def render(self, text: str) -> bytes:
        """The whole of `text` as 16 kHz mono int16 (b"" for blank text, without calling the engine)."""
        return b"".join(self.stream(text))

    def synthesize(self, text: str, dialog_id: str = "") -> Clip:
        return Clip(self.render(text), text, dialog_id)

    def close(self) -> None:
        """Nothing to release: espeak-ng lives as long as the process (pyttsx3 initialises it once)."""


if __name__ == "__main__":
    from assistant.tts.child import run_child

    raise SystemExit(run_child())
