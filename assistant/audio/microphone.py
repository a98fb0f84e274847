"""The microphone: a sounddevice RawInputStream whose callback only enqueues bytes.

The stream opens at 16 kHz; a device that refuses it is opened at its default rate and the consumer
(`read`) resamples to 16 kHz with a streaming soxr resampler.
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import soxr

from assistant.audio.base import FRAME_BYTES, SAMPLE_RATE, ListenRequest
from assistant.audio.convert import rms_dbfs
from assistant.audio.devices import AudioDeviceError, find_input, hostapi_of, open_stream, sounddevice_module
from assistant.audio.quiet import realtime_callback
from assistant.audio.stream_clock import StreamClock

_LOGGER = logging.getLogger(__name__)


OVERFLOW_BURST_GAP_S = 5.0
"""Lost blocks closer together than this are one burst (one log line)."""


class AdvancingClock(Protocol):
    def advance(self, seconds: float) -> None: ...


class MicrophoneSource:
    """Live 16 kHz mono frames from a microphone (AudioSource).

    `device`: name substring or index (None: the system default). Raises AudioDeviceError, listing the
    input devices that exist, when none fits. `read()` waits up to `read_timeout_s` for audio, then
    returns None. A stream that dies (device unplugged) makes `read()` raise AudioDeviceError.
    """

    live = True
    """A None from read() means "nothing yet", not "end of input" (the Listener keeps waiting)."""

    def __init__(self, device: str | int | None = None, clock: AdvancingClock | None = None,
                 block_ms: int = 30, max_buffer_s: float = 10.0, read_timeout_s: float = 0.5) -> None:
        sd, problem = sounddevice_module()
        if sd is None:
            raise AudioDeviceError(f"No audio input device found: {problem}")
        self._sd = sd
        self.device = find_input(device)
        self._clock = clock
        self._read_timeout = read_timeout_s
        self.overflows = 0
        """Blocks dropped because the consumer was too slow, plus PortAudio input overflows."""
        self._overflows_seen, self._overflow_burst_at = 0, -OVERFLOW_BURST_GAP_S
        self.last_frame_at: float | None = None
        """time.monotonic() at which the first sample of the frame last returned by read() was captured."""
        self._stream_clock = StreamClock(1)  # its rate is set once the stream is open
        self._captured = 0
        self._consumed = 0
        self.on_level: Callable[[float], None] | None = None
        """Called with each frame's loudness (dBFS) as it is read: a level meter (assistant.display)."""
        self._failed: str | None = None
        self._closed = False
        self._pending = bytearray()
        self._queue: queue.Queue[bytes] = queue.Queue(
            maxsize=max(4, int(max_buffer_s * 1000 / block_ms)))
        self.stream, self.rate = open_stream(sd.RawInputStream, self.device, "input", block_ms=block_ms,
                                             callback=self._callback, finished_callback=self._finished)
        self._stream_clock = StreamClock(self.rate, block_ms / 1000)
        self._resampler = (None if self.rate == SAMPLE_RATE
                           else soxr.ResampleStream(self.rate, SAMPLE_RATE, 1, dtype="int16"))
        realtime_callback(self.stream, hostapi_of(self.device.index))
        try:
            self.stream.start()
        except sd.PortAudioError as exc:
            raise AudioDeviceError(f"Cannot start microphone {self.device.describe()}: {exc}") from exc
        _LOGGER.info("microphone %s open at %d Hz", self.device.describe(), self.rate)

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        """PortAudio thread: never block, never raise; only enqueue."""
        if status:
            self.overflows += 1
            self._stream_clock.restart()
        adc = float(getattr(time_info, "inputBufferAdcTime", 0.0))
        now = float(getattr(time_info, "currentTime", 0.0))
        lag = now - adc if adc > 0.0 and now > 0.0 else frames / self.rate
        self._stream_clock.observe(self._captured, time.monotonic() - lag)  # device sample index -> capture time
        self._captured += frames
        try:
            self._queue.put_nowait(bytes(indata))
        except queue.Full:
            self.overflows += 1

    def _finished(self) -> None:
        if not self._closed:
            self._failed = "the input stream stopped (was the microphone unplugged?)"

    def begin(self, request: ListenRequest) -> None:
        """Live audio needs no selection."""

    def _convert(self, raw: bytes) -> bytes:
        if self._resampler is None:
            return raw
        out = self._resampler.resample_chunk(np.frombuffer(raw, dtype="<i2"))
        return np.asarray(out, dtype="<i2").tobytes()

    def _check_alive(self) -> None:
        if self._failed is None:
            try:
                active = bool(self.stream.active)
            except self._sd.PortAudioError as exc:
                self._failed = str(exc)
            else:
                if not active and not self._closed:
                    self._failed = "the input stream is no longer running (was the microphone unplugged?)"
        if self._failed is not None:
            raise AudioDeviceError(f"Microphone {self.device.name!r} failed: {self._failed}")

    def read(self) -> bytes | None:
        if self._closed:
            return None
        deadline = time.monotonic() + self._read_timeout
        while len(self._pending) < FRAME_BYTES:
            remaining = deadline - time.monotonic()
            try:
                raw = self._queue.get(timeout=remaining) if remaining > 0 else self._queue.get_nowait()
            except queue.Empty:
                self._check_alive()
                return None
            self._consumed += len(raw) // 2
            self._pending += self._convert(raw)
        self._note_time()
        self._note_overflows()
        frame = bytes(self._pending[:FRAME_BYTES])
        del self._pending[:FRAME_BYTES]
        if self.on_level is not None:
            self.on_level(rms_dbfs(frame))
        if self._clock is not None and hasattr(self._clock, "advance"):
            self._clock.advance(FRAME_BYTES / (2 * SAMPLE_RATE))
        return frame

    def _note_time(self) -> None:
        """Capture time of the oldest pending sample, from the latest callback's ADC time."""
        if not self._stream_clock.known:
            return
        first = self._consumed - (len(self._pending) // 2) * self.rate / SAMPLE_RATE
        self.last_frame_at = self._stream_clock.time_of(first)

    def _note_overflows(self) -> None:
        """One log line per burst of lost blocks (a burst ends after OVERFLOW_BURST_GAP_S without loss)."""
        if self.overflows == self._overflows_seen:
            return
        now = time.monotonic()
        if now - self._overflow_burst_at > OVERFLOW_BURST_GAP_S:
            _LOGGER.warning("microphone lost audio (%d blocks so far): the machine may be too busy",
                            self.overflows)
        self._overflows_seen, self._overflow_burst_at = self.overflows, now

    def discard_pending(self) -> None:
        """Drop audio heard while the assistant spoke (half-duplex)."""
        self._pending.clear()
        while True:
            try:
                self._consumed += len(self._queue.get_nowait()) // 2
            except queue.Empty:
                break

    @property
    def closed(self) -> bool:
        """True once `close()` ran: `read()` then returns None at once, forever."""
        return self._closed

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self.stream.stop()
            self.stream.close()
        except self._sd.PortAudioError as exc:
            _LOGGER.info("closing microphone: %s", exc)
