"""Corpus samples heard as `run` hears them: a streaming source -> the front end, endpointer and per-kind hang-over
that `pipeline.listener` builds from the settings -> the recogniser it builds -> `Listener.listen`.

One listener per process, as a process keeps one (the suppressor's and the canceller's state carry over from
sample to sample). A barge-in sample (the partner over the assistant's own voice) hands the canceller the exact
samples of that voice, as the speaker does through `played()`. Time is the virtual clock the source advances,
so the echo canceller's two timelines meet and a listen's timeout costs nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from assistant import pipeline
from assistant.audio.base import FRAME_BYTES, ListenRequest, duration_of
from assistant.audio.sources import frame_at
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.evaluation import audio
from assistant.evaluation.corpus import Sample
from assistant.evaluation.hearing import Observation, best_of, grammar
from assistant.intents import IntentMatcher
from assistant.interpret import SENTINEL_INTENTS
from assistant.listener import Listener
from assistant.simulate import acoustics
from assistant.stt.base import DecodesEarly, Recognizer, Utterance


class ClipSource:
    """One clip after another, read frame by frame on a virtual clock; `begin` does not skip audio, so a
    second listen goes on where the first ended (a clip may hold more than one utterance)."""

    live = False

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.pcm = b""
        self.offset = 0

    def load(self, pcm: bytes) -> None:
        """The next clip, read from its start."""
        self.pcm, self.offset = pcm, 0

    @property
    def position_s(self) -> float:
        """Audio seconds of the current clip read so far."""
        return duration_of(bytes(min(self.offset, len(self.pcm))))

    def begin(self, request: ListenRequest) -> None:
        """Nothing to select: the clip goes on."""

    def read(self) -> bytes | None:
        if self.offset >= len(self.pcm):
            return None
        frame = frame_at(self.pcm, self.offset)
        self.offset += FRAME_BYTES
        self.clock.advance(duration_of(frame))
        return frame

    def discard_pending(self) -> None:
        """Nothing is buffered."""

    def close(self) -> None:
        self.pcm, self.offset = b"", 0


class TimedRecognizer:
    """The recogniser with the CPU time of its calls added up (the bench's decode cost and decision delay)."""

    def __init__(self, inner: Recognizer) -> None:
        self.inner = inner
        self.spent_s = 0.0
        self.last_s = 0.0
        """Time of the last accept/flush call (the one that returned the utterance, when it did)."""

    @contextmanager
    def _timed(self) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self.last_s = time.perf_counter() - began
            self.spent_s += self.last_s

    def accept(self, pcm: bytes) -> Utterance | None:
        with self._timed():
            return self.inner.accept(pcm)

    def flush(self) -> Utterance | None:
        with self._timed():
            return self.inner.flush()

    def finish_early(self) -> Utterance | None:
        """The engine's decode during the hang-over (stt.base.DecodesEarly), timed; None when it has none."""
        with self._timed():
            return self.inner.finish_early() if isinstance(self.inner, DecodesEarly) else None

    def take_back(self) -> None:
        with self._timed():
            if isinstance(self.inner, DecodesEarly):
                self.inner.take_back()

    def set_phrases(self, phrases: Sequence[str] | None, sentinel: Sequence[str] = ()) -> None:
        self.inner.set_phrases(phrases, sentinel)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class LiveHearing:
    """The `run` pipeline's hearing half over corpus clips."""

    def __init__(self, settings: Settings, engine: str = "pocketsphinx") -> None:
        self.settings = settings
        self.clock = VirtualClock()
        self.source = ClipSource(self.clock)
        self.listener: Listener = pipeline.listener(self.source, settings, self.clock, engine=engine)
        self.recognizer = TimedRecognizer(self.listener.recognizer)
        self.listener.recognizer = self.recognizer

    def observe(self, sample: Sample, matcher: IntentMatcher) -> Observation:
        """Listen to one sample until its audio ends; the best meaningful utterance, as the bench keeps it."""
        kind = sample.item.kind
        phrases = grammar(kind, matcher)
        sentinel = matcher.phrases_for(SENTINEL_INTENTS) if phrases is None else []
        request = ListenRequest(kind, "bench", tuple(phrases or ()), tuple(sentinel))
        if sample.condition.noise == "assistant":
            speech, voice = audio.components(sample)
            pcm = acoustics.pcm_of(speech + voice)
            self.listener.gate.front_end.played(acoustics.pcm_of(voice), self.clock.monotonic())
        else:
            pcm = audio.render(sample)
        self.source.load(pcm)
        end_s = audio.speech_end_s(sample)
        spent = self.recognizer.spent_s
        heard: list[tuple[Utterance, float, dict[str, float]]] = []
        while self.source.offset < len(pcm):
            got = self.listener.listen(request, timeout_s=duration_of(pcm))
            if got is not None:
                delay = self.source.position_s - end_s + self.recognizer.last_s
                heard.append((got.utterance, delay, dict(getattr(self.recognizer.inner, "last_scores", {}))))
        return best_of(sample, heard, kind, matcher, self.recognizer.spent_s - spent)


def observe_live(settings: Settings, samples: Iterable[Sample], engine: str = "pocketsphinx",
                 matcher: IntentMatcher | None = None,
                 progress: Callable[[int], None] | None = None) -> list[Observation]:
    """Observe every sample through one live hearing path built from `settings`."""
    matcher = matcher or IntentMatcher.load()
    hearing = LiveHearing(settings, engine)
    found = []
    for index, sample in enumerate(samples):
        found.append(hearing.observe(sample, matcher))
        if progress is not None:
            progress(index)
    return found
