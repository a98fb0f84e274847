"""The speaker: clips played in order through sounddevice, stoppable within one block (barge-in)."""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any

import numpy as np
import soxr

from assistant.audio.base import SAMPLE_RATE, Clip
from assistant.audio.devices import AudioDeviceError, find_output, open_stream, sounddevice_module

_LOGGER = logging.getLogger(__name__)


class SpeakerPlayback:
    """A clip queued on a SpeakerSink; `stop()` cuts it within one block."""

    def __init__(self, clip: Clip) -> None:
        self.clip = clip
        self._played = 0.0
        self._stop = threading.Event()
        self._done = threading.Event()
        self.error: str | None = None
        """Why playback failed (device error), or None."""

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def stop(self) -> None:
        self._stop.set()

    @property
    def played_seconds(self) -> float:
        return self._played


class SpeakerSink:
    """Plays clips in order through a sounddevice RawOutputStream, in blocks of `block_ms`, from one
    worker thread. Opens at 16 kHz, or at the device's default rate (clips are resampled) when refused.
    Raises AudioDeviceError, listing the output devices, when none fits `device`.
    """

    def __init__(self, device: str | int | None = None, block_ms: int = 20) -> None:
        sd, problem = sounddevice_module()
        if sd is None:
            raise AudioDeviceError(f"No audio output device found: {problem}")
        self._sd = sd
        self.device = find_output(device)
        self._block_ms = block_ms
        self._stream: Any = None
        self.rate = SAMPLE_RATE
        self._open()
        self._queue: queue.Queue[SpeakerPlayback | None] = queue.Queue()
        self._playing: SpeakerPlayback | None = None
        self._thread = threading.Thread(target=self._run, name="speaker", daemon=True)
        self._thread.start()

    def _open(self) -> None:
        self._stream, self.rate = open_stream(self._sd.RawOutputStream, self.device, "output",
                                              block_ms=self._block_ms)
        self._stream.start()
        _LOGGER.info("speaker %s open at %d Hz", self.device.describe(), self.rate)

    def play(self, clip: Clip) -> SpeakerPlayback:
        playback = SpeakerPlayback(clip)
        self._queue.put(playback)
        return playback

    def _run(self) -> None:
        while (playback := self._queue.get()) is not None:
            self._playing = playback
            try:
                self._play_one(playback)
            except (self._sd.PortAudioError, AudioDeviceError, OSError) as exc:
                playback.error = str(exc)
                _LOGGER.warning("speaker %r failed: %s", self.device.name, exc)
                self._stream = None  # reopen for the next clip
            finally:
                playback._done.set()

    def _play_one(self, playback: SpeakerPlayback) -> None:
        if self._stream is None:
            self._open()
        samples = np.frombuffer(playback.clip.pcm, dtype="<i2")
        if self.rate != SAMPLE_RATE and len(samples):
            resampled = soxr.resample(samples.astype(np.float32) / 32768.0, SAMPLE_RATE, self.rate)
            samples = (np.clip(resampled, -1.0, 1.0) * 32767.0).astype("<i2")
        block = max(1, int(self.rate * self._block_ms / 1000))
        for start in range(0, len(samples), block):
            if playback._stop.is_set():
                return
            chunk = samples[start:start + block]
            self._stream.write(chunk.tobytes())
            playback._played = min(playback.clip.duration, (start + len(chunk)) / self.rate)

    def close(self) -> None:
        """Stop what is playing, drop what is queued, release the device."""
        while True:
            try:
                pending = self._queue.get_nowait()
            except queue.Empty:
                break
            if pending is not None:
                pending.stop()
                pending._done.set()
        if self._playing is not None:
            self._playing.stop()
        self._queue.put(None)
        self._thread.join(timeout=5)
        if self._stream is not None:
            try:
                self._stream.stop()
                self._stream.close()
            except self._sd.PortAudioError as exc:
                _LOGGER.info("closing speaker: %s", exc)
            self._stream = None
