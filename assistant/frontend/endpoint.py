"""Endpointing from the trained VAD: onset after a run of speech, end after a hang-over chosen per kind."""

from __future__ import annotations

import math
from collections import deque
from enum import Enum

from assistant.audio.base import FRAME_SAMPLES, SAMPLE_RATE
from assistant.frontend.settings import EndpointSettings

FRAME_S = FRAME_SAMPLES / SAMPLE_RATE
"""Seconds per frame the endpointer is fed (30 ms)."""
FLOOR_FRAMES = 10
"""Frames before the onset (300 ms, the gate's pre-roll) whose quiet quarter is the room's floor."""
class Event(Enum):
    """What the endpointer decided on this frame."""

    NONE = "none"
    ONSET = "onset"
    """Speech has started (it started `onset_ms` ago)."""
    END = "end"
    """Speech has ended (it ended `hangover_ms` ago)."""


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
        self._quiet = 0
        self._before: deque[float] = deque(maxlen=FLOOR_FRAMES)
        self._floor: float | None = None
        self._recent: list[float] = []
        self._peak = -120.0
        self.speech_start_s: float | None = None
        """Audio seconds (from the first frame fed) where the utterance began."""
        self.speech_end_s: float | None = None
        """Audio seconds where the last speech frame of the utterance ended."""

    @property
    def silence_ms(self) -> float:
        """Silence since the last foreground speech frame of the utterance (0 outside an utterance)."""
        return self._silence * FRAME_S * 1000 if self.in_speech and not self.ended else 0.0

    @property
    def quiet_ms(self) -> float:
        """Time the level has stayed at the room's own floor (within `early_quiet_margin_db` of the frames heard
        before the onset): stricter than `silence_ms`, which also counts speech well below the utterance's
        loudest as background. 0 when no frame was heard before the onset (no floor known)."""
        return self._quiet * FRAME_S * 1000 if self.in_speech and not self.ended else 0.0

    def update(self, probability: float, level_dbfs: float | None = None) -> Event:
        """Feed the next frame's speech probability (and its level, to tell the partner from background)."""
        self.frames += 1
        self._track_quiet(level_dbfs)
        foreground = self._foreground(level_dbfs)
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
        if probability >= self.settings.release and foreground:
            self._silence, self.speech_end_s = 0, now
            return Event.NONE
        self._silence += 1
        if self._silence >= self._end_frames:
            self.ended = True
            return Event.END
        return Event.NONE

    def _track_quiet(self, level_dbfs: float | None) -> None:
        """Before the onset, remember the levels; in speech, count frames at the floor they give."""
        if level_dbfs is None:
            self._quiet = 0
        elif not self.in_speech:
            self._before.append(level_dbfs)
            self._floor = None
        else:
            if self._floor is None and len(self._before) > self._onset_frames:
                self._floor = sorted(self._before)[len(self._before) // 4]  # its quiet quarter
            at_floor = self._floor is not None and level_dbfs <= self._floor + self.settings.early_quiet_margin_db
            self._quiet = self._quiet + 1 if at_floor else 0

    def _foreground(self, level_dbfs: float | None) -> bool:
        """Track the loudest 150 ms since onset; False when this frame is well below it."""
        if level_dbfs is None:
            return True
        self._recent = (self._recent + [10 ** (level_dbfs / 10)])[-5:]
        if not self.in_speech:
            self._peak = -120.0
            return True
        smoothed = 10 * math.log10(sum(self._recent) / len(self._recent) + 1e-12)
        self._peak = max(self._peak, smoothed)
        return level_dbfs >= self._peak - self.settings.background_drop_db
