"""Listening: audio source -> voice-activity gate -> recogniser -> one utterance (or silence).

The gate keeps the recogniser from decoding silence (cheap idle listening) and gives the silence
timeout. Time is audio time: seconds of frames read, so a scripted source with a virtual clock and
a live microphone behave the same.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence

from assistant.audio.base import FRAME_BYTES, AudioSource, ListenRequest, duration_of
from assistant.audio.convert import rms_dbfs
from assistant.clock import Clock
from assistant.listening import Heard
from assistant.stt.base import Recognizer, Utterance

_LOGGER = logging.getLogger(__name__)

PRE_ROLL_FRAMES = 10
"""Frames (30 ms each) kept before the voice onset and fed to the recogniser with it."""


class Listener:
    """Hearing through a recogniser (an assistant.listening.Listening): one utterance per `listen` call."""

    def __init__(self, source: AudioSource, recognizer: Recognizer, clock: Clock, *,
                 silence_timeout_s: float = 8.0, vad_threshold_dbfs: float = -42.0,
                 max_utterance_s: float = 45.0) -> None:
        self.source = source
        self.recognizer = recognizer
        self.clock = clock
        self.silence_timeout_s = silence_timeout_s
        self.vad_threshold_dbfs = vad_threshold_dbfs
        self.max_utterance_s = max_utterance_s
        self._phrases: tuple[tuple[str, ...] | None, tuple[str, ...]] | None = None
        self.frames_decoded = 0
        """Frames handed to the recogniser since creation (the gate's effect is visible here)."""

    def set_phrases(self, phrases: Sequence[str] | None, sentinel: Sequence[str] = ()) -> None:
        """Switch the recogniser's phrase list (and free-text sentinel phrases) when they change."""
        key = (tuple(phrases) if phrases is not None else None, tuple(sentinel))
        if key != self._phrases:
            self.recognizer.set_phrases(list(phrases) if phrases is not None else None, list(sentinel))
            self._phrases = key

    def listen(self, request: ListenRequest, timeout_s: float | None = None) -> Heard | None:
        """Wait for one utterance; None after `timeout_s` (default: the silence timeout) without speech."""
        timeout_s = self.silence_timeout_s if timeout_s is None else timeout_s
        self.set_phrases(request.phrases or None, request.sentinel if not request.phrases else ())
        self.source.discard_pending()
        self.recognizer.reset()
        self.source.begin(request)
        live = bool(getattr(self.source, "live", False))
        started = self.clock.monotonic()
        heard_s = 0.0
        pre_roll: deque[bytes] = deque(maxlen=PRE_ROLL_FRAMES)
        speaking_since: float | None = None
        while True:
            frame = self.source.read()
            if frame is None:
                if not live:
                    return self._end_of_input(speaking_since, started, timeout_s)
                if self.clock.monotonic() - started >= timeout_s and speaking_since is None:
                    return None
                continue
            heard_s += duration_of(frame)
            if speaking_since is None:
                pre_roll.append(frame)
                if rms_dbfs(frame) < self.vad_threshold_dbfs:
                    if heard_s >= timeout_s:
                        return None
                    continue
                speaking_since = heard_s
                result = self._feed(b"".join(pre_roll))
                pre_roll.clear()
            else:
                result = self._feed(frame)
            if result is None and heard_s - speaking_since > self.max_utterance_s:
                result = self.recognizer.flush()
            if result is not None:
                return Heard(result, self.clock.monotonic(), heard_s)

    def _feed(self, pcm: bytes) -> Utterance | None:
        result = None
        for offset in range(0, len(pcm), FRAME_BYTES):
            self.frames_decoded += 1
            got = self.recognizer.accept(pcm[offset:offset + FRAME_BYTES])
            result = result or got
        return result

    def _end_of_input(self, speaking_since: float | None, started: float, timeout_s: float) -> Heard | None:
        """A finite source ran out: finish the utterance, or let the rest of the timeout pass silently."""
        if speaking_since is not None:
            result = self.recognizer.flush()
            if result is not None:
                return Heard(result, self.clock.monotonic(), self.clock.monotonic() - started)
        remaining = timeout_s - (self.clock.monotonic() - started)
        self.clock.sleep(max(0.0, remaining))
        return None
