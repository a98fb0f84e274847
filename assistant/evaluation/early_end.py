"""Early endpointing on the hearing corpus: what a shorter pause after a complete phrase gains and costs.

Each closed-step sample (command, yes/no, rating, choice, ready) goes through the live path's own parts, in
one process as `run` builds them: the front end without echo (webrtc suppressor, silero VAD), the endpointer
with the settings' hang-overs, the factory's pocketsphinx recogniser and the Listener's early-end rule
(assistant/stt/complete.py), once per candidate (early_hangover_ms, early_quiet_ms, early_quiet_margin_db);
0 ms is the rule off, the full hang-over.
Continuation samples test the rule's risk: a listed short answer, a comma, then a time out or safety phrase of
the same split ("no, i don't feel safe"): ended at the comma, the phrase after it would be lost.

Clock: `delay_s` is audio time from the true end of speech (`speech_end_s`) to the frame that ended the
listen, plus the CPU time of that frame's work (the final decode included): when the listener decided.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from assistant.audio.base import FRAME_BYTES, SAMPLE_RATE, SAMPLE_WIDTH, ListenRequest
from assistant.clock import VirtualClock
from assistant.config import Settings, SpeechSettings
from assistant.evaluation import audio
from assistant.evaluation.audio import speech_end_s
from assistant.evaluation.corpus import Condition, Item, Sample, load_spec
from assistant.evaluation.hearing import grammar, meaning
from assistant.frontend import SpeechGate, build_front_end
from assistant.intents import IntentMatcher
from assistant.listener import Listener

CLOSED_KINDS = ("command", "yes_no", "rating", "choice", "ready")
"""Listening kinds with a phrase grammar: the early end applies to them only."""
CONTINUED_ANSWERS = {"yes_no": ("yes", "no"), "command": ("skip", "repeat"), "rating": ("four", "two")}
"""Short answers a continuation sample starts with, before the comma and the time out / safety phrase."""
DANGER_INTENTS = ("time_out", "safety")


@dataclass(frozen=True)
class EndTrial:
    """One sample heard with one early hang-over."""

    sample: Sample
    text: str
    """What the recogniser returned for the listen's first utterance ("" when none)."""
    intent: str | None
    correct: bool
    delay_s: float | None
    """True end of speech -> the listen's end (audio time + CPU of the deciding frame); None: never ended."""
    early: bool
    """The complete-phrase rule ended it."""
    cut: bool
    """It ended before the true end of speech (inside the answer)."""


def continuation_samples(split: str, samples: list[Sample]) -> list[Sample]:
    """"<short answer>, <time out / safety phrase of this split>" in the conditions of `samples`' first items."""
    inserts = load_spec()["sentinel_inserts"][split]
    found = []
    conditions = [s.condition for s in samples] or [Condition("en-us", 150, "clean", None)]
    index = 0
    for kind, answers in CONTINUED_ANSWERS.items():
        for answer in answers:
            for insert, meant in inserts.items():
                condition = conditions[index % len(conditions)]
                found.append(Sample(Item(f"{answer}, {insert}", kind, str(meant), "continuation"), condition,
                                    7919 * (index + 1)))
                index += 1
    return found


Candidate = tuple[int, int, float]
"""(early_hangover_ms, early_quiet_ms, early_quiet_margin_db); (0, ...) is the full hang-over."""


def label(candidate: Candidate) -> str:
    return f"{candidate[0]}/{candidate[1]}ms@{candidate[2]:g}dB" if candidate[0] else "full"


def make_listener(candidate: Candidate, settings: Settings | None = None) -> Listener:
    """The live path's listener parts with the candidate's early end (no echo: nothing is played)."""
    from assistant.stt.factory import create_recognizer

    settings = settings or Settings(speech=SpeechSettings(engine="pocketsphinx"))
    endpoint = settings.frontend.endpoint.model_copy(update={
        "early_hangover_ms": candidate[0], "early_quiet_ms": candidate[1], "early_quiet_margin_db": candidate[2]})
    front = build_front_end(settings.frontend.model_copy(update={"echo": "none"}))
    return Listener(_NoSource(), create_recognizer(settings), VirtualClock(), gate=SpeechGate(front, endpoint))


class _NoSource:
    """The listener is pushed frames directly here; it never reads a source."""

    live = False

    def read(self) -> bytes | None:
        return None

    def begin(self, request: ListenRequest) -> None:
        """Nothing to start."""

    def discard_pending(self) -> None:
        """Nothing buffered."""

    def close(self) -> None:
        """Nothing held."""


def trial(listener: Listener, sample: Sample, matcher: IntentMatcher) -> EndTrial:
    """Hear one sample as a closed step of its kind would: the first utterance that ends is the answer."""
    kind = sample.item.kind
    listener.set_phrases(grammar(kind, matcher))
    listener.begin(kind)
    pcm, end_s = audio.render(sample), speech_end_s(sample)
    pcm += bytes(-len(pcm) % FRAME_BYTES)  # whole frames, as a microphone delivers
    got, delay, early = None, None, False
    listener.last_end = None
    for offset in range(0, len(pcm), FRAME_BYTES):
        began = time.process_time()
        got = listener.push(pcm[offset:offset + FRAME_BYTES])
        if got is not None:  # an end with nothing recognised keeps listening, as Listener.listen does
            fed = (offset + FRAME_BYTES) / (SAMPLE_RATE * SAMPLE_WIDTH)
            delay = fed - end_s + time.process_time() - began
            early = bool(listener.last_end and listener.last_end.early)
            break
    if got is None:
        got = listener.recognizer.flush()
        listener.begin(kind)
    text = got.text if got is not None else ""
    intent, value = meaning(text, kind, matcher) if text else (None, None)
    correct = intent == sample.item.expected and (sample.item.rating is None or value == sample.item.rating)
    return EndTrial(sample, text, intent, correct, delay, early, delay is not None and delay < 0)


def sweep(samples: Iterable[Sample], candidates: Iterable[Candidate],
          progress: Callable[[str], None] | None = None) -> dict[str, list[EndTrial]]:
    """Every sample heard with every candidate (a fresh listener per candidate, as a process); by label."""
    matcher = IntentMatcher.load()
    chosen = list(samples)
    found: dict[str, list[EndTrial]] = {}
    for candidate in candidates:
        listener = make_listener(candidate)
        found[label(candidate)] = [trial(listener, sample, matcher) for sample in chosen]
        if progress is not None:
            progress(f"{label(candidate)}: {len(chosen)} samples")
    return found


def figures(trials: list[EndTrial], baseline: list[EndTrial]) -> dict[str, Any]:
    """Understood, cut inside speech, losses against the full hang-over, sentinel kept, delay p50/p95."""
    plain = [(t, b) for t, b in zip(trials, baseline, strict=True) if t.sample.item.source != "continuation"]
    continued = [(t, b) for t, b in zip(trials, baseline, strict=True) if t.sample.item.source == "continuation"]
    positives = [t for t, _ in plain if t.sample.item.expected is not None]
    delays = sorted(t.delay_s for t, _ in plain if t.delay_s is not None and t.sample.item.expected is not None)
    return {
        "n": len(plain), "understood": sum(t.correct for t in positives), "positives": len(positives),
        "ordinary_taken": sum(t.intent is not None for t, _ in plain if t.sample.item.expected is None),
        "ordinary": sum(t.sample.item.expected is None for t, _ in plain),
        "cut_inside_speech": sum(t.cut for t, _ in plain), "ended_early": sum(t.early for t, _ in plain),
        "lost_vs_full": sum(b.correct and not t.correct for t, b in plain),
        "gained_vs_full": sum(t.correct and not b.correct for t, b in plain),
        "continuation_n": len(continued),
        "continuation_ended_at_comma": sum(t.cut for t, _ in continued),
        "continuation_danger_heard": sum(t.intent in DANGER_INTENTS for t, _ in continued),
        "continuation_danger_lost_vs_full": sum(b.intent in DANGER_INTENTS and t.intent not in DANGER_INTENTS
                                                for t, b in continued),
        "delay_p50_ms": round(1000 * delays[len(delays) // 2]) if delays else None,
        "delay_p95_ms": round(1000 * delays[min(len(delays) - 1, round(0.95 * (len(delays) - 1)))])
        if delays else None,
    }


def choose(table: dict[Candidate, dict[str, Any]]) -> Candidate:
    """The candidate that costs nothing against the full hang-over on this split (no answer lost, no more cut
    inside speech, no more continuations ended at their comma, no danger phrase after a comma lost) with the
    lowest delay p50 (then the shortest pause, then the smallest margin); the full hang-over when none qualifies."""
    full = next(row for candidate, row in table.items() if not candidate[0])
    safe = [c for c, row in table.items() if c[0] and row["lost_vs_full"] == 0
            and row["cut_inside_speech"] <= full["cut_inside_speech"]
            and row["continuation_danger_lost_vs_full"] == 0
            and row["continuation_ended_at_comma"] <= full["continuation_ended_at_comma"]]
    return min(safe, key=lambda c: (table[c]["delay_p50_ms"], c), default=(0, 0, 0.0))
