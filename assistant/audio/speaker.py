"""The speaker: one callback output stream that never starves, clips mixed in order, stoppable within one block.

The stream starts once and runs until `close()`: between clips the callback writes silence, so the device is
fed whether or not the assistant speaks (an output that is written only while a clip plays underruns at every
gap). The callback never blocks: it copies samples of the current clip, notes what it handed over and when
that reaches the DAC, and a helper thread reports it (`on_played`, the echo canceller's reference) and ends
each playback when its last sample has been heard. Opening does not wait for the device: the stream starts and
a clip waits until the stream's clock has settled (stream_clock.py), so a sound server's start-up stall runs
beside the rest of start-up instead of before it.
"""

from __future__ import annotations

import collections
import logging
import queue
import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import soxr

from assistant.audio.base import SAMPLE_RATE, SAMPLE_WIDTH, Clip
from assistant.audio.devices import AudioDeviceError, find_output, hostapi_of, open_stream, sounddevice_module
from assistant.audio.playback import SpeakerPlayback
from assistant.audio.quiet import realtime_callback
from assistant.audio.stream_clock import StreamClock

_LOGGER = logging.getLogger(__name__)
PlayedHook = Callable[[bytes, float], None]
"""(16 kHz mono int16 samples, time.monotonic() at which the first of them reaches the DAC)."""
DEFAULT_LATENCY_S = 0.2
"""Output latency asked when `[audio] output_latency_ms` is not set (or the device's own high default if more);
PortAudio's ALSA host API rounds it to whole 20 ms blocks (asked 200 -> 180 ms, 100 -> 120 ms). Every reply
starts this much later, and a barge-in leaves this much audible after the stop; too little underruns on a busy
machine. Chosen with `scripts/bench_room.py` and the rig's minute of lines on the PulseAudio room of a shared
2-core machine (README, Performance, "the output buffer"): 40-80 ms underran 6-23 times a minute at load 7-9;
120 ms (60 ms sooner) failed the rig's underrun-free minute in 3 of 7 runs (load 2.5-8.8), 180 ms in none of 5
(load 2.4-4.5). A quiet, fast machine may set less; a slower one (a Raspberry Pi) may need more."""


CLOCK_SLEW = 0.001
"""Once settled, the most the play-out clock moves per second (stream_clock.py): ten times a 100 ppm device's
drift, 1/25 to 1/100 of the sound server's measured latency slides (25-100 ms/s), so one clip's reported
times stay continuous (the echo canceller's reference is placed sample for sample, echo.CONTIGUOUS_S)."""
SETTLE_TIMEOUT_S = 3.0
"""Longest a clip waits for the stream clock to settle after the stream starts (then it plays anyway)."""


class SpeakerSink:
    """Plays clips in order through a sounddevice RawOutputStream callback, in blocks of `block_ms`.

    Opens at 16 kHz, or at the device's default rate (clips are resampled) when refused; the latency asked is
    `latency_s`, else DEFAULT_LATENCY_S or the device's high default latency if that is more. `on_played` receives
    every block of clip audio as played (see PlayedHook). `underruns` counts the blocks PortAudio reported as
    starved. Raises AudioDeviceError, listing the output devices, when none fits `device`.
    """

    def __init__(self, device: str | int | None = None, block_ms: int = 20, latency_s: float | None = None,
                 on_played: PlayedHook | None = None) -> None:
        sd, problem = sounddevice_module()
        if sd is None:
            raise AudioDeviceError(f"No audio output device found: {problem}")
        self._sd = sd
        self.device = find_output(device)
        self._block_ms = block_ms
        self._latency = latency_s
        self.on_played = on_played
        self.underruns = 0
        """Callbacks PortAudio flagged with output underflow once the stream clock had settled."""
        self.startup_underruns = 0
        """The same before (no clip plays yet: the device is prefilled, then pulse may stall 0.1-2 s)."""
        self.underrun_times: list[float] = []
        """Seconds from the stream's start to each of `underruns` (where they fall, for the bench)."""
        self.underruns_in_speech = 0
        """Those of `underruns` that came while a clip was under way (a gap a partner can hear; the others
        replaced silence with silence)."""
        self.rate = SAMPLE_RATE
        self._stream: Any = None
        self._pending: collections.deque[SpeakerPlayback] = collections.deque()
        self._events: queue.SimpleQueue[tuple[SpeakerPlayback, bytes, float, bool] | None] = queue.SimpleQueue()
        self._closed = False
        self._warm = threading.Event()
        """Set once the stream clock has settled (the DAC time of its blocks is then trustworthy): clips wait
        for it, opening does not (the stall overlaps the rest of start-up)."""
        self._started_at = 0.0
        self.settled_after_s: float | None = None
        """Seconds from the stream's start until its clock settled (None before)."""
        self._open()
        self._reporter = threading.Thread(target=self._report, name="speaker-played", daemon=True)
        self._reporter.start()

    @property
    def latency(self) -> float:
        """Seconds from a block handed to the stream to its sound (the stream's own figure)."""
        return float(self._stream.latency) if self._stream is not None else 0.0

    def _open(self) -> None:
        wanted = self._latency
        if wanted is None:
            info = self._sd.query_devices(self.device.index)
            high = info.get("default_high_output_latency", 0.0) if isinstance(info, dict) else 0.0
            wanted = max(DEFAULT_LATENCY_S, float(high or 0.0))
        self._stream, self.rate = open_stream(self._sd.RawOutputStream, self.device, "output",
                                              block_ms=self._block_ms, latency=wanted, callback=self._callback,
                                              finished_callback=self._finished)
        self._stream_clock, self._written = StreamClock(self.rate, self._block_ms / 1000, slew=CLOCK_SLEW), 0
        self._warm.clear()
        self.settled_after_s = None
        realtime_callback(self._stream, hostapi_of(self.device.index))
        self._started_at = time.monotonic()
        self._stream.start()
        _LOGGER.info("speaker %s open at %d Hz, latency %.0f ms", self.device.describe(), self.rate,
                     1000 * self.latency)

    def wait_settled(self, timeout: float | None = None) -> bool:
        """Wait until a clip played now would start at once (the stream clock has settled); False on timeout."""
        return self._warm.wait(timeout)

    def play(self, clip: Clip) -> SpeakerPlayback:
        samples = np.frombuffer(clip.pcm[:len(clip.pcm) - len(clip.pcm) % SAMPLE_WIDTH], dtype="<i2")
        if self.rate != SAMPLE_RATE and len(samples):
            resampled = soxr.resample(samples.astype(np.float32) / 32768.0, SAMPLE_RATE, self.rate)
            samples = (np.clip(resampled, -1.0, 1.0) * 32767.0).astype("<i2")
        playback = SpeakerPlayback(clip, samples, self.rate)
        if self._closed:
            playback._fail("the speaker is closed")
            return playback
        try:
            if self._stream is None or not self._stream.active:
                self._reopen()
        except (self._sd.PortAudioError, AudioDeviceError, OSError) as exc:
            _LOGGER.warning("speaker %r failed: %s", self.device.name, exc)
            playback._fail(str(exc))
            return playback
        self._pending.append(playback)
        return playback

    def _reopen(self) -> None:
        self._close_stream()
        for old in list(self._pending):
            old._fail("the output stream stopped")
        self._pending.clear()
        self._open()

    def _callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio thread: fill `frames` samples from the queued clips, silence after; never block."""
        called_at = time.monotonic()
        if status.output_underflow:
            self._stream_clock.restart()  # the device played silence we did not write: the schedule moved
            if self._warm.is_set():
                self.underruns += 1
                self.underrun_times.append(round(called_at - self._started_at, 2))
                self.underruns_in_speech += bool(self._pending and self._pending[0]._cursor > 0)
            else:
                self.startup_underruns += 1
        dac = float(getattr(time_info, "outputBufferDacTime", 0.0))
        now = float(getattr(time_info, "currentTime", 0.0))
        timed = dac > 0.0 and now > 0.0
        if not timed:  # a host API without timing: assume the stream's latency (nothing to settle on)
            dac, now = self.latency, 0.0
        block_at = self._stream_clock.observe(self._written, called_at + (dac - now), called_at)
        self._written += frames
        if not self._warm.is_set() and (self._stream_clock.settled or not timed
                                        or called_at - self._started_at > SETTLE_TIMEOUT_S):
            self.settled_after_s = called_at - self._started_at
            self._warm.set()
        out = np.zeros(frames, dtype="<i2")
        filled = 0
        while filled < frames and self._pending:
            playback = self._pending[0]
            if playback._stop.is_set() or playback._cursor >= len(playback._samples):
                self._pending.popleft()  # over: its last sample sounds where its last block ends
                self._events.put((playback, b"", playback._heard_until or block_at + filled / self.rate, True))
                continue
            if not self._warm.is_set():  # its start would be dated by a clock that has not settled
                break
            start = playback._cursor
            take = min(frames - filled, len(playback._samples) - start)
            out[filled:filled + take] = playback._samples[start:start + take]
            playback._cursor = start + take
            first, last = start * SAMPLE_RATE // self.rate, (start + take) * SAMPLE_RATE // self.rate
            pcm = playback.clip.pcm[first * SAMPLE_WIDTH:last * SAMPLE_WIDTH]
            self._events.put((playback, pcm, block_at + filled / self.rate, False))
            playback._heard_until = block_at + (filled + take) / self.rate
            filled += take
        outdata[:] = out.tobytes()

    def _finished(self) -> None:
        """The stream ended (device gone, or close): whatever was queued will not be heard."""
        if self._closed:
            return
        _LOGGER.warning("speaker %r stopped unexpectedly", self.device.name)
        while self._pending:
            self._pending.popleft()._fail("the output stream stopped (were the speakers unplugged?)")

    def _report(self) -> None:
        """Helper thread: hand played blocks to `on_played`, end playbacks once their last sample is heard."""
        ending: list[SpeakerPlayback] = []
        while True:
            next_end = min((p.ends_at or 0.0 for p in ending), default=None)
            wait = None if next_end is None else max(0.0, next_end - time.monotonic())
            try:
                event = self._events.get(timeout=wait)
            except queue.Empty:
                event = None
            else:
                if event is None:
                    break
                playback, pcm, at, over = event
                if over:
                    playback.ends_at = at
                    ending.append(playback)
                elif pcm:
                    if playback.started_at is None:
                        playback.started_at = at
                        playback._first_heard.set()
                    self._hand_over(pcm, at)
            now = time.monotonic()
            for playback in [p for p in ending if (p.ends_at or 0.0) <= now or p._stop.is_set()]:
                ending.remove(playback)
                playback._end()
        for playback in ending:
            playback._end()

    def _hand_over(self, pcm: bytes, at: float) -> None:
        if self.on_played is None:
            return
        try:
            self.on_played(pcm, at)
        except Exception:  # noqa: BLE001 - a consumer's bug must not silence the speaker
            _LOGGER.exception("on_played consumer failed")

    def _close_stream(self) -> None:
        if self._stream is None:
            return
        try:
            self._stream.stop()
            self._stream.close()
        except self._sd.PortAudioError as exc:
            _LOGGER.info("closing speaker: %s", exc)
        self._stream = None

    def close(self) -> None:
        """Stop what is playing, drop what is queued, release the device."""
        if self._closed:
            return
        self._closed = True
        for playback in list(self._pending):
            playback.stop()
        self._close_stream()
        for playback in list(self._pending):
            playback._end()
        self._pending.clear()
        self._events.put(None)
        self._reporter.join(timeout=5)
