"""Speech-to-text through a Wyoming service (e.g. wyoming-faster-whisper on the home server).

Audio streams out frame by frame as the partner speaks (Transcribe, AudioStart, AudioChunk...); a local
VAD finds the end of speech (Whisper services need an external VAD), then AudioStop, and the Transcript
comes back. Failures raise ServiceError; FallbackRecognizer (stt/fallback.py) hands the turn to the local
engine.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence

from pocketsphinx import Vad
from wyoming.asr import Transcribe, Transcript
from wyoming.audio import AudioChunk, AudioStart, AudioStop

from assistant import paths
from assistant.audio.base import SAMPLE_RATE, SAMPLE_WIDTH, Rechunker
from assistant.intents import IntentMatcher, _strip_fillers, normalise
from assistant.paraphrase import Paraphrases, wording
from assistant.stt.base import Utterance, feed_frames
from assistant.stt.complete import listed_intents
from assistant.wyoming_client import Connection, ServiceError

_LOGGER = logging.getLogger(__name__)

START_FRAMES, PREROLL_FRAMES = 3, 10
"""Speech frames in a row (30 ms each) that open an utterance; frames sent from before the start."""
LISTED, UNLISTED, FREE = 1.0, 0.0, 1.0
"""Wyoming transcripts carry no score: a transcript the intent matcher maps to a listed phrase, or that words one
otherwise (assistant/paraphrase.py; its meaning is then the interpreter's to read), counts as heard (1.0), any
other as out of grammar (0.0); free text is the service's own decision (1.0)."""


def _phrase_matcher(phrases: Sequence[str]) -> IntentMatcher:
    """The intent matcher over the listed phrases, each its own intent; phrasings the matcher itself takes
    for one ("yes" and "yes please", fillers aside) share the first one's."""
    groups: dict[str, list[str]] = {}
    for phrase in phrases:
        groups.setdefault(_strip_fillers(normalise(phrase)), []).append(phrase)
    return IntentMatcher({group[0]: group for key, group in groups.items() if key})


def _by_intent(phrases: Sequence[str]) -> dict[str, list[str]]:
    """The listed phrases grouped by the intent commands.yaml gives them (a phrase of none, e.g. a choice
    option, alone), so a paraphrase may use any word of its intent's phrasings, as the interpreter allows."""
    intent_of = listed_intents()
    groups: dict[str, list[str]] = {}
    for phrase in phrases:
        groups.setdefault(intent_of(phrase) or phrase, []).append(phrase)
    return groups


class WyomingRecognizer:
    """Recognizer protocol over Wyoming; one connection per utterance, bounded by `timeout_s`."""

    name = "wyoming"

    def __init__(self, uri: str, timeout_s: float = 5.0, trailing_silence_s: float = 0.6,
                 language: str | None = "en") -> None:
        self.uri, self.timeout_s, self.language = uri, timeout_s, language
        self._vad = Vad(mode=Vad.LOOSE, sample_rate=SAMPLE_RATE)
        self._frame_bytes: int = self._vad.frame_bytes
        self._frame_s = self._frame_bytes / (SAMPLE_RATE * SAMPLE_WIDTH)
        self._end_frames = max(1, round(trailing_silence_s / self._frame_s))
        self._matcher: IntentMatcher | None = None
        self._paraphrases: Paraphrases | None = None
        self._connection: Connection | None = None
        self._preroll: deque[bytes] = deque(maxlen=PREROLL_FRAMES)
        self._chunker = Rechunker(self._frame_bytes)
        self._frames = self._speech_run = self._silence_run = 0
        self._start = self._last_speech = 0.0

    def set_phrases(self, phrases: Sequence[str] | None, sentinel: Sequence[str] = ()) -> None:
        """Remember the phrase list; the service always transcribes free text (sentinels need no pass)."""
        self._matcher = _phrase_matcher(phrases) if phrases else None
        words = wording(paths.dialogs_dir()) if phrases else None
        self._paraphrases = Paraphrases(_by_intent(phrases or ()), words) if words else None

    def accept(self, pcm: bytes) -> Utterance | None:
        return feed_frames(self._chunker, pcm, self._frame)

    def _frame(self, frame: bytes) -> Utterance | None:
        self._frames += 1
        now = self._frames * self._frame_s
        speech = self._vad.is_speech(frame)
        if self._connection is None:
            self._preroll.append(frame)
            self._speech_run = self._speech_run + 1 if speech else 0
            if self._speech_run >= START_FRAMES:
                self._open(now - len(self._preroll) * self._frame_s)
            return None
        self._send(frame)
        if speech:
            self._silence_run, self._last_speech = 0, now
            return None
        self._silence_run += 1
        return self._finish() if self._silence_run >= self._end_frames else None

    def _open(self, start: float) -> None:
        self._connection = Connection(self.uri, self.timeout_s)
        self._start = self._last_speech = start
        self._silence_run = 0
        self._connection.send(Transcribe(language=self.language))
        self._connection.send(AudioStart(rate=SAMPLE_RATE, width=SAMPLE_WIDTH, channels=1))
        for frame in self._preroll:
            self._send(frame)
        self._preroll.clear()

    def _send(self, frame: bytes) -> None:
        assert self._connection is not None
        self._connection.send(AudioChunk(rate=SAMPLE_RATE, width=SAMPLE_WIDTH, channels=1, audio=frame))

    def _finish(self) -> Utterance:
        connection, self._connection = self._connection, None
        assert connection is not None
        try:
            connection.send(AudioStop())
            event = connection.receive(Transcript.is_type, "Transcript")
        finally:
            connection.close()
        self._speech_run = 0
        return self._utterance(Transcript.from_event(event).text)

    def _utterance(self, transcript: str) -> Utterance:
        """Lower-case words; with a phrase list, the listed phrase the intent matcher maps them to, or the words
        as said when they paraphrase a listed phrase."""
        text, confidence = normalise(transcript), FREE
        if self._matcher is not None:
            listed = self._matcher.match(text)
            worded = listed is None and self._paraphrases is not None and self._paraphrases.worded(text)
            text, confidence = (listed, LISTED) if listed else (text, LISTED if worded else UNLISTED)
        return Utterance(text, confidence, self._start, self._last_speech)

    def flush(self) -> Utterance | None:
        if self._connection is None:
            self.reset()
            return None
        result = self._finish()
        self.reset()
        return result

    def reset(self) -> None:
        """Forget the current utterance: the open connection (if any) is closed without a transcript."""
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
        self._preroll.clear()
        self._chunker.clear()
        self._speech_run = self._silence_run = 0

    def close(self) -> None:
        self.reset()

    def check(self) -> None:
        """Raise ServiceError unless the service answers Describe with Info in time."""
        from assistant.wyoming_client import describe

        describe(self.uri, self.timeout_s)


__all__ = ["ServiceError", "WyomingRecognizer"]
