"""What every way of hearing offers the turn engine: one utterance (or silence) per request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from assistant.audio.base import ListenRequest
from assistant.stt.base import Utterance


@dataclass(frozen=True)
class Heard:
    """An utterance with the moment its endpoint was detected."""

    utterance: Utterance
    endpoint_at: float
    """clock.monotonic() when the recogniser reported the end of speech."""
    listen_seconds: float
    """Audio seconds from the start of listening to the endpoint."""
    pcm: bytes = b""
    """The utterance's audio as the recogniser heard it (16 kHz mono int16); empty when there is none (typed)."""


class Listening(Protocol):
    """A way of hearing: microphone or WAV through a recogniser (assistant.listener.Listener), typed text,
    scripted replies. `Conversation` depends on this and nothing more."""

    def listen(self, request: ListenRequest, timeout_s: float | None = None) -> Heard | None:
        """Wait for one utterance fitting `request`; None after `timeout_s` (None: the hearer's default)
        without speech."""
        ...
