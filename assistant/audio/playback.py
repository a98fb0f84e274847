"""One clip queued on the speaker (speaker.py): its cursor, its stop, and when it was heard."""

from __future__ import annotations

import threading

import numpy as np

from assistant.audio.base import Clip


class SpeakerPlayback:
    """A clip queued on a SpeakerSink; `stop()` cuts it at the next block the stream asks for."""

    def __init__(self, clip: Clip, samples: np.ndarray, rate: int) -> None:
        self.clip = clip
        self._samples = samples
        """The clip at the device rate."""
        self._rate = rate
        self._cursor = 0
        """Device samples handed to the stream so far."""
        self._heard_until: float | None = None
        self._stop = threading.Event()
        self._done = threading.Event()
        self._first_heard = threading.Event()
        self.error: str | None = None
        """Why playback failed (device error), or None."""
        self.started_at: float | None = None
        """time.monotonic() when its first sample reached the DAC (None before it did)."""
        self.ends_at: float | None = None
        """time.monotonic() when its last handed-over sample reaches the DAC (set when it is over)."""

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def wait_started(self, timeout: float | None = None) -> bool:
        """Wait until its first sample reaches the DAC (`started_at` set) or it is over; False on timeout."""
        return self._first_heard.wait(timeout)

    def stop(self) -> None:
        self._stop.set()

    @property
    def stopped(self) -> bool:
        """True when stop() cut the clip short."""
        return self._stop.is_set() and self._cursor < len(self._samples)

    @property
    def played_seconds(self) -> float:
        return min(self.clip.duration, self._cursor / self._rate)

    def _fail(self, reason: str) -> None:
        self.error = reason
        self._end()

    def _end(self) -> None:
        self._first_heard.set()
        self._done.set()
