"""Clocks: the real one, and a virtual one that makes a 20-minute cool-off run instantly in tests."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    """What every timed part of the assistant asks of time."""

    def now(self) -> datetime:
        """Current wall time, timezone-aware (local zone for the real clock)."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards."""

    def sleep(self, seconds: float) -> None:
        """Wait (or, virtually, advance) this many seconds."""


class RealClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now().astimezone()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class VirtualClock:
    """A clock that only moves when told to: `sleep` and `advance` jump forward instantly.

    Thread-safe, so audio sources and the dialog loop may both advance it. Elapsed time is kept in UTC
    and converted back to the start's time zone, so a clock started in a named zone (zoneinfo) shows the
    right local wall time after advancing across a daylight-saving change.
    """

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 1, 5, 19, 0, tzinfo=timezone.utc)
        if start.tzinfo is None:
            start = start.astimezone()
        self._tz = start.tzinfo
        self._start = start.astimezone(timezone.utc)
        self._elapsed = 0.0
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return (self._start + timedelta(seconds=self._elapsed)).astimezone(self._tz)

    def monotonic(self) -> float:
        with self._lock:
            return self._elapsed

    def sleep(self, seconds: float) -> None:
        self.advance(seconds)

    def advance(self, seconds: float) -> None:
        """Move time forward; negative values are ignored (time never runs backwards)."""
        if seconds > 0:
            with self._lock:
                self._elapsed += seconds

    def advance_to(self, moment: datetime) -> None:
        """Jump to `moment` if it lies in the future (compared in UTC: same-zone subtraction is wall-clock)."""
        self.advance((moment.astimezone(timezone.utc) - self.now().astimezone(timezone.utc)).total_seconds())
