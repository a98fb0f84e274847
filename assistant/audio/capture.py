"""Measuring what a room heard: a microphone recorder with capture times, and finding a clip in a recording.

Used by the audio-rig tests and `scripts/bench_room.py` to check the speaker's reported play-out times against
what the room monitor actually captured.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np

from assistant.audio.base import FRAME_SAMPLES, SAMPLE_RATE
from assistant.audio.devices import AudioDeviceError
from assistant.audio.microphone import MicrophoneSource


@dataclass
class MicRecorder:
    """Reads `mic` on a thread, keeping every frame with the time.monotonic() its first sample was captured."""

    mic: MicrophoneSource
    frames: list[tuple[bytes, float]] = field(default_factory=list)
    error: str | None = None
    """Why reading stopped early (device lost), or None."""
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> MicRecorder:
        self._thread = threading.Thread(target=self._run, name="mic-recorder", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                frame = self.mic.read()
            except AudioDeviceError as exc:
                self.error = str(exc)
                return
            if frame is not None and self.mic.last_frame_at is not None:
                self.frames.append((frame, self.mic.last_frame_at))

    def covers(self, until: float, timeout_s: float = 10.0) -> bool:
        """Wait until a frame captured after `until` (monotonic) has been read; False on timeout."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and self.error is None:
            if self.frames and self.frames[-1][1] >= until:
                return True
            time.sleep(0.01)
        return False

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def samples(self) -> np.ndarray:
        return np.frombuffer(b"".join(frame for frame, _ in self.frames), dtype="<i2")

    def time_of(self, sample: int) -> float:
        """Capture time of sample `sample` of samples(), from its frame's capture time."""
        frame, offset = divmod(sample, FRAME_SAMPLES)
        return self.frames[frame][1] + offset / SAMPLE_RATE


def locate(recording: np.ndarray, clip: np.ndarray, first_above: float | None = None) -> tuple[int, float]:
    """(sample offset of `clip` in `recording`, normalised correlation 0..1 there), by FFT cross-correlation.

    The best match; with `first_above`, the best within 0.1 s of the first place scoring above it (a clip that
    recurs is found at its next occurrence, not at its loudest)."""
    rec, ref = recording.astype(np.float64), clip.astype(np.float64)
    if len(ref) == 0 or len(rec) < len(ref):
        return 0, 0.0
    size = 1 << int(np.ceil(np.log2(len(rec) + len(ref))))
    corr = np.fft.irfft(np.fft.rfft(rec, size) * np.conj(np.fft.rfft(ref, size)), size)[:len(rec) - len(ref) + 1]
    energy = np.concatenate([[0.0], np.cumsum(rec * rec)])
    window = np.sqrt(np.maximum(energy[len(ref):] - energy[:-len(ref)], 1e-9) * float(np.dot(ref, ref)))
    score = corr / window
    if first_above is not None and (above := np.flatnonzero(score > first_above)).size:
        start = int(above[0])
        best = start + int(np.argmax(score[start:start + SAMPLE_RATE // 10]))
    else:
        best = int(np.argmax(score))
    return best, float(score[best])
