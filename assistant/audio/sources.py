"""Audio sources without hardware: a WAV file, and scripted turns for scenarios and tests.

Both hand out FRAME_BYTES frames of 16 kHz mono int16 (the last frame of a buffer is padded with
silence) and then None. Given a clock with `advance(seconds)` (VirtualClock), they advance it by each
frame's duration as frames are read, so simulated time follows audio time.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from assistant.audio.base import FRAME_BYTES, ListenRequest, duration_of
from assistant.audio.convert import AudioFormatError, read_wav
from assistant.audio.wav_stream import WavStream

_LOGGER = logging.getLogger(__name__)
_FRAME_SECONDS = duration_of(bytes(FRAME_BYTES))


class AdvancingClock(Protocol):
    def advance(self, seconds: float) -> None: ...


def frame_at(pcm: bytes, offset: int) -> bytes:
    """The frame starting at byte `offset`, padded with silence to FRAME_BYTES."""
    frame = pcm[offset:offset + FRAME_BYTES]
    return frame + bytes(FRAME_BYTES - len(frame)) if len(frame) < FRAME_BYTES else frame


def split_frames(pcm: bytes) -> list[bytes]:
    """All frames of a buffer, the last one padded."""
    return [frame_at(pcm, offset) for offset in range(0, len(pcm), FRAME_BYTES)]


class WavSource:
    """Frames of one WAV file (any rate, width and channel count), then None. Read as it plays: a long
    recording costs a few chunks of memory, not the whole file converted."""

    def __init__(self, path: str | Path, clock: AdvancingClock | None = None) -> None:
        self.path = Path(path)
        try:
            self._stream: WavStream | None = WavStream(self.path)
            self._pcm = b""
        except AudioFormatError:  # e.g. WAVE_FORMAT_EXTENSIBLE, which `wave` refuses: read it whole
            self._stream = None
            self._pcm = read_wav(self.path)
        self._offset = 0
        self._clock = clock

    @property
    def duration(self) -> float:
        """Seconds of audio in the file (after conversion)."""
        return self._stream.duration if self._stream is not None else duration_of(self._pcm)

    def begin(self, request: ListenRequest) -> None:
        """Nothing to select: the file simply continues."""

    def read(self) -> bytes | None:
        if self._stream is not None:
            frame = self._stream.read(FRAME_BYTES)
        else:
            frame = self._pcm[self._offset:self._offset + FRAME_BYTES]
            self._offset += FRAME_BYTES
        if not frame:
            return None
        if self._clock is not None:
            self._clock.advance(_FRAME_SECONDS)
        return frame_at(frame, 0)

    def discard_pending(self) -> None:
        """A file has no buffered live audio; nothing is skipped."""

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
        self._offset = len(self._pcm)


TurnSupplier = Callable[[ListenRequest], "bytes | None"]


class ScriptedSource:
    """Scripted turns: each `begin()` starts the next pushed turn (or asks `on_begin` for one).

    - `push(pcm)` queues a turn; `begin(request)` makes the next queued turn current, dropping the
      unread rest of the previous one. With nothing queued, `on_begin(request)` supplies the audio
      (None or b"": a silent turn, read() returns None at once).
    - `inject(pcm)` adds audio readable immediately, before the rest of the current turn (barge-in:
      the partner speaks while the assistant talks). `discard_pending()` drops injected audio, like
      a microphone's buffer is dropped after the assistant spoke.
    - `requests` records every ListenRequest seen, for assertions.
    Thread-safe: `inject` may be called from a playback progress hook while another thread reads.
    """

    def __init__(self, clock: AdvancingClock | None = None, on_begin: TurnSupplier | None = None) -> None:
        self._clock = clock
        self.on_begin = on_begin
        self._turns: deque[bytes] = deque()
        self._current = b""
        self._offset = 0
        self._injected = bytearray()
        self._lock = threading.Lock()
        self.requests: list[ListenRequest] = []

    @property
    def turns_queued(self) -> int:
        return len(self._turns)

    def push(self, pcm: bytes) -> None:
        """Queue one turn of 16 kHz mono int16 audio."""
        with self._lock:
            self._turns.append(bytes(pcm))

    def inject(self, pcm: bytes) -> None:
        """Make audio readable now, ahead of the current turn (padded to whole frames)."""
        with self._lock:
            self._injected += b"".join(split_frames(bytes(pcm)))

    def begin(self, request: ListenRequest) -> None:
        with self._lock:
            self.requests.append(request)
            if self._turns:
                pcm: bytes | None = self._turns.popleft()
            else:
                pcm = None
        if pcm is None and self.on_begin is not None:
            pcm = self.on_begin(request)
        with self._lock:
            self._current, self._offset = bytes(pcm or b""), 0

    def read(self) -> bytes | None:
        with self._lock:
            if self._injected:
                frame = bytes(self._injected[:FRAME_BYTES])
                del self._injected[:FRAME_BYTES]
            elif self._offset < len(self._current):
                frame = frame_at(self._current, self._offset)
                self._offset += FRAME_BYTES
            else:
                return None
        if self._clock is not None:
            self._clock.advance(_FRAME_SECONDS)
        return frame

    def discard_pending(self) -> None:
        with self._lock:
            self._injected.clear()

    def close(self) -> None:
        with self._lock:
            self._turns.clear()
            self._injected.clear()
            self._current, self._offset = b"", 0
