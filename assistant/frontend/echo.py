"""Echo cancellation of the assistant's own voice (speexdsp's MDF canceller), fed by what the speaker played.

The speaker reports each clip's samples and the monotonic time its first sample is heard; microphone frames
arrive in order at the stream's pace. Both are placed on one timeline counted in microphone samples: the
microphone's sample index is anchored to the clock at the first frame (and re-anchored when the stream
pauses). The true delay from a reported play-out to the echo (device latency, report jitter, the path
through the room) is unknown, so it is measured: at ESTIMATE_AT_S into playing, the lag of the peak of the
GCC-PHAT cross-correlation of microphone and reference aligns the reference just ahead of the echo, and the
adaptive filter only has to learn the room (it converges in about a second instead of several).
With no reference in the last tail the frame passes through untouched (no cost, no adaptation drift).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import numpy as np

from assistant.audio.base import SAMPLE_RATE
from assistant.frontend.speex import SpeexEcho

_LOGGER = logging.getLogger(__name__)

BLOCK = 160
"""Samples per canceller call (10 ms)."""
REANCHOR_S = 0.25
"""Re-anchor the microphone timeline when it drifts this far from the clock (the stream paused)."""
ESTIMATE_AT_S = (0.4, 0.8, 1.6)
"""Seconds into a playing episode when the delay is measured (then every REESTIMATE_S)."""
REESTIMATE_S = 2.0
WINDOW_S = 1.0
"""Longest stretch of recent audio the delay is measured on."""
MAX_DELAY_S = 0.4
"""Longest delay from reported play-out to echo the estimator searches."""
EARLY_S = 0.1
"""Echo may arrive this much before its reported play-out (a late report) and still be found."""
MARGIN = 160
"""Samples (10 ms) the aligned reference is kept ahead of the direct-path echo."""
KEEP_FROM = 32
"""A re-measured direct path this many samples (2 ms) or more into the filter, and in its first half, is
left to the adaptive filter: realigning resets it, and on a sound server whose delay wanders by a few ms
(PulseAudio's rewinds) every reset threw away a converged filter, often re-learning it under double talk."""
CONTIGUOUS_S = 0.005
"""A block reported this close to where the previous one ends follows it sample for sample: the speaker's
reported times jitter by a sample or two per block, and a reference with a sample dropped or doubled every
block is no longer a linear image of the echo (measured on the PulseAudio rig: ERLE 11 dB instead of 25+)."""
HISTORY = int((WINDOW_S + MAX_DELAY_S + 0.2) * SAMPLE_RATE)


class SpeexEchoCanceller:
    """Adaptive echo canceller: microphone frame in, frame without the speaker's echo out."""

    def __init__(self, clock: Callable[[], float], tail_s: float = 0.128, lead_s: float = 0.04) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        """played() comes from the speaker's thread, process() from the listening loop."""
        self._tail = int(tail_s * SAMPLE_RATE)
        self._shift = -int(lead_s * SAMPLE_RATE)
        """Far sample for mic index i is the reference at i - shift (negative: the reference's future)."""
        self._canceller = self._new_canceller()
        self._anchor: float | None = None
        self._mic_index = 0
        self._ref = np.zeros(0, dtype=np.int16)
        self._ref_base = 0
        """Mic-timeline index of self._ref[0] (the reference at its reported time)."""
        self._ref_until = -1
        self._mic = np.zeros(0, dtype=np.int16)
        """Raw microphone samples of this playing episode (at most HISTORY), ending at _mic_index."""
        self._active = 0
        """Samples processed since the reference became due (this playing episode)."""
        self._delay_line = bytes(2 * BLOCK)
        """Passthrough is delayed one block, as the suppressor's output is, so switching is seamless."""
        self._recent: list[tuple[bytes, float]] = []
        """Clips still (or soon) playing, kept to be placed again when the timeline is re-anchored."""
        self._measured = False
        """False until the delay was first measured (the first measurement always realigns)."""
        self._next_at: float | None = None
        """Where the last reported block ends (the next one continues there when it is contiguous)."""

    def _new_canceller(self) -> SpeexEcho:
        return SpeexEcho(BLOCK, self._tail, SAMPLE_RATE)

    @property
    def tail_s(self) -> float:
        """Seconds of echo the filter models after the aligned reference (the room's reverberation)."""
        return self._tail / SAMPLE_RATE

    @property
    def delay_s(self) -> float:
        """The current alignment: seconds from reported play-out to the far signal used."""
        return self._shift / SAMPLE_RATE

    def played(self, pcm: bytes, started_at: float) -> None:
        """Remember what the speaker plays from `started_at` on (16 kHz mono int16)."""
        now = self._clock()
        with self._lock:
            if self._next_at is not None and abs(started_at - self._next_at) <= CONTIGUOUS_S:
                started_at = self._next_at
            self._next_at = started_at + len(pcm) / (2 * SAMPLE_RATE)
            self._recent = [(p, t) for p, t in self._recent if t + len(p) / (2 * SAMPLE_RATE) > now - 1.0]
            self._recent.append((pcm, started_at))
            if self._anchor is not None:
                self._place(pcm, started_at)

    def _place(self, pcm: bytes, started_at: float) -> None:
        assert self._anchor is not None
        samples = np.frombuffer(pcm, dtype="<i2")
        start = int(round((started_at - self._anchor) * SAMPLE_RATE)) - self._ref_base
        if start < 0:
            samples, start = samples[-start:], 0
        if not len(samples):
            return
        end = start + len(samples)
        if len(self._ref) < end:
            self._ref = np.concatenate([self._ref, np.zeros(end - len(self._ref), dtype=np.int16)])
        self._ref[start:end] = samples
        self._ref_until = max(self._ref_until, self._ref_base + end)

    def _far(self, start: int, n: int) -> np.ndarray:
        """Reference samples for mic indices [start, start + n), zeros where none."""
        lo = start - self._shift - self._ref_base
        out = np.zeros(n, dtype=np.int16)
        a, b = max(lo, 0), min(lo + n, len(self._ref))
        if b > a:
            out[a - lo:b - lo] = self._ref[a:b]
        return out

    def process(self, frame: bytes) -> bytes:
        """Cancel the echo in one frame (a multiple of 10 ms); passthrough while no reference is due."""
        with self._lock:
            return self._process(frame)

    def _process(self, frame: bytes) -> bytes:
        n = len(frame) // 2
        self._keep_anchor(n)
        due_until = self._ref_until + max(self._shift, 0) + self._tail
        if self._ref_until < 0 or self._mic_index - self._shift < self._ref_base or self._mic_index > due_until:
            self._active = 0
            self._remember(frame, due=False)
            self._advance(n)
            delayed, self._delay_line = self._delay_line + frame[:-2 * BLOCK], frame[-2 * BLOCK:]
            return delayed
        self._active += n
        self._remember(frame, due=True)
        if self._estimate_due(n):
            self._estimate_delay(self._mic_index + n, min(self._active, int(WINDOW_S * SAMPLE_RATE)))
        far = self._far(self._mic_index, n)
        out = b"".join(self._canceller.process(frame[2 * i:2 * (i + BLOCK)], far[i:i + BLOCK].tobytes())
                       for i in range(0, n, BLOCK))
        self._advance(n)
        self._delay_line = frame[-2 * BLOCK:]
        return out

    def _remember(self, frame: bytes, due: bool) -> None:
        """Keep the microphone history the delay estimate and the warm-up read: only this playing episode's
        (their span is at most `_active` samples), so passthrough frames copy nothing."""
        if due:
            self._mic = np.concatenate([self._mic, np.frombuffer(frame, dtype="<i2")])[-HISTORY:]
        elif len(self._mic):
            self._mic = np.zeros(0, dtype=np.int16)

    def _estimate_due(self, n: int) -> bool:
        seconds, before = self._active / SAMPLE_RATE, (self._active - n) / SAMPLE_RATE
        if any(before < at <= seconds for at in ESTIMATE_AT_S):
            return True
        last = ESTIMATE_AT_S[-1]
        return seconds > last and int((seconds - last) / REESTIMATE_S) != int(max(0.0, before - last) / REESTIMATE_S)

    def _estimate_delay(self, end: int, span: int) -> None:
        """GCC-PHAT lag between reference (at its reported time) and microphone; realign when it moved."""
        span = min(len(self._mic), span)
        max_lag = int(MAX_DELAY_S * SAMPLE_RATE)
        mic = self._mic[-span:].astype(np.float64)
        saved, self._shift = self._shift, 0
        ref = self._far(end - span - max_lag, span + max_lag).astype(np.float64)
        self._shift = saved
        if not np.any(ref) or not np.any(mic):
            return
        size = 1 << int(np.ceil(np.log2(len(ref) + span)))
        cross = np.fft.rfft(mic, size) * np.conj(np.fft.rfft(ref, size))
        corr = np.fft.irfft(cross / (np.abs(cross) + 1e-9), size)
        # corr[k] = sum mic[n + k] ref[n]; ref starts max_lag earlier, so an echo delay D peaks at k = D - max_lag
        delays = np.arange(-int(EARLY_S * SAMPLE_RATE), max_lag + 1)
        peak = int(np.argmax(corr[(delays - max_lag) % size]))
        new_shift = int(delays[peak]) - MARGIN
        direct_path_tap = new_shift - self._shift + MARGIN
        first, self._measured = not self._measured, True
        if first or not KEEP_FROM <= direct_path_tap <= self._tail // 2:
            _LOGGER.debug("echo canceller: delay %.1f ms (was %.1f ms)", 1000 * new_shift / SAMPLE_RATE,
                          1000 * self._shift / SAMPLE_RATE)
            self._shift = new_shift
            self._canceller = self._new_canceller()
            self._warm_up(end, span)

    def _warm_up(self, end: int, span: int) -> None:
        """Run the new filter over the recent history so it starts adapted to the room."""
        span -= span % BLOCK
        mic, far = self._mic[-span:].tobytes(), self._far(end - span, span).tobytes()
        for i in range(0, span, BLOCK):
            self._canceller.process(mic[2 * i:2 * (i + BLOCK)], far[2 * i:2 * (i + BLOCK)])

    def _advance(self, n: int) -> None:
        self._mic_index += n
        keep_from = self._mic_index - self._shift - HISTORY - int(MAX_DELAY_S * SAMPLE_RATE)
        if keep_from > self._ref_base:
            drop = min(keep_from - self._ref_base, len(self._ref))
            self._ref = self._ref[drop:]
            self._ref_base += drop

    def _keep_anchor(self, n: int) -> None:
        now = self._clock()
        expected = None if self._anchor is None else self._anchor + (self._mic_index + n) / SAMPLE_RATE
        if expected is None or abs(now - expected) > REANCHOR_S:
            if expected is not None:
                _LOGGER.debug("echo canceller: microphone timeline re-anchored (drift %.3f s)", now - expected)
            self._anchor = now - (self._mic_index + n) / SAMPLE_RATE
            self._ref = np.zeros(0, dtype=np.int16)
            self._ref_base, self._ref_until = self._mic_index, -1
            for pcm, started_at in self._recent:
                self._place(pcm, started_at)
