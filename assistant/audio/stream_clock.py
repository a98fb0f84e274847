"""When a stream's samples meet the air, on time.monotonic(), from callbacks that run early or late.

PortAudio calls back on its own thread, but a Python callback first waits for the interpreter lock: on a
busy machine it runs tens to hundreds of milliseconds late, and `time.monotonic()` taken inside it is late by
as much; a sound server also asks for (or delivers) several blocks in a burst. The device's samples keep their
pace, so the time of sample `n` is `base + n / rate`, and each callback gives a noisy estimate of `base`. The
median of the estimates of the last WINDOW_S is used: sporadic late or early callbacks do not move it, a real shift
does within half a window. A stream that lost or inserted samples (underrun, overflow) starts over.
"""

from __future__ import annotations

from collections import deque
from statistics import median

WINDOW_S = 5.0
"""Seconds of callbacks the median runs over: longer than the lock is ever held on a loaded machine."""


class StreamClock:
    """Maps a stream's sample index to time.monotonic()."""

    def __init__(self, rate: int, block_s: float = 0.02, window_s: float = WINDOW_S) -> None:
        self.rate = rate
        self._bases: deque[float] = deque(maxlen=max(1, round(window_s / block_s)))
        self._base: float | None = None

    def observe(self, index: int, at: float) -> float:
        """A callback's estimate: sample `index` meets the air at `at`; returns the filtered time of it."""
        self._bases.append(at - index / self.rate)
        self._base = median(self._bases)
        return self.time_of(index)

    def time_of(self, index: float) -> float:
        """time.monotonic() of sample `index` (observe() must have been called once)."""
        assert self._base is not None, "StreamClock.time_of before any observe()"
        return self._base + index / self.rate

    @property
    def known(self) -> bool:
        return self._base is not None

    def restart(self) -> None:
        """The stream lost or inserted samples: forget the estimates."""
        self._bases.clear()
        self._base = None
