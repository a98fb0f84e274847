"""The text-to-speech interface."""

from __future__ import annotations

from typing import Protocol

from assistant.audio.base import Clip


class TTSError(RuntimeError):
    """The speech engine failed, hung or produced no audio."""


class Synthesizer(Protocol):
    """Turns text into a 16 kHz mono clip."""

    def synthesize(self, text: str, dialog_id: str = "") -> Clip:
        """Render `text`; raises TTSError when the engine fails or hangs."""

    def close(self) -> None:
        """Stop the engine worker."""
