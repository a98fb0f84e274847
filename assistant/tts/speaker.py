"""`FallbackSpeaker`: say a line through a sink (streamed when both ends can), or print it when TTS fails."""

from __future__ import annotations

import logging

from assistant.audio.base import AudioSink, Clip, Playback
from assistant.audio.sinks import TextSink
from assistant.tts.base import Synthesizer, TTSError
from assistant.tts.stream import SpeechStream, StreamingSink, StreamingSynthesizer

_LOGGER = logging.getLogger(__name__)


class FallbackSpeaker:
    """`say(text)`: speak through `sink`; when TTS fails, print through `text_sink` instead.

    With a StreamingSynthesizer and a StreamingSink the first chunk goes to the sink as soon as it is
    rendered; otherwise the sink gets the whole clip. After the first TTSError (or a line cut short by
    one) the speaker stays in text mode (`degraded`) for the rest of the session, so a broken engine
    costs its timeout once, not on every line; `retry_speech()` clears that.
    """

    def __init__(self, synthesizer: Synthesizer | StreamingSynthesizer, sink: AudioSink,
                 text_sink: AudioSink | None = None) -> None:
        self.synthesizer = synthesizer
        self.sink = sink
        self.text_sink = text_sink or TextSink()
        self.degraded = False
        self._last: SpeechStream | None = None

    def say(self, text: str, dialog_id: str = "") -> Playback:
        if self._last is not None and self._last.error is not None:
            self._degrade(self._last.error)
        if not self.degraded:
            try:
                return self._speak(text, dialog_id)
            except TTSError as exc:
                self._degrade(exc)
        return self.text_sink.play(Clip(b"", text, dialog_id))

    def _speak(self, text: str, dialog_id: str) -> Playback:
        if not isinstance(self.synthesizer, StreamingSynthesizer):
            return self.sink.play(self.synthesizer.synthesize(text, dialog_id))
        stream = self._last = self.synthesizer.stream(text, dialog_id)
        if isinstance(self.sink, StreamingSink):
            stream.wait_first()  # raises when the line failed before any audio
            return self.sink.play_stream(stream)
        return self.sink.play(stream.clip())

    def _degrade(self, exc: TTSError) -> None:
        self._last = None
        if not self.degraded:
            self.degraded = True
            _LOGGER.warning("text-to-speech unavailable (%s); printing what the assistant says", exc)

    def retry_speech(self) -> None:
        self.degraded = False

    def close(self) -> None:
        self.synthesizer.close()
        self.sink.close()
