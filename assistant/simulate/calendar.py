"""Simulate weeks of the always-on companion in seconds: a VirtualClock jumps from one scheduled
moment to the next, typed replies stand in for the partners, and the machine can be "off" for a while."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from assistant import pipeline
from assistant.audio.base import ListenRequest
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary, Line
from assistant.listening import Heard
from assistant.schedule.companion import Companion
from assistant.schedule.rules import local_zone, utc
from assistant.schedule.scheduler import Scheduler
from assistant.simulate.voices import speaking_seconds
from assistant.store.store import Store
from assistant.stt.base import Utterance

Responder = Callable[[ListenRequest, datetime], "str | None"]
"""(what is listened for, local time) -> typed reply, or None for silence."""
DEFAULT_REPLIES = {"ready": "ready", "free": "thank you for being there for me today", "yes_no": "yes",
                   "choice": "keep", "rating": "four", "command": None}


def default_responder(request: ListenRequest, now: datetime) -> str | None:
    """Partners who always take part: ready, a short free answer, keep, yes."""
    return DEFAULT_REPLIES.get(request.kind)


@dataclass
class TypedTurns:
    """A listener fed typed replies; each reply takes `answer_s`, silence the whole timeout (clock time)."""

    clock: VirtualClock
    responder: Responder
    tz: tzinfo
    answer_s: float = 4.0
    silence_s: float = 8.0
    requests: list[ListenRequest] = field(default_factory=list)

    def listen(self, request: ListenRequest, timeout_s: float | None = None) -> Heard | None:
        self.requests.append(request)
        reply = self.responder(request, self.clock.now().astimezone(self.tz))
        if not reply:
            self.clock.advance(self.silence_s if timeout_s is None else timeout_s)
            return None
        self.clock.advance(self.answer_s)
        return Heard(Utterance(reply, 1.0, 0.0, self.answer_s), self.clock.monotonic(), self.answer_s)


@dataclass
class SpokenLine:
    """One line the companion said, with its local time."""

    at: datetime
    dialog_id: str
    slots: dict[str, str]
    text: str


@dataclass
class CalendarResult:
    lines: list[SpokenLine]
    store: Store
    tz: tzinfo

    def said(self, prefix: str) -> list[SpokenLine]:
        """Lines whose dialog id starts with `prefix`."""
        return [line for line in self.lines if line.dialog_id.startswith(prefix)]


def simulate_calendar(store_dir: Path, settings: Settings, start: datetime, days: float, *,
                      tz: tzinfo | str | None = None, responder: Responder = default_responder,
                      off: Sequence[tuple[datetime, datetime]] = (), seed: int = 0,
                      on_line: Callable[[SpokenLine], None] | None = None) -> CalendarResult:
    """Run the companion's schedule from `start` for `days`; during each `off` span the machine is down.

    `on_line` sees every line as it is said (e.g. to render it into a WAV file and a transcript).
    """
    zone = tz if isinstance(tz, tzinfo) else local_zone(tz)
    clock = VirtualClock(utc(start).astimezone(zone))
    library = DialogLibrary.load(seed=seed)
    store = Store.open(store_dir, keep_transcripts=settings.dialog.keep_transcripts)
    lines: list[SpokenLine] = []

    def say_line(line: Line) -> None:
        lines.append(SpokenLine(clock.now().astimezone(zone), line.dialog_id, dict(line.slots), line.text))
        if on_line is not None:
            on_line(lines[-1])
        clock.advance(speaking_seconds(line.text))  # speaking takes time too

    listener = TypedTurns(clock, responder, zone)
    conversation = pipeline.conversation(listener, say_line, clock, settings, library, store)
    scheduler = Scheduler.from_settings(store, clock, settings.schedule, zone)
    companion = Companion(conversation, library, store, settings, clock, scheduler,
                          pipeline.activation(), zone, seed=seed)
    end = utc(start) + timedelta(days=days)
    spans = sorted((utc(a), utc(b)) for a, b in off)
    while utc(clock.now()) < end:
        now = utc(clock.now())
        span = next(((a, b) for a, b in spans if a <= now < b), None)
        if span is not None:
            clock.advance_to(span[1])
            scheduler.booted_at = utc(clock.now())
            continue
        if companion.tick():
            continue
        upcoming = [scheduler.plan().wake_at, end, *[a for a, _ in spans if a > now]]
        clock.advance_to(min(upcoming))
    return CalendarResult(lines, store, zone)


def library_dir() -> Path:
    from assistant import paths

    return paths.dialogs_dir()
