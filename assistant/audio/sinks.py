"""Where the assistant's voice goes: a session WAV file, printed text, or several at once.

The speaker itself is in assistant/audio/speaker.py (SpeakerSink, re-exported here).
"""

from __future__ import annotations

import logging
import sys
import threading
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TextIO

from assistant.audio.base import SAMPLE_RATE, SAMPLE_WIDTH, AudioSink, Clip, Playback
from assistant.store.private import open_output

_LOGGER = logging.getLogger(__name__)


class SleepingClock(Protocol):
    def sleep(self, seconds: float) -> None: ...


class DonePlayback:
    """A playback that is already over (text output, instant file writes)."""

    def __init__(self, played_seconds: float = 0.0) -> None:
        self._played = played_seconds

    def wait(self, timeout: float | None = None) -> bool:
        return True

    def stop(self) -> None:
        """Too late to stop: nothing happens."""

    @property
    def played_seconds(self) -> float:
        return self._played


class TextSink:
    """Prints `assistant: TEXT` lines (the --io text mode and the fallback when TTS fails)."""

    def __init__(self, stream: TextIO | None = None, prefix: str = "assistant: ") -> None:
        self._stream = stream
        self._prefix = prefix

    def play(self, clip: Clip) -> Playback:
        if clip.text.strip():
            print(f"{self._prefix}{clip.text.strip()}", file=self._stream or sys.stdout, flush=True)
        return DonePlayback(clip.duration)

    def close(self) -> None:
        """Nothing to release (the stream belongs to the caller)."""


ProgressHook = Callable[["WavPlayback", float], None]


class WavPlayback:
    """One clip "playing" into a WavFileSink on a clock, in steps of `step_s`.

    `wait(timeout)` advances the clock (clock.sleep) one step at a time, calling the sink's
    `on_progress(playback, played_seconds)` after each step; `timeout` counts clock seconds, so a loop
    `while not pb.wait(0.03): ...` can interleave listening for barge-in. `stop()` (from the hook, that
    loop or another thread) ends it: `played_seconds` stays below the duration and only the played part
    is written to the file.
    """

    def __init__(self, sink: WavFileSink, clip: Clip, clock: SleepingClock, step_s: float) -> None:
        self._sink, self.clip, self._clock, self._step = sink, clip, clock, step_s
        self._played = 0.0
        self._stop_requested = False
        self._done = False
        self._lock = threading.RLock()

    @property
    def played_seconds(self) -> float:
        return self._played

    @property
    def stopped(self) -> bool:
        """True when stop() cut the clip short."""
        return self._stop_requested and self._played < self.clip.duration

    def wait(self, timeout: float | None = None) -> bool:
        advanced = 0.0
        while True:
            with self._lock:
                if self._done:
                    return True
                if self._stop_requested or self._played >= self.clip.duration - 1e-9:
                    self._finish()
                    return True
                if timeout is not None and advanced >= timeout - 1e-9:
                    return False
                step = min(self._step, self.clip.duration - self._played)
                if timeout is not None:
                    step = min(step, timeout - advanced)
            self._clock.sleep(step)
            advanced += step
            with self._lock:
                if self._done:
                    return True
                self._played = min(self.clip.duration, self._played + step)
            if self._sink.on_progress is not None:
                self._sink.on_progress(self, self._played)

    def stop(self) -> None:
        """End now: the played part is written at once."""
        with self._lock:
            self._stop_requested = True
            if not self._done:
                self._finish()

    def _finish(self) -> None:
        played_bytes = int(round(self._played * SAMPLE_RATE)) * SAMPLE_WIDTH
        self._sink._append(self.clip, self.clip.pcm[:played_bytes])
        self._done = True


class WavFileSink:
    """Appends every clip's audio to one 16 kHz mono WAV file (the assistant's side of a session).

    The header is valid after every clip (the wave module patches it after each write) and final
    after `close()`. `timeline` holds (start_s, end_s, text, dialog_id) per clip, in file seconds.
    Without a clock playback is instant and complete. With a clock (anything with `sleep`, e.g.
    VirtualClock or RealClock) `play()` returns a WavPlayback that advances it as described there;
    a clip still unfinished when the next one is played, or at close, is first played to its end.
    """

    def __init__(self, path: str | Path, clock: SleepingClock | None = None,
                 on_progress: ProgressHook | None = None, step_s: float = 0.02) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open_output(self.path)  # 0600, never a link or device
        self._wav: Any = wave.open(self._file, "wb")  # noqa: SIM115 - closed by close()
        self._wav.setnchannels(1)
        self._wav.setsampwidth(SAMPLE_WIDTH)
        self._wav.setframerate(SAMPLE_RATE)
        self._clock, self.on_progress, self._step = clock, on_progress, step_s
        self._position = 0.0
        self._current: WavPlayback | None = None
        self.timeline: list[tuple[float, float, str, str]] = []

    def play(self, clip: Clip) -> Playback:
        if self._wav is None:
            raise ValueError(f"{self.path}: the sink is closed")
        if self._current is not None:
            self._current.wait()
        if self._clock is None:
            self._append(clip, clip.pcm)
            return DonePlayback(clip.duration)
        self._current = WavPlayback(self, clip, self._clock, self._step)
        return self._current

    def _append(self, clip: Clip, pcm: bytes) -> None:
        pcm = pcm[:len(pcm) - len(pcm) % SAMPLE_WIDTH]
        self._wav.writeframes(pcm)
        self._wav._file.flush()
        end = self._position + len(pcm) / (SAMPLE_RATE * SAMPLE_WIDTH)
        self.timeline.append((self._position, end, clip.text, clip.dialog_id))
        self._position = end
        if self._current is not None and self._current.clip is clip:
            self._current = None

    def close(self) -> None:
        if self._wav is None:
            return
        if self._current is not None:
            self._current.wait()
        self._wav.close()
        self._file.close()  # wave does not close a file object it was given
        self._wav = None


class MultiPlayback:
    """Several playbacks of one clip acting as one."""

    def __init__(self, playbacks: list[Playback]) -> None:
        self._playbacks = playbacks

    def wait(self, timeout: float | None = None) -> bool:
        return all([p.wait(timeout) for p in self._playbacks])

    def stop(self) -> None:
        for p in self._playbacks:
            p.stop()

    @property
    def played_seconds(self) -> float:
        return max((p.played_seconds for p in self._playbacks), default=0.0)


class MultiSink:
    """Plays every clip on several sinks (e.g. WAV file and printed text)."""

    def __init__(self, *sinks: AudioSink) -> None:
        self.sinks = sinks

    def play(self, clip: Clip) -> Playback:
        return MultiPlayback([sink.play(clip) for sink in self.sinks])

    def close(self) -> None:
        for sink in self.sinks:
            sink.close()


from assistant.audio.playback import SpeakerPlayback  # noqa: E402  (re-export)
from assistant.audio.speaker import SpeakerSink  # noqa: E402  (re-export)

__all__ = ["DonePlayback", "MultiPlayback", "MultiSink", "SpeakerPlayback", "SpeakerSink", "TextSink",
           "WavFileSink", "WavPlayback"]
