"""Barge-in: while the assistant speaks, listen only for the time-out and stop phrases.

The assistant's own voice may reach the microphone. It knows what it is playing, so a phrase is
rejected as its own when (a) the recogniser is not confident enough (a stricter threshold than in
normal listening), or (b) the clip being played contains those words at about the moment they were
heard. A partner saying "time out" while the assistant says something else is accepted at once.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from assistant.audio.base import FRAME_BYTES, Playback, duration_of
from assistant.clock import RealClock, VirtualClock
from assistant.danger_check import Assessment
from assistant.intents import normalise
from assistant.interpret import Interpreter
from assistant.listener import Listener
from assistant.listening import Heard
from assistant.stt.base import Utterance
from assistant.timeout.later_start import LaterStarts
from assistant.timeout.own_words import line_explains
from assistant.timeout.second_engine import SecondEngine

_LOGGER = logging.getLogger(__name__)

FRAME_S = duration_of(bytes(FRAME_BYTES))
BARGE_IN_INTENTS = ("time_out", "stop", "safety")
BARGE_IN_KIND = "barge_in"
"""Listening kind: its acceptance threshold is stricter (a false stop of the assistant's own sentence is
costly); the value lives in assistant/acceptance.json."""
DIAGNOSTICS_KEPT = 50
"""The watcher keeps this many of its latest diagnostic lines (a process may run for months)."""
ECHO_WINDOW_S = 1.5
"""How close (in clip time) a heard phrase must be to where the clip says it to count as an echo."""


def own_voice(text: str, clip_text: str, clip_duration_s: float, heard_at_s: float,
              window_s: float = ECHO_WINDOW_S) -> bool:
    """True when `text` occurs in `clip_text` near clip second `heard_at_s` (position estimated by words)."""
    said, words = normalise(text).split(), normalise(clip_text).split()
    if not said or not words or clip_duration_s <= 0:
        return False
    for index in range(len(words) - len(said) + 1):
        if words[index:index + len(said)] == said:
            at = clip_duration_s * (index + len(said)) / len(words)
            if abs(at - heard_at_s) <= window_s:
                return True
    return False


class DuplexClock:
    """Wraps a clock shared by a scripted source (`advance`) and a WAV sink (`sleep`).

    Normally both move time. Inside `overlapped()` the microphone and the speaker run at once, so
    seconds already advanced by the source are credited to the next playback sleep: time moves once.
    Around a RealClock (the bench), `advance` sleeps, which paces a scripted source in real time.
    """

    def __init__(self, clock: VirtualClock | RealClock) -> None:
        self.clock = clock
        self._overlap = False
        self._credit = 0.0

    def now(self) -> datetime:
        return self.clock.now()

    def monotonic(self) -> float:
        return self.clock.monotonic()

    def advance(self, seconds: float) -> None:
        if isinstance(self.clock, VirtualClock):
            self.clock.advance(seconds)
        else:
            self.clock.sleep(seconds)
        if self._overlap:
            self._credit += seconds

    def sleep(self, seconds: float) -> None:
        used = min(self._credit, seconds)
        self._credit -= used
        self.clock.sleep(seconds - used)

    @contextmanager
    def overlapped(self) -> Iterator[None]:
        self._overlap, self._credit = True, 0.0
        try:
            yield
        finally:
            self._overlap, self._credit = False, 0.0


@dataclass(frozen=True)
class BargeIn:
    """A phrase heard while the assistant spoke, and what was done about it."""

    intent: str
    text: str
    endpoint_at: float
    """clock.monotonic() when the recogniser ended the phrase."""
    stopped_at: float
    """clock.monotonic() when playback was stopped."""
    stop_wall_s: float
    """Wall-clock seconds of processing between the endpoint and the stop call."""
    played_s: float
    """Seconds of the clip that were played."""
    danger: Assessment = "none"
    """"ambiguous" for a danger phrase (Interpreter.decide_under_voice): the conversation asks the calm question."""


@dataclass
class BargeInWatcher:
    """Plays one clip while feeding the listener's recogniser with a time-out/stop grammar."""

    listener: Listener
    interpreter: Interpreter
    duplex: DuplexClock | None = None
    events: list[BargeIn] = field(default_factory=list)
    rejected: deque[str] = field(default_factory=lambda: deque(maxlen=DIAGNOSTICS_KEPT))
    """The latest phrases rejected (own voice or low confidence), for diagnostics and tests."""
    heard: deque[str] = field(default_factory=lambda: deque(maxlen=DIAGNOSTICS_KEPT))
    """The latest utterances the recogniser ended while watching, as "decision: text" (diagnostics, benches)."""

    later_starts: bool = False
    """Decode an utterance that matched nothing again from later starts (assistant/timeout/later_start.py). Off:
    in replay of 64 room trials it caught 2 more of 48 and none live, for up to ~20 decodes per unmatched utterance."""
    own_words: bool = True
    """A command must beat the line's own words (assistant/timeout/own_words.py); danger is never rejected so."""
    _second: SecondEngine = field(default_factory=SecondEngine)

    def phrases(self) -> list[str]:
        return list(self.interpreter.phrases_for(BARGE_IN_INTENTS))

    def watch(self, playback: Playback, clip_text: str, clip_duration_s: float) -> BargeIn | None:
        """Wait for `playback` to end; stop it and return the BargeIn when a partner said a phrase."""
        live = bool(getattr(self.listener.source, "live", False))
        self.listener.set_phrases(self.phrases())
        self.listener.begin(BARGE_IN_KIND)  # through the front end: the canceller removes our own voice
        if live:
            self.listener.source.discard_pending()  # from this line on, not what the reader kept before it
        context = self.duplex.overlapped() if self.duplex is not None else _nothing()
        with context:
            while not playback.wait(0.0 if live else FRAME_S):
                _, utterance = self.listener.step()
                if utterance is None:
                    continue
                detected_wall = time.perf_counter()
                endpoint_at = self.listener.clock.monotonic()
                # where in the clip the utterance ended: a busy watcher reads frames captured a while ago
                heard_at_s = playback.played_seconds - float(getattr(self.listener.source, "backlog_s", 0.0))
                intent = self._accept(utterance, endpoint_at, clip_text, clip_duration_s, heard_at_s)
                if intent is None:
                    continue
                playback.stop()
                event = BargeIn(intent, utterance.text, endpoint_at, self.listener.clock.monotonic(),
                                time.perf_counter() - detected_wall, playback.played_seconds,
                                "ambiguous" if intent == "safety" else "none")
                self.events.append(event)
                _LOGGER.info("barge-in %s after %.2f s of the clip", intent, event.played_s)
                return event
        return None

    def _accept(self, utterance: Utterance, endpoint_at: float, clip_text: str, duration_s: float,
                played_s: float) -> str | None:
        decision = self.interpreter.decide_under_voice(Heard(utterance, endpoint_at, played_s), BARGE_IN_KIND,
                                                       BARGE_IN_INTENTS)
        self.heard.append(f"{decision.reason}: {utterance.text}")
        again = decision.intent is None and self.later_starts
        if again:
            later = self._later_start()
            if later is not None:
                utterance = later
                decision = self.interpreter.decide_under_voice(Heard(later, endpoint_at, played_s), BARGE_IN_KIND,
                                                               BARGE_IN_INTENTS)
                self.heard.append(f"later start {decision.reason}: {later.text}")
        if decision.intent is None:
            if decision.reason == "low_confidence":
                self.rejected.append(f"low confidence {utterance.confidence:.2f}: {utterance.text}")
            return None
        if own_voice(utterance.text, clip_text, duration_s, played_s):
            self.rejected.append(f"own voice: {utterance.text}")
            return None
        if decision.danger == "none" and self.own_words and not again and line_explains(
                self._second, self.listener.recognizer, self.listener.utterance_audio, self.phrases(),
                utterance.text, clip_text):
            self.rejected.append(f"own words: {utterance.text}")
            return None
        return decision.intent


    def _later_start(self) -> Utterance | None:
        return LaterStarts(self._second).find(self.listener.recognizer, self.listener.utterance_audio, self.phrases())


@contextmanager
def _nothing() -> Iterator[None]:
    yield
