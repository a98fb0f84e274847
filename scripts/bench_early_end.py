#!/usr/bin/env python3
"""Early endpointing on a complete phrase: choose `early_hangover_ms` on the TUNING half, report the HELD-OUT half.

Usage: python scripts/bench_early_end.py [--every N] [--candidates 0,120,150,180,210]   (scripts/bench --only early_end)
Every closed-step sample of the hearing corpus (tests/corpus/hearing.yaml) and the continuation samples ("no, i
don't feel safe") go through the live path's front end, endpointer, pocketsphinx and Listener at each candidate
(assistant/evaluation/early_end.py). Chosen: the shortest candidate that, against the full hang-over (0), loses
no answer, cuts no more answers inside speech, and ends no more continuations at their comma. Clock of `delay`:
true end of speech in the audio -> the listener's end decision (audio time, plus the CPU of the deciding frame).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.evaluation import corpus, early_end  # noqa: E402

GOALS = {"early_end.held_out_chosen.cut_inside_speech": ("<=", 0)}
"""Goals shown beside this section's figures by scripts/bench (the held-out half at the chosen value)."""


def split_samples(split: str, every: int) -> list[corpus.Sample]:
    plain = corpus.samples(split, kinds=early_end.CLOSED_KINDS)[::every]
    return plain + early_end.continuation_samples(split, plain)


def measure(every: int, candidates: list[int]) -> dict:
    """The tuning table, the chosen value, and the held-out half at 0 and at the chosen value."""
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    tuning = early_end.sweep(split_samples("tuning", every), [0, *[c for c in candidates if c]], log)
    table = {ms: early_end.figures(trials, tuning[0]) for ms, trials in tuning.items()}
    chosen = early_end.choose(table)
    held = early_end.sweep(split_samples("held_out", every), sorted({0, chosen}), log)
    return {"tuning": {str(ms): row for ms, row in table.items()}, "chosen_early_hangover_ms": chosen,
            "held_out_full": early_end.figures(held[0], held[0]),
            "held_out_chosen": early_end.figures(held[chosen], held[0])}


def run(results: dict) -> None:
    """Entry point for scripts/bench's section loader."""
    results["early_end"] = measure(4, [120, 150, 180, 210])


def main() -> int:
    parse = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parse.add_argument("--every", type=int, default=2, help="every Nth closed-step sample (CPU budget)")
    parse.add_argument("--candidates", default="120,150,180,210")
    args = parse.parse_args()
    found = measure(args.every, [int(c) for c in args.candidates.split(",")])
    print(json.dumps(found, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
