"""Speech handed over while it is still being rendered: a SpeechStream and the sinks that can play one.

The producer (the speech worker, or a cache hit) calls `push` per chunk and then `finish` or `fail`; the
consumer (a sink's playback thread) iterates `chunks()`. A sink that can start playing before the render
ends implements `StreamingSink.play_stream`; any other sink gets the whole clip (`stream.clip()`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from assistant.audio.base import Clip, Playback
from assistant.tts.base import TTSError


class SpeechStream:
    """16 kHz mono int16 audio of one line, chunk by chunk, as it is rendered (thread-safe)."""

    def __init__(self, text: str, dialog_id: str = "") -> None:
        self.text = text
        """What the audio says."""
        self.dialog_id = dialog_id
        """Dialog id the text came from."""
        self.cached = False
        """True when the audio came from the TTS cache rather than a render."""
        self.first_chunk_at: float | None = None
        """time.perf_counter() when the first chunk was pushed (bench probes)."""
        self._chunks: list[bytes] = []
        self._done = False
        self._error: TTSError | None = None
        self._changed = threading.Condition()

    @classmethod
    def of(cls, clip: Clip, cached: bool = False) -> SpeechStream:
        """A stream that is already complete (a cache hit, a blank line)."""
        stream = cls(clip.text, clip.dialog_id)
        stream.cached = cached
        if clip.pcm:
            stream.push(clip.pcm)
        stream.finish()
        return stream

    def push(self, pcm: bytes) -> None:
        with self._changed:
            if pcm:
                if self.first_chunk_at is None:
                    self.first_chunk_at = time.perf_counter()
                self._chunks.append(pcm)
            self._changed.notify_all()

    def finish(self) -> None:
        with self._changed:
            self._done = True
            self._changed.notify_all()

    def fail(self, error: TTSError) -> None:
        with self._changed:
            self._error, self._done = error, True
            self._changed.notify_all()

    @property
    def done(self) -> bool:
        return self._done

    @property
    def error(self) -> TTSError | None:
        """Why the render stopped early (the audio already handed over stays valid)."""
        return self._error

    def wait_first(self, timeout: float | None = None) -> bool:
        """Block until there is audio or the render is over; raises the TTSError of a render that
        failed before producing any audio. False on timeout."""
        with self._changed:
            ready = self._changed.wait_for(lambda: bool(self._chunks) or self._done, timeout)
            if self._error is not None and not self._chunks:
                raise self._error
            return ready

    def chunks(self) -> Iterator[bytes]:
        """Every chunk, blocking for the next one until the render ends (a failure just ends it)."""
        index = 0
        while True:
            with self._changed:
                while index >= len(self._chunks) and not self._done:
                    self._changed.wait()
                if index >= len(self._chunks):
                    return
                chunk = self._chunks[index]
            index += 1
            yield chunk

    def clip(self) -> Clip:
        """The whole line (blocks until the render ends); raises its TTSError if it failed."""
        pcm = b"".join(self.chunks())
        if self._error is not None:
            raise self._error
        return Clip(pcm, self.text, self.dialog_id)


@runtime_checkable
class StreamingSink(Protocol):
    """A sink that starts playing a line while the rest of it is still being rendered."""

    def play_stream(self, stream: SpeechStream) -> Playback:
        """Start playing `stream` (iterate `stream.chunks()` in the playback thread); returns at once."""


@runtime_checkable
class StreamingSynthesizer(Protocol):
    """A synthesizer that can hand over audio before the whole line is rendered."""

    def stream(self, text: str, dialog_id: str = "") -> SpeechStream:
        """Start rendering `text`; returns at once."""

    def close(self) -> None:
        """Stop the engine worker."""
