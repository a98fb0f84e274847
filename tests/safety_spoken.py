"""Spoken safety figures: corpus lines rendered by espeak-ng voices, heard through the real recogniser in a
free-text listening state (free decoding + the sentinel grammar pass), then judged. Shared by
scripts/bench_safety.py; the voices are split into ones the phrases were tuned on and ones never used.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from danger_corpus import TUNING, TUNING2, read_corpus

from assistant.audio.base import ListenRequest
from assistant.audio.sources import ScriptedSource
from assistant.clock import VirtualClock
from assistant.frontend import FrontEndSettings, SpeechGate, build_front_end
from assistant.frontend.settings import EndpointSettings
from assistant.listener import Listener
from assistant.simulate import voices

TUNED_VOICES = (("en-us", 40, 130), ("en-us", 65, 170))
"""(voice, pitch, rate) used by tests/test_safety_speech.py when the sentinel phrases were chosen."""
HELD_OUT_VOICES = (("en-gb-scotland", 50, 150), ("en-029", 60, 160))
"""Never used for tuning anything: the spoken goal is judged on these."""
MAX_WORDS = 9
"""Spoken lines are the corpora's shorter statements (a long answer is several utterances)."""


@dataclass(frozen=True)
class SpokenResult:
    """Per voice split: % of danger lines answered danger/ambiguous, % of everyday lines answered danger."""

    danger_caught_pct: float
    false_stop_pct: float
    false_ambiguous_pct: float
    lines: int
    stopped: list[str] = field(default_factory=list)
    """The everyday lines answered danger, as "voice: line -> heard"."""


def spoken_lines(per_kind: int, seed: int = 12) -> dict[str, list[str]]:
    """A fixed sample of short danger and everyday lines from both tuning corpora."""
    rng = random.Random(seed)
    corpora = [read_corpus(TUNING), read_corpus(TUNING2)]
    picked = {}
    for kind in ("danger", "everyday"):
        short = [line for corpus in corpora for line in corpus[kind] if len(line.split()) <= MAX_WORDS]
        picked[kind] = rng.sample(short, min(per_kind, len(short)))
    return picked


def hear_and_judge(recognizer_factory: Callable[[], object], sentinel: Sequence[str],
                   level_of: Callable[[str], str], lines: dict[str, list[str]],
                   voice_set: Sequence[tuple[str, int, int]], endpoint: EndpointSettings | None = None) -> SpokenResult:
    """Speak every line in every voice of `voice_set`, hear it in a free-text state, judge the transcript;
    `endpoint`: the endpointer's settings (default: the shipped ones)."""
    clock = VirtualClock()
    source = ScriptedSource(clock=clock)
    gate = SpeechGate(build_front_end(FrontEndSettings(echo="none")), endpoint or EndpointSettings())
    listener = Listener(source, recognizer_factory(), clock, gate=gate)  # type: ignore[arg-type]
    request = ListenRequest(kind="free", step="bench.safety", phrases=(), sentinel=tuple(sentinel))
    levels: dict[str, list[str]] = {"danger": [], "everyday": []}
    stopped = []
    for voice, pitch, rate in voice_set:
        for kind, texts in lines.items():
            for text in texts:
                source.push(voices.speak(text, voice=voice, rate=rate, pitch=pitch))
                heard = listener.listen(request)
                levels[kind].append(level_of(heard.utterance.text) if heard else "none")
                if kind == "everyday" and levels[kind][-1] == "danger":
                    stopped.append(f"{voice}: {text} -> {heard.utterance.text if heard else ''}")

    def share(kind: str, wanted: set[str]) -> float:
        found = levels[kind]
        return round(100.0 * sum(level in wanted for level in found) / len(found), 1) if found else 0.0

    return SpokenResult(share("danger", {"danger", "ambiguous"}), share("everyday", {"danger"}),
                        share("everyday", {"ambiguous"}), sum(len(found) for found in levels.values()), stopped)
