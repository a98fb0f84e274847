"""Listening: audio source -> speech front end + endpointer (SpeechGate) -> recogniser -> one utterance.

The gate cleans every frame (echo cancellation, noise suppression), scores it with a trained VAD and
decides where speech starts and ends for the listening kind. The recogniser decodes only what the gate
feeds it (the onset's pre-roll, then every frame of the utterance), so idle listening costs the front end
alone; the gate's END ends the utterance (`flush()`), whichever engine decodes it. An engine that ends an
utterance earlier by its own endpointing is taken as it is.

Time is audio time: seconds of frames read, so a scripted source with a virtual clock and a live
microphone behave the same. A live source is drained continuously through the front end by a reader
thread (FrontEndStream), so the device never overflows and the echo canceller sees every frame.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.audio.base import FRAME_BYTES, AudioSource, ListenRequest, duration_of
from assistant.clock import Clock
from assistant.frontend import Event, FrontEndSettings, SpeechGate, build_front_end
from assistant.frontend.gate import GateStep
from assistant.frontend.stream import FrontEndStream
from assistant.listening import Heard
from assistant.stt.base import DecodesEarly, Recognizer, Utterance
from assistant.stt.complete import CompletePhrase, listed_intents

_LOGGER = logging.getLogger(__name__)

FRAME_S = duration_of(bytes(FRAME_BYTES))


@dataclass(frozen=True)
class EndTimes:
    """Where the last utterance's end was decided (for the felt-latency bench's stages)."""

    speech_end_s: float | None
    """Audio seconds from the listen's first frame to the end of the VAD's last foreground speech frame."""
    decided_at: float
    """Clock time the end was decided (the hang-over ran out, or the early end on a complete phrase)."""
    decoded_at: float
    """Clock time the recogniser's final decode returned."""
    early: bool
    """True when a complete in-grammar phrase ended the listen before the full hang-over."""


def default_gate() -> SpeechGate:
    """The configured front end without echo cancellation (nothing is played by whoever builds a bare
    Listener); the pipeline factory builds the process's one gate from the settings instead."""
    return SpeechGate(build_front_end(FrontEndSettings(echo="none")))


class Listener:
    """Hearing through a recogniser (an assistant.listening.Listening): one utterance per `listen` call.

    `full_duplex`: the front end cancels the assistant's own voice, so audio heard while it spoke is kept
    (and passes through the canceller, which needs it continuous) instead of being discarded.
    A live source (`source.live`) is wrapped in a FrontEndStream over the gate's front end, now and
    whenever `source` is replaced (a reopened microphone).
    """

    def __init__(self, source: AudioSource, recognizer: Recognizer, clock: Clock, *,
                 gate: SpeechGate | None = None, silence_timeout_s: float = 8.0,
                 max_utterance_s: float = 45.0, full_duplex: bool = False) -> None:
        self.recognizer = recognizer
        self.clock = clock
        self.gate = gate or default_gate()
        self.source = source
        self.silence_timeout_s = silence_timeout_s
        self.max_utterance_s = max_utterance_s
        self.full_duplex = full_duplex
        self._phrases: tuple[tuple[str, ...] | None, tuple[str, ...]] | None = None
        self._complete: CompletePhrase | None = None
        self.last_end: EndTimes | None = None
        """Timing of the last utterance that ended (see EndTimes)."""
        self._kind = "command"
        self._utterance_frames = 0
        self._early = self._taken_back_here = False
        self.early_decodes = 0
        """Free answers decoded before their end was decided (`free_decode_after_ms`), and of those..."""
        self.taken_back = 0
        """...how many had to be decoded again because speech resumed."""
        self._audio = bytearray()
        self.utterance_audio = b""
        """The audio the recogniser was fed for the last utterance that ended."""
        self._overflows_seen = 0
        self.frames_decoded = 0
        """Frames handed to the recogniser since creation (the gate's effect is visible here)."""

    @property
    def source(self) -> AudioSource:
        return self._source

    @source.setter
    def source(self, source: AudioSource) -> None:
        if getattr(source, "live", False) and not isinstance(source, FrontEndStream):
            source = FrontEndStream(source, self.gate.front_end)
        self._source = source

    def set_phrases(self, phrases: Sequence[str] | None, sentinel: Sequence[str] = ()) -> None:
        """Switch the recogniser's phrase list (and free-text sentinel phrases) when they change."""
        key = (tuple(phrases) if phrases is not None else None, tuple(sentinel))
        if key != self._phrases:
            self.recognizer.set_phrases(list(phrases) if phrases is not None else None, list(sentinel))
            self._phrases = key
            self._complete = CompletePhrase(phrases, listed_intents()) if phrases else None

    # -- the per-frame path, shared by `listen` and the barge-in watcher ----------------------------------
    def begin(self, kind: str) -> None:
        """Start hearing one utterance of listening `kind` (its hang-over); the echo path is kept."""
        self._kind = kind
        self.recognizer.reset()
        self.gate.begin(kind, reset_front=not isinstance(self._source, FrontEndStream))
        self._utterance_frames = 0
        self._early = self._taken_back_here = False
        self._audio = bytearray()

    @property
    def in_speech(self) -> bool:
        """True between the gate's ONSET and its END."""
        return self.gate.endpointer.in_speech and not self.gate.endpointer.ended

    def push(self, frame: bytes) -> Utterance | None:
        """One microphone frame through the gate and the recogniser; the utterance when it ended.

        After an END (with or without an utterance) the gate starts over for the same kind.
        """
        return self._advance(self.gate.push(frame))

    def step(self) -> tuple[float, Utterance | None]:
        """Read the next frame from the source and push it: (its seconds, 0.0 when there was none; the
        utterance when it ended). A drained live source hands over frames its thread already processed."""
        if isinstance(self._source, FrontEndStream):
            out = self._source.read_processed()
            if out is None:
                return 0.0, None
            return duration_of(out.pcm), self._advance(self.gate.push_processed(out))
        frame = self._source.read()
        if frame is None:
            return 0.0, None
        return duration_of(frame), self.push(frame)

    def _advance(self, step: GateStep) -> Utterance | None:
        result = self._feed(step.feed) if step.feed else None
        if self.in_speech:
            self._utterance_frames += 1
            self._decode_early()
        early = result is None and step.event is not Event.END and self._complete_phrase()
        ended = early or step.event is Event.END or self._utterance_frames * FRAME_S > self.max_utterance_s
        if result is None and not ended:
            return None
        speech_end_s, decided_at = self.gate.endpointer.speech_end_s, self.clock.monotonic()
        if result is None:
            result = self.recognizer.flush()
        self.last_end = EndTimes(speech_end_s, decided_at, self.clock.monotonic(), early)
        self.utterance_audio = bytes(self._audio)
        self.begin(self._kind)
        return result

    def _decode_early(self) -> None:
        """Free text: once the partner has been silent `free_decode_after_ms`, have the recogniser decode the
        answer as it stands while the hang-over runs on; if speech resumes, it takes that back (decoding the
        answer so far again). Once per answer: after a take-back the answer is decoded after its end, so a long
        answer under babble, whose pauses keep resuming, costs at most one decode more."""
        after, recognizer = self.gate.settings.free_decode_after_ms, self.recognizer
        if not after or self._phrases is None or self._phrases[0] is not None \
                or not isinstance(recognizer, DecodesEarly):
            return
        silence = self.gate.endpointer.silence_ms
        if self._early and not silence:
            recognizer.take_back()
            self._early, self._taken_back_here = False, True
            self.taken_back += 1
        elif not (self._early or self._taken_back_here) and silence >= after:
            self._early = recognizer.finish_early() is not None
            self.early_decodes += self._early

    def _complete_phrase(self) -> bool:
        """Early endpointing: a closed step, `early_hangover_ms` of silence whose last `early_quiet_ms` are at the
        room's own level, and the grammar's best hypothesis a complete listed phrase (stt/complete.py)."""
        settings, endpointer = self.gate.settings, self.gate.endpointer
        if self._complete is None or not settings.early_hangover_ms or not self.in_speech:
            return False
        if endpointer.silence_ms < settings.early_hangover_ms or endpointer.quiet_ms < settings.early_quiet_ms:
            return False
        return self._complete.complete(self.recognizer.partial())

    def _feed(self, pcm: bytes) -> Utterance | None:
        result = None
        self._audio += pcm
        for offset in range(0, len(pcm), FRAME_BYTES):
            self.frames_decoded += 1
            got = self.recognizer.accept(pcm[offset:offset + FRAME_BYTES])
            result = result or got
        return result

    # -- one listen ---------------------------------------------------------------------------------------
    def listen(self, request: ListenRequest, timeout_s: float | None = None) -> Heard | None:
        """Wait for one utterance; None after `timeout_s` (default: the silence timeout) without speech.

        The timeout bounds the wait for speech to start; an utterance under way may run to
        `max_utterance_s`, after which it is ended where it is.
        """
        timeout_s = self.silence_timeout_s if timeout_s is None else timeout_s
        self.set_phrases(request.phrases or None, request.sentinel if not request.phrases else ())
        if not self.full_duplex or self._lost_audio():
            self.source.discard_pending()
        else:
            self._drop_unwatched_echo()
        self.begin(request.kind)
        self.source.begin(request)
        live = bool(getattr(self.source, "live", False))
        started = self.clock.monotonic()
        heard_s = 0.0
        while True:
            seconds, result = self.step()
            if not seconds:
                if not live:
                    return self._end_of_input(started, timeout_s)
                if self.clock.monotonic() - started >= timeout_s and not self.in_speech:
                    return None
                continue
            heard_s += seconds
            if result is not None:
                return Heard(result, self.clock.monotonic(), heard_s, self.utterance_audio)
            if heard_s >= timeout_s and not self.in_speech:
                return None

    def _drop_unwatched_echo(self) -> None:
        """Full duplex keeps what was heard before this listen, except what the room heard while the speaker
        played: only the barge-in watcher, which knows the line, may take words from under the assistant's
        voice; unwatched, the canceller's residue of a line would be decoded as (part of) an answer."""
        until = getattr(self.gate.front_end, "speaking_until", None)
        if until is not None and isinstance(self._source, FrontEndStream):
            self._source.discard_before(until)

    def _lost_audio(self) -> bool:
        """True when the source dropped audio since the last listen (nobody read it through a long line): what
        is buffered no longer lines up with the speaker's reference, so it is dropped as half-duplex would."""
        overflows = getattr(self.source, "overflows", 0)
        lost, self._overflows_seen = overflows != self._overflows_seen, overflows
        return lost

    def _end_of_input(self, started: float, timeout_s: float) -> Heard | None:
        """A finite source ran out: finish the utterance, or let the rest of the timeout pass silently."""
        if self.in_speech:
            result = self.recognizer.flush()
            self.utterance_audio = bytes(self._audio)
            self.begin(self._kind)
            if result is not None:
                return Heard(result, self.clock.monotonic(), self.clock.monotonic() - started, self.utterance_audio)
        remaining = timeout_s - (self.clock.monotonic() - started)
        self.clock.sleep(max(0.0, remaining))
        return None
