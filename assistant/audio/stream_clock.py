"""When a stream's samples meet the air, on time.monotonic(), from callbacks that run early or late.

PortAudio calls back on its own thread, but a Python callback first waits for the interpreter lock: on a
busy machine it runs tens to hundreds of milliseconds late, and `time.monotonic()` taken inside it is late by
as much; a sound server also asks for (or delivers) several blocks in a burst. The device's samples keep their
pace, so the time of sample `n` is `base + n / rate`, and each callback gives a noisy estimate of `base`. The
median of the estimates of the last WINDOW_S is used: sporadic late or early callbacks do not move it. A stream
that lost or inserted samples (underrun, overflow) starts over.

A real shift is followed at once: a stream that has just started is not on its pace yet (the first callbacks
prefill the device buffer in one burst, then a sound server may stall, PulseAudio's null sink 0.1-2 s), and a
sound server moves a running stream when another one joins it (measured on the rig: the room's monitor moved
0.33 s when the speaker started). Whenever, among the estimates of the last SETTLE_WINDOW_S, three in four agree
within SETTLE_TOLERANCE_S, span SETTLE_SPAN_S of real time, and their median is not the clock's, the median
restarts from them; the first time this holds the clock has *settled*.

A speaker's clock can instead *slew* once settled (`slew`, seconds per second): the base moves toward that
median by at most `slew` per second of callbacks, and shifts are not jumped to. A playback stream's estimates
wander without the device doing so: on the PulseAudio rig under load, the ALSA `pulse` plugin's delay
(libpulse's interpolated latency) slid 25-100 ms per second for up to ~10 s after a speaker opened, while the
room heard every sample at a steady pace; followed in 20 ms jumps, the reported play-out times of one clip
moved 39 and 97 ms against its samples (scripts/rig_clock_diag.py). Lost samples still restart the clock.
"""

from __future__ import annotations

from collections import deque
from statistics import median

WINDOW_S = 5.0
"""Seconds of callbacks the median runs over: longer than the lock is ever held on a loaded machine."""
SETTLE_SPAN_S = 0.1
"""Real time the agreeing callbacks must cover: a prefill burst (all at once) never does; it is at least two
wake-ups of a sound server that asks for 60 ms at a time."""
SETTLE_WINDOW_S = 0.2
"""The recent callbacks judged for settling: a stall longer than this leaves none of its earlier side in it."""
SETTLE_TOLERANCE_S = 0.02
"""How far apart estimates may be and still agree: one 20 ms block; start-up stalls move the base 0.1-2 s."""


class StreamClock:
    """Maps a stream's sample index to time.monotonic()."""

    def __init__(self, rate: int, block_s: float = 0.02, window_s: float = WINDOW_S,
                 slew: float | None = None) -> None:
        self.rate = rate
        self.slew = slew
        """Once settled, the most the base moves per second of callbacks (None: it follows at once)."""
        self._last_now: float | None = None
        self._bases: deque[float] = deque(maxlen=max(1, round(window_s / block_s)))
        self._base: float | None = None
        self._recent: deque[tuple[float, float]] = deque(maxlen=max(8, round(4 * SETTLE_WINDOW_S / block_s)))
        """(callback time, estimate) of the latest callbacks, judged for a shift."""
        self.settled = False
        """True once the estimates agree (see the module docstring); reset by restart()."""

    def observe(self, index: int, at: float, now: float | None = None) -> float:
        """A callback's estimate: sample `index` meets the air at `at`; returns the filtered time of it.

        `now`: time.monotonic() when the callback ran (default `at`); it dates the estimate for shifts."""
        base, when = at - index / self.rate, at if now is None else now
        self._bases.append(base)
        self._recent.append((when, base))
        if self.slew is not None and self.settled and self._base is not None:
            most = self.slew * max(0.0, when - (self._last_now or when))
            self._base += min(most, max(-most, median(self._bases) - self._base))
        else:
            self._base = median(self._bases)
            self._follow_a_shift()
        self._last_now = when
        return self.time_of(index)

    def _follow_a_shift(self) -> None:
        newest = self._recent[-1][0]
        window = [(when, value) for when, value in self._recent if when >= newest - SETTLE_WINDOW_S]
        middle = median(value for _, value in window)
        agreeing = [(when, value) for when, value in window if abs(value - middle) <= SETTLE_TOLERANCE_S]
        times = [when for when, _ in agreeing]
        if 4 * len(agreeing) < 3 * len(window) or max(times) - min(times) < SETTLE_SPAN_S:
            return
        if not self.settled or abs(middle - (self._base or 0.0)) > SETTLE_TOLERANCE_S:
            self._bases.clear()
            self._bases.extend(value for _, value in agreeing)
            self._base = median(self._bases)
        self.settled = True

    def time_of(self, index: float) -> float:
        """time.monotonic() of sample `index` (observe() must have been called once)."""
        assert self._base is not None, "StreamClock.time_of before any observe()"
        return self._base + index / self.rate

    @property
    def known(self) -> bool:
        return self._base is not None

    def restart(self) -> None:
        """The stream lost or inserted samples: forget the estimates (and settle again)."""
        self._bases.clear()
        self._base = None
        self.settled = False
        self._recent.clear()
        self._last_now = None
