"""Noise suppression / automatic gain stages: 16 kHz int16 in, the same number of samples out."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from assistant.audio.base import SAMPLE_RATE

_LOGGER = logging.getLogger(__name__)

TEN_MS_BYTES = 2 * SAMPLE_RATE // 100
"""Bytes of 10 ms at 16 kHz int16: the block size of every suppressor here."""

Denoiser = Callable[[bytes], bytes]
"""A stage: audio whose length is a multiple of 10 ms in, the same length out."""


def _by_10ms(process: Callable[[bytes], bytes], pcm: bytes) -> bytes:
    return b"".join(process(pcm[i:i + TEN_MS_BYTES]) for i in range(0, len(pcm), TEN_MS_BYTES))


class WebrtcNoiseGain:
    """WebRTC noise suppression + AGC (webrtc-noise-gain, as Home Assistant's wyoming satellites use it)."""

    def __init__(self, noise_suppression: int = 2, auto_gain_dbfs: int = 0) -> None:
        from webrtc_noise_gain import AudioProcessor

        self._processor = AudioProcessor(auto_gain_dbfs, noise_suppression)

    def __call__(self, pcm: bytes) -> bytes:
        return _by_10ms(lambda block: bytes(self._processor.Process10ms(block).audio), pcm)


class SpeexNoise:
    """Speex preprocessor noise suppression (speexdsp-ns)."""

    def __init__(self) -> None:
        from speexdsp_ns import NoiseSuppression

        self._ns = NoiseSuppression.create(TEN_MS_BYTES // 2, SAMPLE_RATE)

    def __call__(self, pcm: bytes) -> bytes:
        return _by_10ms(lambda block: bytes(self._ns.process(block)), pcm)


class RnNoise:
    """Xiph RNNoise (pyrnnoise's bundled library), which runs at 48 kHz: resampled up, denoised, and back.

    The library is called directly on float buffers (pyrnnoise's per-frame helper costs 15x the model).
    The resamplers' delay is absorbed by a FIFO primed with silence, so output length equals input length.
    """

    def __init__(self) -> None:
        import ctypes

        import soxr
        from pyrnnoise.rnnoise import create, lib

        self._lib, self._state = lib, create()
        self._buf = np.zeros(480, dtype=np.float32)
        self._ptr = self._buf.ctypes.data_as(ctypes.POINTER(ctypes.c_float))
        self._up = soxr.ResampleStream(SAMPLE_RATE, 48_000, 1, dtype="float32")
        self._down = soxr.ResampleStream(48_000, SAMPLE_RATE, 1, dtype="float32")
        self._hi = np.zeros(0, dtype=np.float32)
        self._out = np.zeros(160, dtype=np.float32)  # priming: covers the resamplers' delay

    def __call__(self, pcm: bytes) -> bytes:
        x = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
        self._hi = np.concatenate([self._hi, self._up.resample_chunk(x)])
        count = len(self._hi) // 480
        cleaned = np.empty(count * 480, dtype=np.float32)
        for k in range(count):
            self._buf[:] = self._hi[480 * k:480 * (k + 1)]
            self._lib.rnnoise_process_frame(self._state, self._ptr, self._ptr)
            cleaned[480 * k:480 * (k + 1)] = self._buf
        self._hi = self._hi[480 * count:]
        if count:
            self._out = np.concatenate([self._out, self._down.resample_chunk(cleaned)])
        n = len(x)
        if len(self._out) < n:
            self._out = np.concatenate([np.zeros(n - len(self._out), dtype=np.float32), self._out])
        result, self._out = self._out[:n], self._out[n:]
        return np.clip(np.round(result), -32768, 32767).astype("<i2").tobytes()


def make_denoiser(name: str, auto_gain_dbfs: int = 0, noise_suppression: int = 2) -> Denoiser | None:
    """A suppressor by its settings name: "webrtc", "speex", "rnnoise", or "none" (None)."""
    if name == "webrtc":
        return WebrtcNoiseGain(noise_suppression, auto_gain_dbfs)
    if name == "speex":
        return SpeexNoise()
    if name == "rnnoise":
        return RnNoise()
    if name == "none":
        return None
    raise ValueError(f"unknown noise suppressor {name!r}; use webrtc, speex, rnnoise or none")
