"""The front end every audio source goes through: echo cancellation -> noise suppression/AGC -> trained VAD."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from assistant.audio.base import duration_of
from assistant.frontend.base import FrontEnd, Processed
from assistant.frontend.denoise import Denoiser, make_denoiser
from assistant.frontend.echo import SpeexEchoCanceller
from assistant.frontend.settings import FrontEndSettings
from assistant.frontend.vad import Vad, make_vad

_LOGGER = logging.getLogger(__name__)


class SpeechFrontEnd:
    """The stages in the field's order (as wyoming-satellite wires webrtc-noise-gain and silero)."""

    def __init__(self, vad: Vad, denoiser: Denoiser | None = None,
                 echo: SpeexEchoCanceller | None = None, denoised_to_recogniser: bool = True) -> None:
        self.vad = vad
        self.denoiser = denoiser
        self.echo = echo
        self.denoised_to_recogniser = denoised_to_recogniser
        self.speaking_until: float | None = None
        """time.monotonic() when the room stops hearing what the speaker played last (its echo tail included)."""
        """False: the suppressor's output is only scored by the VAD; the recogniser hears the echo-cancelled
        audio (the suppressor's adaptive state then never reshapes a word)."""

    def process(self, frame: bytes) -> Processed:
        pcm = self.echo.process(frame) if self.echo is not None else frame
        cleaned = self.denoiser(pcm) if self.denoiser is not None else pcm
        return Processed(cleaned if self.denoised_to_recogniser else pcm, self.vad(cleaned))

    def played(self, pcm: bytes, started_at: float) -> None:
        if self.echo is not None:
            self.echo.played(pcm, started_at)
            ends = started_at + duration_of(pcm) + self.echo.tail_s
            self.speaking_until = max(ends, self.speaking_until or ends)

    def reset(self) -> None:
        self.vad.reset()


class PassthroughFrontEnd:
    """Identity front end for tests of other parts: audio unchanged, every frame called speech."""

    def process(self, frame: bytes) -> Processed:
        return Processed(frame, 1.0)

    def played(self, pcm: bytes, started_at: float) -> None:
        """Nothing to cancel."""

    def reset(self) -> None:
        """No state."""


def build_front_end(settings: FrontEndSettings | None = None,
                    clock: Callable[[], float] = time.monotonic) -> FrontEnd:
    """The configured front end; `clock` must be the clock the speaker stamps `played()` with."""
    settings = settings or FrontEndSettings()
    if settings.vad == "none":
        return PassthroughFrontEnd()
    echo = (SpeexEchoCanceller(clock, settings.echo_tail_ms / 1000, settings.echo_lead_ms / 1000)
            if settings.echo == "speex" else None)
    denoiser = make_denoiser(settings.denoise, settings.auto_gain_dbfs, settings.noise_suppression)
    _LOGGER.info("front end: echo=%s denoise=%s vad=%s", settings.echo, settings.denoise, settings.vad)
    return SpeechFrontEnd(make_vad(settings.vad), denoiser, echo, settings.denoised_to_recogniser)
