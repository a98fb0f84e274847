"""The cool-off: how long, the quiet wait (distractor speech does not end it), and agreed return times."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal, Protocol

from assistant.config import TimeOutSettings
from assistant.listening import Heard
from assistant.timeout.spoken import to_quarter

_LOGGER = logging.getLogger(__name__)

RETURN_CHOICES = ("in_one_hour", "this_evening", "tomorrow")
"""Fixed return options; their phrasings are dialog data (timeout.phrases_<choice>)."""
EVENING = time(20, 0)
"""\"This evening\" means this time today."""
MAX_RETURN = timedelta(hours=24)
"""Conflict research: come back within a day."""
COOLOFF_LISTEN = ("stop", "safety", "ready")
"""Intents that act during the cool-off ("ready" too early gets a kind word, and the wait goes on); anything
else heard is a distractor and ignored."""

CoolOffEnd = Literal["done", "stop", "safety"]


class Hearing(Protocol):
    """The part of the time-out voice the cool-off needs."""

    def hear(self, kind: str, step: str, intents: tuple[str, ...], timeout_s: float | None = None,
             extra_phrases: tuple[str, ...] = ()) -> tuple[str | None, Heard | None]: ...

    def say(self, dialog_id: str, **slots: object) -> object: ...


class MonotonicClock(Protocol):
    def monotonic(self) -> float: ...
    def sleep(self, seconds: float) -> None: ...


@dataclass
class CoolOffResult:
    """How a cool-off period ended."""

    end: CoolOffEnd
    seconds: float
    """Clock seconds it lasted."""
    ignored: int = 0
    """Utterances heard and ignored (distractor speech)."""


def cooloff_seconds(settings: TimeOutSettings) -> float:
    """The configured cool-off, never below the configured minimum."""
    return 60.0 * max(settings.cooloff_minutes, settings.min_cooloff_minutes)


def wait_cooloff(voice: Hearing, clock: MonotonicClock, seconds: float) -> CoolOffResult:
    """Stay quiet for `seconds`, listening only for "stop" and safety; other speech does not end it."""
    started = clock.monotonic()
    ignored = 0
    while True:
        remaining = seconds - (clock.monotonic() - started)
        if remaining <= 0.05:
            return CoolOffResult("done", clock.monotonic() - started, ignored)
        before = clock.monotonic()
        intent, heard = voice.hear("cooloff", "timeout_cooloff", COOLOFF_LISTEN, timeout_s=remaining)
        if heard is None and clock.monotonic() - before < remaining - 0.05:
            clock.sleep(remaining - (clock.monotonic() - before))  # a listener that returned early (typed)
        if intent == "stop":
            return CoolOffResult("stop", clock.monotonic() - started, ignored)
        if intent == "safety":
            return CoolOffResult("safety", clock.monotonic() - started, ignored)
        if intent == "ready":  # typed or said too early: answer, keep the cool-off (at least 20 minutes)
            left = seconds - (clock.monotonic() - started)
            voice.say("timeout.cooloff_not_yet", minutes=max(1, math.ceil(left / 60)))
        elif heard is not None:
            ignored += 1
            _LOGGER.info("cool-off: speech ignored (%d so far)", ignored)


def return_time(choice: str, now: datetime, settings: TimeOutSettings, tomorrow_at: time) -> datetime:
    """When to come back for a fixed `choice`, kept between the minimum cool-off and 24 hours from now."""
    if choice == "in_one_hour":
        target = now + timedelta(hours=1)
    elif choice == "this_evening":
        target = now.replace(hour=EVENING.hour, minute=EVENING.minute, second=0, microsecond=0)
    elif choice == "tomorrow":
        target = (now + timedelta(days=1)).replace(hour=tomorrow_at.hour, minute=tomorrow_at.minute,
                                                   second=0, microsecond=0)
    else:
        raise ValueError(f"unknown return choice {choice!r}; expected one of {RETURN_CHOICES}")
    earliest = now + timedelta(seconds=cooloff_seconds(settings))
    latest = now + MAX_RETURN
    return to_quarter(min(max(target, earliest), latest), earliest, latest)  # "9:00", not "09:06"

