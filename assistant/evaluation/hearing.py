"""Run corpus samples through a real recogniser, as a listening step would, and score what it decided.

A front end (noise suppression, VAD, echo cancellation) plugs in as `frontend`: a callable applied to
every 30 ms frame before the recogniser (identity by default). `as_frontend` adapts an object with
`process(frame) -> Processed(pcm, speech_probability)` (assistant/frontend/).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from assistant.audio.base import FRAME_BYTES, SAMPLE_RATE, SAMPLE_WIDTH
from assistant.evaluation import audio
from assistant.evaluation.corpus import CHOICE_OPTIONS, KIND_TARGETS, Sample
from assistant.intents import IntentMatcher, normalise, rating
from assistant.interpret import GLOBAL_COMMANDS, KIND_INTENTS, SENTINEL_INTENTS
from assistant.stt.base import Recognizer, Utterance
from assistant.timeout.bargein import BARGE_IN_INTENTS

Frontend = Callable[[bytes], bytes]
NO_SCORE = -1.0
"""Score of a sample whose decoding never produced the intent in question (a miss at every threshold)."""


def identity(frame: bytes) -> bytes:
    """The default front end: frames go to the recogniser unchanged."""
    return frame


def as_frontend(processor: Any) -> Frontend:
    """Wrap a front-end object with `process(frame) -> Processed(pcm, ...)` as a frame callable."""
    return lambda frame: bytes(processor.process(frame).pcm)


@dataclass(frozen=True)
class Observation:
    """What the recogniser made of one sample, in its kind's listening setup."""

    sample: Sample
    intent: str | None
    """Intent of the best-scoring utterance, None when nothing meant anything."""
    score: float
    """Its acceptance score (Utterance.confidence); NO_SCORE when there was none."""
    correct: bool
    """The intent (and rating value) is what the sample means."""
    text: str
    decision_delay_s: float | None
    """Audio time from the true end of speech to the utterance's endpoint, plus the CPU time of the
    frame that returned it: when the engine decided, measured from the end of speech in the audio."""
    decode_s: float
    """CPU wall time spent in the recogniser for the whole sample."""
    raw_scores: tuple[tuple[str, float], ...] = ()
    """Engine-specific raw scores of the chosen utterance (to compare scoring methods)."""

    @property
    def positive(self) -> bool:
        """The sample means an intent (else it is a distractor that must not be taken)."""
        return self.sample.item.expected is not None

    def accepted(self, threshold: float) -> bool:
        """Taken at `threshold`: an intent with score at or above it."""
        return self.intent is not None and self.score >= threshold

    def hit(self, threshold: float) -> bool:
        """A positive understood correctly at `threshold`."""
        return self.positive and self.correct and self.accepted(threshold)


def grammar(kind: str, matcher: IntentMatcher) -> list[str] | None:
    """Phrases a step of this kind listens for (None: free text), as the interpreter builds them."""
    if kind == "free":
        return None
    if kind == "barge_in":  # what the watcher listens for while the assistant speaks
        return list(dict.fromkeys(matcher.phrases_for(BARGE_IN_INTENTS)))
    phrases = matcher.phrases_for([*GLOBAL_COMMANDS, *KIND_INTENTS.get(kind, ())])
    if kind == "choice":
        phrases += [normalise(p) for options in CHOICE_OPTIONS.values() for p in options]
    return list(dict.fromkeys(phrases))


def meaning(text: str, kind: str, matcher: IntentMatcher) -> tuple[str | None, int | None]:
    """Intent (and rating) of `text` in a step of `kind`."""
    if kind == "free":
        return matcher.match(text, set(SENTINEL_INTENTS)), None
    intent = matcher.match(text, set(GLOBAL_COMMANDS) | set(KIND_INTENTS.get(kind, ())))
    if intent is None and kind == "choice":
        said = normalise(text)
        intent = next((key for key, options in CHOICE_OPTIONS.items() if said in options), None)
    return intent, rating(text) if intent == "rating" else None


def observe(recognizer: Recognizer, sample: Sample, matcher: IntentMatcher,
            frontend: Frontend = identity) -> Observation:
    """Decode one sample and keep the best-scoring meaningful utterance."""
    kind = sample.item.kind
    phrases = grammar(kind, matcher)
    sentinel = matcher.phrases_for(SENTINEL_INTENTS) if phrases is None else []
    recognizer.set_phrases(phrases, sentinel)
    pcm = audio.render(sample)
    end_s = audio.speech_end_s(sample)
    heard: list[tuple[Utterance, float, dict[str, float]]] = []
    spent = 0.0
    for offset in range(0, len(pcm), FRAME_BYTES):
        frame = frontend(pcm[offset:offset + FRAME_BYTES])
        began = time.perf_counter()
        got = recognizer.accept(frame)
        took = time.perf_counter() - began
        spent += took
        if got is not None:
            fed = (offset + len(frame)) / (SAMPLE_RATE * SAMPLE_WIDTH)
            heard.append((got, fed - end_s + took, dict(getattr(recognizer, "last_scores", {}))))
    began = time.perf_counter()
    last = recognizer.flush()
    spent += time.perf_counter() - began
    if last is not None:
        heard.append((last, len(pcm) / (SAMPLE_RATE * SAMPLE_WIDTH) - end_s,
                      dict(getattr(recognizer, "last_scores", {}))))
    return best_of(sample, heard, kind, matcher, spent)


def best_of(sample: Sample, heard: list[tuple[Utterance, float, dict[str, float]]], kind: str,
          matcher: IntentMatcher, spent: float) -> Observation:
    """The observation of `sample` from what was heard: its best-scoring meaningful utterance (each with its
    decision delay and raw scores), else the first utterance heard, meaning nothing."""
    best: tuple[float, str | None, bool, str, float | None] = (NO_SCORE, None, False, "", None)
    raw: dict[str, float] = {}
    for utterance, delay, scores in heard:
        text, score = utterance.text, utterance.confidence  # a spotted sentinel arrives as the text
        intent, value = meaning(text, kind, matcher)
        if intent is None:
            continue
        correct = intent == sample.item.expected and (sample.item.rating is None or value == sample.item.rating)
        if score > best[0]:
            best, raw = (score, intent, correct, text, delay), scores
    if best[1] is None and heard:
        best = (NO_SCORE, None, False, heard[0][0].text, heard[0][1])
    return Observation(sample, best[1], best[0], best[2], best[3], best[4], spent, tuple(sorted(raw.items())))


def observe_all(make: Callable[[], Recognizer], samples: Iterable[Sample], matcher: IntentMatcher | None = None,
                frontend: Frontend = identity, progress: Callable[[int], None] | None = None) -> list[Observation]:
    """Observe every sample with one recogniser built once (as a process would)."""
    matcher = matcher or IntentMatcher.load()
    recognizer = make()
    found = []
    for index, sample in enumerate(samples):
        found.append(observe(recognizer, sample, matcher, frontend))
        if progress is not None:
            progress(index)
    return found


def rates(observations: list[Observation], threshold: float) -> tuple[float, float, int, int]:
    """(miss rate over positives, false-accept rate over distractors, positives, distractors)."""
    positives = [o for o in observations if o.positive]
    negatives = [o for o in observations if not o.positive]
    miss = sum(not o.hit(threshold) for o in positives) / len(positives) if positives else math.nan
    false = sum(o.accepted(threshold) for o in negatives) / len(negatives) if negatives else math.nan
    return miss, false, len(positives), len(negatives)


def kinds_of(observations: list[Observation]) -> list[str]:
    """The listening kinds present, in KIND_TARGETS order."""
    present = {o.sample.item.kind for o in observations}
    return [kind for kind in KIND_TARGETS if kind in present]
