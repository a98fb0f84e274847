"""The speech-to-text interface every engine implements."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from assistant.audio.base import Rechunker


@dataclass(frozen=True)
class Utterance:
    """One recognised stretch of speech."""

    text: str
    """Lower-case words; empty or "[unk]"-free when nothing matched."""
    confidence: float
    """0..1, the engine's own confidence for the whole utterance."""
    start: float
    """Seconds from the start of the stream where speech began."""
    end: float
    """Seconds from the start of the stream where speech ended (the endpoint)."""


class Recognizer(Protocol):
    """A streaming recogniser fed 16 kHz mono int16 frames."""

    name: str
    """Engine name: "vosk" or "pocketsphinx"."""

    def set_phrases(self, phrases: Sequence[str] | None, sentinel: Sequence[str] = ()) -> None:
        """Restrict recognition to `phrases` plus an unknown/garbage path; None means free text.

        `sentinel` (free text only): phrases an engine must still catch inside free speech, when its
        free-text model alone is not reliable enough (pocketsphinx runs a second grammar pass).
        """

    def accept(self, pcm: bytes) -> Utterance | None:
        """Feed a frame; returns an utterance when the engine detects the end of speech."""

    def partial(self) -> str:
        """Words heard so far in the current utterance."""

    def flush(self) -> Utterance | None:
        """Force the end of the current utterance (end of audio)."""

    def reset(self) -> None:
        """Forget the current utterance (e.g. audio heard while the assistant spoke)."""


@runtime_checkable
class DecodesEarly(Protocol):
    """A recogniser that can decode an utterance before its end is decided, and take that back."""

    def finish_early(self) -> Utterance | None:
        """Decode the current utterance as it stands; later frames are held until `take_back` or `flush`."""

    def take_back(self) -> None:
        """Speech resumed: go on with the utterance as if `finish_early` had not been called."""


def feed_frames(chunker: Rechunker, pcm: bytes, handle: Callable[[bytes], Utterance | None]) -> Utterance | None:
    """Cut `pcm` (any length) into the engine's whole frames and hand each to `handle`, keeping the rest
    for the next call; the last utterance any frame returned (None if none)."""
    result = None
    for frame in chunker.blocks(pcm):
        result = handle(frame) or result
    return result
