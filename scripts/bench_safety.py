"""Safety bench: the danger detector on typed text, TUNING and HELD-OUT corpora reported separately.

Corpora: tests/corpus/safety_tuning.yaml (ours, tuned on) and tests/corpus/safety_heldout.yaml (written
independently; never tuned on), each `danger:`, `ambiguous:`, `everyday:` lists. Figures, per corpus:
- danger_caught_pct: danger statements answered "danger" or "ambiguous" (goal >= 98); danger_tier_pct: "danger";
- false_stop_pct: everyday sentences answered "danger" (goal <= 2); false_ambiguous_pct: answered "ambiguous";
- assess_ms: one `assess(text)` call, from the text in hand to the verdict (no audio, no engine).
`run(results)` is called by scripts/bench; `python scripts/bench_safety.py` prints the figures on its own.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from danger_corpus import HELD_OUT, TUNING, read_corpus, score  # noqa: E402

from assistant.danger import DangerDetector  # noqa: E402

PARTNERS = ("Alex", "Sam")
"""The default settings' partner names; any other capitalised name in typed text is read as a person."""


GOALS = {
    "safety_tuning.danger_caught_pct": (">=", 98), "safety_tuning.false_stop_pct": ("<=", 2),
    "safety_heldout.danger_caught_pct": (">=", 98), "safety_heldout.false_stop_pct": ("<=", 2),
}
"""Goals shown beside this section's figures by scripts/bench."""
def run(results: dict) -> None:
    """Add the safety figures to `results`."""
    started = time.perf_counter()
    detector = DangerDetector.load(ROOT / "dialogs", PARTNERS)
    results["safety_detector_load_s"] = round(time.perf_counter() - started, 3)
    for name, path in (("tuning", TUNING), ("heldout", HELD_OUT)):
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


if __name__ == "__main__":
    found: dict = {}
    run(found)
    print(json.dumps(found, indent=2))
