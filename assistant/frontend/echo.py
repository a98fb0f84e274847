"""Echo cancellation of the assistant's own voice (speexdsp's MDF canceller), fed by what the speaker played.

The speaker reports each clip's samples and the monotonic time its first sample is heard; microphone frames
arrive in order at the stream's pace. Both are placed on one timeline counted in microphone samples: the
microphone's sample index is anchored to the clock at the first frame (and re-anchored when the stream
pauses), the reference is written at the index of its play-out time, `lead_s` earlier so that delay and
jitter of the report leave the echo *after* its reference, inside the adaptive filter's tail.
With no reference in the last tail the frame passes through untouched (no cost, no adaptation drift).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from assistant.audio.base import SAMPLE_RATE

_LOGGER = logging.getLogger(__name__)

BLOCK = 160
"""Samples per canceller call (10 ms)."""
REANCHOR_S = 0.25
"""Re-anchor the microphone timeline when it drifts this far from the clock (the stream paused)."""


class SpeexEchoCanceller:
    """Adaptive echo canceller: microphone frame in, frame without the speaker's echo out."""

    def __init__(self, clock: Callable[[], float], tail_s: float = 0.25, lead_s: float = 0.04) -> None:
        import speexdsp

        self._clock = clock
        self._tail = int(tail_s * SAMPLE_RATE)
        self._lead = lead_s
        self._canceller = speexdsp.EchoCanceller.create(BLOCK, self._tail, SAMPLE_RATE)
        self._anchor: float | None = None
        self._mic_index = 0
        """Microphone samples processed since the anchor."""
        self._ref = np.zeros(0, dtype=np.int16)
        """Reference samples from `_mic_index` on (the future the speaker has announced)."""
        self._ref_until = -1
        """Mic-timeline index just past the last reference sample placed (-1: none yet)."""
        self._recent: list[tuple[bytes, float]] = []
        """Clips still (or soon) playing, kept to be placed again when the timeline is re-anchored."""

    def played(self, pcm: bytes, started_at: float) -> None:
        """Remember what the speaker plays from `started_at` on (16 kHz mono int16)."""
        now = self._clock()
        self._recent = [(p, t) for p, t in self._recent if t + len(p) / (2 * SAMPLE_RATE) > now - 1.0]
        self._recent.append((pcm, started_at))
        if self._anchor is not None:
            self._place(pcm, started_at)

    def _place(self, pcm: bytes, started_at: float) -> None:
        assert self._anchor is not None
        samples = np.frombuffer(pcm, dtype="<i2")
        start = int(round((started_at - self._lead - self._anchor) * SAMPLE_RATE)) - self._mic_index
        if start < 0:
            samples, start = samples[-start:], 0
        if not len(samples):
            return
        end = start + len(samples)
        if len(self._ref) < end:
            self._ref = np.concatenate([self._ref, np.zeros(end - len(self._ref), dtype=np.int16)])
        self._ref[start:end] = samples
        self._ref_until = max(self._ref_until, self._mic_index + end)

    def process(self, frame: bytes) -> bytes:
        """Cancel the echo in one frame (a multiple of 10 ms); passthrough while no reference is due."""
        self._keep_anchor(len(frame) // 2)
        n = len(frame) // 2
        if self._ref_until < 0 or self._mic_index > self._ref_until + self._tail:
            self._advance(n)
            return frame
        far = self._ref[:n]
        if len(far) < n:
            far = np.concatenate([far, np.zeros(n - len(far), dtype=np.int16)])
        out = b"".join(self._canceller.process(frame[2 * i:2 * (i + BLOCK)], far[i:i + BLOCK].tobytes())
                       for i in range(0, n, BLOCK))
        self._advance(n)
        return out

    def _advance(self, n: int) -> None:
        self._mic_index += n
        self._ref = self._ref[n:]

    def _keep_anchor(self, n: int) -> None:
        now = self._clock()
        expected = None if self._anchor is None else self._anchor + (self._mic_index + n) / SAMPLE_RATE
        if expected is None or abs(now - expected) > REANCHOR_S:
            if expected is not None:
                _LOGGER.debug("echo canceller: microphone timeline re-anchored (drift %.3f s)", now - expected)
            self._anchor = now - (self._mic_index + n) / SAMPLE_RATE
            self._ref = np.zeros(0, dtype=np.int16)
            self._ref_until = -1
            for pcm, started_at in self._recent:
                self._place(pcm, started_at)
