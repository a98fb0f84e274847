"""Paced breathing: the cue schedule, and the cues rendered as soft tones into one continuous clip.

Rendering every cue into one buffer at exact sample offsets makes the timing sample-accurate on any
clock: once the clip plays, a cue lands where the schedule says, not where a timer thread woke up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from assistant.audio.base import SAMPLE_RATE
from assistant.config import TimeOutSettings

CueKind = Literal["inhale", "top_up", "exhale"]
TONE_HZ: dict[str, float] = {"inhale": 440.0, "top_up": 554.4, "exhale": 329.6}
"""A rising pair (inhale, top-up) and a lower tone (exhale): A4, C#5, E4."""
TONE_S = 0.45
"""Length of one cue tone."""
ATTACK_S = 0.004
"""Raised-cosine attack: short enough that the onset is unambiguous, long enough not to click."""
TONE_LEVEL = 0.18
"""Peak amplitude (about -15 dBFS): soft."""
TOP_UP_SHARE = 0.25
"""Cyclic sighing: the second, short inhale takes this share of the inhale time."""


@dataclass(frozen=True)
class Cue:
    """One breathing cue."""

    onset_s: float
    """Seconds from the start of the breathing clip."""
    kind: CueKind
    cycle: int
    """0-based breath number."""


@dataclass(frozen=True)
class BreathingPlan:
    """The whole exercise: cues in order and the length of one breath."""

    pattern: str
    cycles: int
    cycle_s: float
    cues: tuple[Cue, ...]

    @property
    def total_s(self) -> float:
        return self.cycles * self.cycle_s

    @property
    def breaths_per_minute(self) -> float:
        return 60.0 / self.cycle_s

    def cycles_done(self, played_s: float) -> int:
        """Breaths completed after `played_s` seconds of the clip were heard."""
        return min(self.cycles, int((played_s + 1e-6) // self.cycle_s))


def plan_breathing(settings: TimeOutSettings) -> BreathingPlan:
    """The schedule for the configured pattern: paced (in, out) or cyclic sighing (in, top-up, long out)."""
    inhale, exhale = settings.inhale_s, settings.exhale_s
    cycle_s = inhale + exhale
    cues: list[Cue] = []
    for cycle in range(settings.breathing_cycles):
        start = cycle * cycle_s
        cues.append(Cue(round(start, 6), "inhale", cycle))
        if settings.breathing_pattern == "cyclic_sigh":
            cues.append(Cue(round(start + inhale * (1 - TOP_UP_SHARE), 6), "top_up", cycle))
        cues.append(Cue(round(start + inhale, 6), "exhale", cycle))
    return BreathingPlan(settings.breathing_pattern, settings.breathing_cycles, cycle_s, tuple(cues))


def _tone(kind: str, rate: int) -> np.ndarray:
    n = int(round(TONE_S * rate))
    t = np.arange(n) / rate
    attack = int(round(ATTACK_S * rate))
    envelope = np.exp(-3.0 * t / TONE_S)
    envelope[:attack] *= 0.5 - 0.5 * np.cos(np.pi * np.arange(attack) / attack)
    envelope[-attack:] *= np.linspace(1.0, 0.0, attack)
    return TONE_LEVEL * envelope * np.sin(2 * np.pi * TONE_HZ[kind] * t)


def render_cues(plan: BreathingPlan, rate: int = SAMPLE_RATE) -> bytes:
    """The exercise as one 16-bit mono clip: silence with each cue's tone starting at its exact sample."""
    audio = np.zeros(int(round(plan.total_s * rate)), dtype=np.float64)
    for cue in plan.cues:
        tone = _tone(cue.kind, rate)
        start = int(round(cue.onset_s * rate))
        end = min(len(audio), start + len(tone))
        audio[start:end] += tone[:end - start]
    return (np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def detect_onsets(pcm: bytes, rate: int = SAMPLE_RATE, threshold: float = 0.02,
                  min_gap_s: float = 0.2) -> list[float]:
    """Seconds where sound starts after at least `min_gap_s` of quiet (a measurement, for tests and bench)."""
    samples = np.abs(np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0)
    loud = np.flatnonzero(samples >= threshold)
    if len(loud) == 0:
        return []
    starts = [loud[0], *loud[1:][np.diff(loud) > min_gap_s * rate]]
    return [float(index) / rate for index in starts]
