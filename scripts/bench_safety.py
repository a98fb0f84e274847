"""Safety bench: the danger detector on typed text, TUNING and HELD-OUT corpora reported separately.

Corpora: tests/corpus/safety_tuning.yaml ... safety_tuning9.yaml (ours, tuned on; each first measured unseen) and
tests/corpus/safety_heldout.yaml (written independently; never tuned on), each `danger:`, `ambiguous:`,
`everyday:` lists. tests/corpus/checkin_answers.yaml: everyday check-in answers written blind, measured only
(`safety_checkin_answers`: false stops, goal <= 2, and false "ambiguous"). Figures, per corpus:
- danger_caught_pct: danger statements answered "danger" or "ambiguous" (goal >= 98); danger_tier_pct: "danger";
- false_stop_pct: everyday sentences answered "danger" (goal <= 2); false_ambiguous_pct: answered "ambiguous";
- assess_ms: one `assess(text)` call, from the text in hand to the verdict (no audio, no engine).
- safety_spoken_*: short danger and everyday lines of both tuning corpora spoken by espeak-ng voices, heard by
  pocketsphinx in a free-text state (free decoding + the sentinel grammar of the detector's spoken phrases),
  judged as the interpreter judges a free answer. `held_out` voices were never used for tuning (goal >= 90
  caught, <= 5 false stops); `tuned` voices are those of tests/test_safety_speech.py. Free answers are decoded
  with the packaged domain-mixed model (assistant/stt/free_lm.py; `safety_spoken_free_lm` names it), whose
  training text leaves out both corpora these lines come from (scripts/build_free_lm.py).
`run(results)` is called by scripts/bench; `python scripts/bench_safety.py` prints the figures on its own
(`--typed`: the typed part only, without the slow spoken part; `--verbose`: also the everyday lines each voice split
stopped on). SAFETY_FREE_DECODE_MS=N hears the spoken lines with `free_decode_after_ms` N (0: decoded after the end
only), for comparison.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from danger_corpus import (  # noqa: E402
    CHECKIN_ANSWERS,
    HELD_OUT,
    TUNING,
    TUNING2,
    TUNING3,
    TUNING4,
    TUNING5,
    TUNING6,
    TUNING7,
    TUNING8,
    TUNING9,
    read_answers,
    read_corpus,
    score,
)
from safety_spoken import HELD_OUT_VOICES, TUNED_VOICES, hear_and_judge, spoken_lines  # noqa: E402

from assistant.danger import DangerDetector  # noqa: E402

PARTNERS = ("Alex", "Sam")
"""The default settings' partner names; any other capitalised name in typed text is read as a person."""


GOALS = {
    "safety_tuning.danger_caught_pct": (">=", 98), "safety_tuning.false_stop_pct": ("<=", 2),
    "safety_heldout.danger_caught_pct": (">=", 98), "safety_heldout.false_stop_pct": ("<=", 2),
    "safety_tuning2.danger_caught_pct": (">=", 98), "safety_tuning2.false_stop_pct": ("<=", 2),
    "safety_tuning3.danger_caught_pct": (">=", 98), "safety_tuning3.false_stop_pct": ("<=", 2),
    "safety_tuning6.danger_caught_pct": (">=", 98), "safety_tuning6.false_stop_pct": ("<=", 2),
    "safety_tuning7.danger_caught_pct": (">=", 98), "safety_tuning7.false_stop_pct": ("<=", 2),
    "safety_tuning8.danger_caught_pct": (">=", 98), "safety_tuning8.false_stop_pct": ("<=", 2),
    "safety_tuning9.danger_caught_pct": (">=", 98), "safety_tuning9.false_stop_pct": ("<=", 2),
    "safety_checkin_answers.false_stop_pct": ("<=", 2),
    "safety_spoken_held_out.danger_caught_pct": (">=", 90), "safety_spoken_held_out.false_stop_pct": ("<=", 5),
}
SPOKEN_PER_KIND = 20
"""Danger and everyday lines spoken per voice (each takes a few seconds of decoding)."""
"""Goals shown beside this section's figures by scripts/bench."""
def run(results: dict, typed_only: bool = False, verbose: bool = False) -> None:
    """Add the safety figures to `results` (`typed_only`: leave out the spoken part; `verbose`: list the spoken
    false stops)."""
    started = time.perf_counter()
    detector = DangerDetector.load(ROOT / "dialogs", PARTNERS)
    results["safety_detector_load_s"] = round(time.perf_counter() - started, 3)
    for name, path in (("tuning", TUNING), ("tuning2", TUNING2), ("tuning3", TUNING3), ("tuning4", TUNING4),
                       ("tuning5", TUNING5), ("tuning6", TUNING6), ("tuning7", TUNING7),
                       ("tuning8", TUNING8), ("tuning9", TUNING9), ("heldout", HELD_OUT)):
        if not path.exists():
            results[f"safety_{name}"] = "absent"
            continue
        corpus = read_corpus(path)
        figures = score(corpus, lambda line: detector.assess(line).level)
        timings = []
        for line in (line for lines in corpus.values() for line in lines):
            tick = time.perf_counter()
            detector.assess(line)
            timings.append((time.perf_counter() - tick) * 1000)
        figures["assess_ms_median"] = round(statistics.median(timings), 2)
        figures["assess_ms_max"] = round(max(timings), 2)
        results[f"safety_{name}"] = figures
    if CHECKIN_ANSWERS.exists():
        answers = read_answers(CHECKIN_ANSWERS)
        levels = [detector.assess(line).level for line in answers]
        results["safety_checkin_answers"] = {
            "everyday_n": len(answers),
            "false_stop_pct": round(100.0 * levels.count("danger") / len(answers), 1),
            "false_ambiguous_pct": round(100.0 * levels.count("ambiguous") / len(answers), 1)}
    if not typed_only:
        spoken(results, detector, verbose)


def spoken(results: dict, detector: DangerDetector, verbose: bool = False) -> None:
    """The spoken figures (see the module docstring); "absent" without espeak-ng or pocketsphinx."""
    from assistant.frontend.settings import EndpointSettings
    from assistant.intents import IntentMatcher
    from assistant.interpret import SENTINEL_INTENTS
    from assistant.simulate.voices import VoiceError

    try:
        from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer
    except ImportError:
        results["safety_spoken"] = "absent (pocketsphinx)"
        return
    from assistant.stt.free_lm import free_text_lm

    results["safety_spoken_free_lm"] = Path(free_text_lm()).name
    matcher = IntentMatcher.load()
    sentinel = tuple(dict.fromkeys([*matcher.phrases_for(SENTINEL_INTENTS), *detector.spoken_phrases()]))

    def judge(text: str) -> str:
        return "danger" if matcher.match(text, {"safety"}) == "safety" else detector.assess(text).level

    lines = spoken_lines(SPOKEN_PER_KIND)
    decode_ms = os.environ.get("SAFETY_FREE_DECODE_MS")
    endpoint = EndpointSettings(free_decode_after_ms=int(decode_ms)) if decode_ms else None
    results["safety_spoken_free_decode_after_ms"] = (endpoint or EndpointSettings()).free_decode_after_ms
    for name, voice_set in (("held_out", HELD_OUT_VOICES), ("tuned", TUNED_VOICES[:1])):
        try:
            found = hear_and_judge(PocketsphinxRecognizer, sentinel, judge, lines, voice_set, endpoint)
        except VoiceError as exc:
            results[f"safety_spoken_{name}"] = f"absent ({exc})"
            continue
        figures = dict(vars(found))
        if not verbose:
            figures.pop("stopped")
        results[f"safety_spoken_{name}"] = figures


if __name__ == "__main__":
    found: dict = {}
    run(found, typed_only="--typed" in sys.argv[1:], verbose="--verbose" in sys.argv[1:])
    print(json.dumps(found, indent=2))
