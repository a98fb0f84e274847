"""The front end's values and interfaces: one processed frame and the stage protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Processed:
    """One microphone frame after the front end."""

    pcm: bytes
    """Cleaned 16 kHz mono int16, the same length as the input frame."""
    speech_probability: float
    """0..1 from the trained VAD for the latest audio in this frame."""


class FrontEnd(Protocol):
    """Echo cancellation -> noise suppression / auto gain -> trained VAD, in that order, per frame."""

    def process(self, frame: bytes) -> Processed:
        """Clean one frame (FRAME_BYTES of 16 kHz int16) and score it for speech."""

    def played(self, pcm: bytes, started_at: float) -> None:
        """The exact samples the speaker plays and the clock.monotonic() time its first sample is heard."""

    def reset(self) -> None:
        """Forget adaptive state tied to the current stream (VAD state; the echo path is kept)."""
