"""A WAV file read piece by piece as 16 kHz mono int16: memory stays flat however long the file is."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import Any

import numpy as np
import soxr

from assistant.audio.base import SAMPLE_RATE
from assistant.audio.convert import AudioFormatError, to_float_mono

CHUNK_FRAMES = 1 << 15
"""Frames read from the file at a time (about 0.7 s at 48 kHz)."""


class WavStream:
    """Converts one chunk at a time (soxr's streaming resampler keeps the joins seamless)."""

    def __init__(self, path: Path) -> None:
        try:
            self._wav: Any = wave.open(str(path), "rb")  # noqa: SIM115 - closed by close()
        except (wave.Error, EOFError, OSError) as exc:
            raise AudioFormatError(f"{path}: cannot read as a PCM WAV file: {exc}") from exc
        self.rate, self.width = self._wav.getframerate(), self._wav.getsampwidth()
        self.channels, self.frames = self._wav.getnchannels(), self._wav.getnframes()
        if self.rate <= 0 or self.channels < 1 or not 1 <= self.width <= 4:
            self._wav.close()
            raise AudioFormatError(f"{path}: unsupported WAV format ({self.width}-byte samples, "
                                   f"{self.channels} channels, {self.rate} Hz)")
        self._resampler = (soxr.ResampleStream(self.rate, SAMPLE_RATE, 1, dtype="float32")
                           if self.rate != SAMPLE_RATE else None)
        self._pending = bytearray()
        self._done = False

    @property
    def duration(self) -> float:
        """Seconds of audio the header announces."""
        return self.frames / self.rate

    def read(self, size: int) -> bytes:
        """Up to `size` bytes of 16 kHz mono int16; b"" at the end."""
        while len(self._pending) < size and not self._done:
            raw = self._wav.readframes(CHUNK_FRAMES)
            self._done = len(raw) < CHUNK_FRAMES * self.width * self.channels
            mono = to_float_mono(raw, self.width, self.channels).astype(np.float32)
            if self._resampler is not None:
                mono = self._resampler.resample_chunk(mono, last=self._done)
            self._pending += (np.clip(mono, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
        out = bytes(self._pending[:size])
        del self._pending[:size]
        return out

    def close(self) -> None:
        self._done = True
        self._pending.clear()
        self._wav.close()
