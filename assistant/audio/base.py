"""The audio values that flow through the program and the tiny interfaces of its edges.

Inside the program audio is always 16 kHz, mono, signed 16-bit little-endian PCM (`bytes`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

SAMPLE_RATE = 16_000
"""Samples per second of every frame inside the program."""
SAMPLE_WIDTH = 2
"""Bytes per sample (int16)."""
FRAME_SAMPLES = 480
"""Samples in one frame handed to the recogniser (30 ms)."""
FRAME_BYTES = FRAME_SAMPLES * SAMPLE_WIDTH


def duration_of(pcm: bytes) -> float:
    """Seconds of audio in a 16 kHz mono int16 buffer."""
    return len(pcm) / (SAMPLE_RATE * SAMPLE_WIDTH)


@dataclass(frozen=True)
class Clip:
    """Audio the assistant speaks."""

    pcm: bytes
    """16 kHz mono int16 samples."""
    text: str = ""
    """What the audio says (for the text sink, transcripts and self-voice rejection)."""
    dialog_id: str = ""
    """Dialog id the text came from, when it came from a dialog."""

    @property
    def duration(self) -> float:
        return duration_of(self.pcm)


@dataclass(frozen=True)
class ListenRequest:
    """What the dialog expects next; scripted sources use it to pick the next turn."""

    kind: str
    """Listening kind: "command", "yes_no", "rating", "free", "ready" ..."""
    step: str = ""
    """Dialog step id that is listening."""
    phrases: tuple[str, ...] = field(default_factory=tuple)
    """Phrases the recogniser is restricted to (empty: free text)."""
    sentinel: tuple[str, ...] = field(default_factory=tuple)
    """With free text: phrases that must still be caught inside it (time out, safety)."""


class AudioSource(Protocol):
    """Where heard audio comes from."""

    def begin(self, request: ListenRequest) -> None:
        """The assistant starts listening (a scripted source selects its next turn here)."""

    def read(self) -> bytes | None:
        """Next frame (FRAME_BYTES of 16 kHz int16), or None when the source has no more audio now."""

    def discard_pending(self) -> None:
        """Drop audio buffered while the assistant spoke (half-duplex)."""

    def close(self) -> None:
        """Release the device or file."""


class Playback(Protocol):
    """One clip being played; stoppable for barge-in."""

    def wait(self, timeout: float | None = None) -> bool:
        """Block until finished or stopped; True when it is over."""

    def stop(self) -> None:
        """Cut playback short (within one audio block)."""

    @property
    def played_seconds(self) -> float:
        """How much of the clip was played."""


class AudioSink(Protocol):
    """Where spoken audio goes."""

    def play(self, clip: Clip) -> Playback:
        """Start playing `clip`; returns at once."""

    def close(self) -> None:
        """Release the device or file."""


class Rechunker:
    """Turns frames of one size into blocks of another, keeping the remainder for the next call."""

    def __init__(self, block_bytes: int) -> None:
        self.block_bytes = block_bytes
        self._pending = bytearray()

    def blocks(self, data: bytes) -> list[bytes]:
        """Every whole block now available after appending `data`."""
        self._pending += data
        count = len(self._pending) // self.block_bytes
        out = [bytes(self._pending[i * self.block_bytes:(i + 1) * self.block_bytes]) for i in range(count)]
        del self._pending[:count * self.block_bytes]
        return out

    def padded_rest(self) -> bytes:
        """The remainder padded with silence to one whole block (empty when none); the remainder is dropped."""
        rest = bytes(self._pending)
        self._pending.clear()
        return rest + bytes(self.block_bytes - len(rest)) if rest else b""

    def clear(self) -> None:
        self._pending.clear()
