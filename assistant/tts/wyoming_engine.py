"""Text-to-speech through a Wyoming service (e.g. wyoming-piper), with the local engine behind it.

WyomingSynthesizer: Synthesize -> AudioStart, AudioChunk..., AudioStop, converted to 16 kHz mono.
FallbackSynthesizer: uses it while it works; on a fault prints one line, renders the same line locally
(pyttsx3 worker) and probes the service in the background, going back to it on the next line once it answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.tts import Synthesize, SynthesizeVoice

from assistant.audio.base import Clip
from assistant.audio.convert import to_internal
from assistant.stt.fallback import stderr_line
from assistant.tts.base import Synthesizer
from assistant.wyoming_client import Connection, Reprobe, ServiceError, describe

_LOGGER = logging.getLogger(__name__)


class WyomingSynthesizer:
    """Synthesizer over Wyoming; one connection per line, each read bounded by `timeout_s`."""

    name = "wyoming"

    def __init__(self, uri: str, timeout_s: float = 10.0, voice: str | None = None) -> None:
        self.uri, self.timeout_s, self.voice = uri, timeout_s, voice

    def stream(self, text: str) -> Iterator[bytes]:
        """16 kHz mono chunks as they arrive; raises ServiceError."""
        connection = Connection(self.uri, self.timeout_s)
        try:
            voice = SynthesizeVoice(name=self.voice) if self.voice else None
            connection.send(Synthesize(text=text, voice=voice))
            start = AudioStart.from_event(connection.receive(AudioStart.is_type, "AudioStart"))
            while True:
                event = connection.receive(lambda kind: AudioChunk.is_type(kind) or AudioStop.is_type(kind),
                                           "audio")
                if AudioStop.is_type(event.type):
                    return
                chunk = AudioChunk.from_event(event)
                yield to_internal(chunk.audio, chunk.rate or start.rate, chunk.width or start.width,
                                  chunk.channels or start.channels)
        except (KeyError, TypeError, ValueError) as exc:
            raise ServiceError(f"the Wyoming service at {self.uri} sent unreadable audio ({exc})") from exc
        finally:
            connection.close()

    def synthesize(self, text: str, dialog_id: str = "") -> Clip:
        if not text.strip():
            return Clip(b"", text, dialog_id)
        return Clip(b"".join(self.stream(text)), text, dialog_id)

    def check(self) -> None:
        describe(self.uri, self.timeout_s)

    def close(self) -> None:
        """Nothing stays open between lines."""


class FallbackSynthesizer:
    """Synthesizer that uses `primary` while it works and `make_local()` (built on first need) otherwise."""

    def __init__(self, primary: WyomingSynthesizer, make_local: Callable[[], Synthesizer], reprobe: Reprobe,
                 notify: Callable[[str], None] = stderr_line) -> None:
        self.primary, self.reprobe, self.notify = primary, reprobe, notify
        self._make_local = make_local
        self._local: Synthesizer | None = None
        self.using_service = True
        self.fallbacks = 0
        try:
            primary.check()
        except ServiceError as exc:
            self._fall_back(exc)

    def _local_engine(self) -> Synthesizer:
        if self._local is None:
            self._local = self._make_local()
        return self._local

    def _fall_back(self, exc: ServiceError) -> None:
        self.notify(f"Voice service problem: {exc}. Using the local voice; retrying the service in the background.")
        self.using_service = False
        self.fallbacks += 1
        self.reprobe.start()

    def synthesize(self, text: str, dialog_id: str = "") -> Clip:
        if not self.using_service and self.reprobe.back.is_set():
            self.notify(f"Voice service back: using the Wyoming service at {self.primary.uri} again.")
            self.using_service = True
        if self.using_service:
            try:
                return self.primary.synthesize(text, dialog_id)
            except ServiceError as exc:
                self._fall_back(exc)
        return self._local_engine().synthesize(text, dialog_id)

    def close(self) -> None:
        self.reprobe.stop()
        if self._local is not None:
            self._local.close()
