"""Endpointing from the trained VAD: onset after a run of speech, end after a hang-over chosen per kind."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from assistant.audio.base import FRAME_SAMPLES, SAMPLE_RATE

FRAME_S = FRAME_SAMPLES / SAMPLE_RATE
"""Seconds per frame the endpointer is fed (30 ms)."""
SHORT_KINDS = frozenset({"command", "yes_no", "rating", "choice", "ready", "barge_in"})
"""Listening kinds whose answers are a few words: the short hang-over applies."""


class Event(Enum):
    """What the endpointer decided on this frame."""

    NONE = "none"
    ONSET = "onset"
    """Speech has started (it started `onset_ms` ago)."""
    END = "end"
    """Speech has ended (it ended `hangover_ms` ago)."""


@dataclass(frozen=True)
class EndpointSettings:
    """Thresholds of the endpointer; the defaults were chosen on the tuning split (see README)."""

    threshold: float = 0.5
    """Speech probability at or above which a frame is speech (silero's own recommendation)."""
    release: float = 0.35
    """Probability below which a frame counts as silence again (hysteresis; silero's threshold - 0.15)."""
    onset_ms: int = 90
    """Speech this long in a row opens an utterance."""
    short_hangover_ms: int = 240
    """Silence that ends a short answer (commands, yes/no, ratings, choices)."""
    free_hangover_ms: int = 600
    """Silence that ends a free answer (people pause between clauses)."""

    def hangover_ms(self, kind: str) -> int:
        return self.short_hangover_ms if kind in SHORT_KINDS else self.free_hangover_ms


class Endpointer:
    """Per-listen state: feed one speech probability per frame, get ONSET once, then END once."""

    def __init__(self, kind: str, settings: EndpointSettings | None = None) -> None:
        self.settings = settings or EndpointSettings()
        self.kind = kind
        self._onset_frames = max(1, round(self.settings.onset_ms / 1000 / FRAME_S))
        self._end_frames = max(1, round(self.settings.hangover_ms(kind) / 1000 / FRAME_S))
        self.reset()

    def reset(self) -> None:
        self.frames = 0
        self.in_speech = False
        self.ended = False
        self._run = 0
        self._silence = 0
        self.speech_start_s: float | None = None
        """Audio seconds (from the first frame fed) where the utterance began."""
        self.speech_end_s: float | None = None
        """Audio seconds where the last speech frame of the utterance ended."""

    def update(self, probability: float) -> Event:
        """Feed the probability of the next frame."""
        self.frames += 1
        now = self.frames * FRAME_S
        if self.ended:
            return Event.NONE
        if not self.in_speech:
            self._run = self._run + 1 if probability >= self.settings.threshold else 0
            if self._run >= self._onset_frames:
                self.in_speech, self._silence = True, 0
                self.speech_start_s = now - self._onset_frames * FRAME_S
                self.speech_end_s = now
                return Event.ONSET
            return Event.NONE
        if probability >= self.settings.release:
            self._silence, self.speech_end_s = 0, now
            return Event.NONE
        self._silence += 1
        if self._silence >= self._end_frames:
            self.ended = True
            return Event.END
        return Event.NONE
