#!/usr/bin/env python3
"""Early endpointing on a complete phrase: choose `early_hangover_ms` on the TUNING half, report the HELD-OUT half.

Usage: python scripts/bench_early_end.py [--every N] [--candidates 150/60@6,120/60@6,...]   (--only early_end)
A candidate is early_hangover_ms/early_quiet_ms@early_quiet_margin_db (assistant/frontend/settings.py).
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


DEFAULT_CANDIDATES = "90/90@6,120/120@6,150/150@6,150/60@6,120/60@6,150/30@6"


def split_samples(split: str, every: int) -> list[corpus.Sample]:
    plain = corpus.samples(split, kinds=early_end.CLOSED_KINDS)[::every]
    return plain + early_end.continuation_samples(split, plain)


def measure(every: int, candidates: list[early_end.Candidate]) -> dict:
    """The tuning table, the chosen candidate, and the held-out half with the full hang-over and with it."""
    log = lambda line: print(line, file=sys.stderr, flush=True)  # noqa: E731
    tried = [(0, 0, 0.0), *[c for c in candidates if c[0]]]
    tuning = early_end.sweep(split_samples("tuning", every), tried, log)
    table = {c: early_end.figures(tuning[early_end.label(c)], tuning["full"]) for c in tried}
    chosen = early_end.choose(table)
    held = early_end.sweep(split_samples("held_out", every), list(dict.fromkeys([(0, 0, 0.0), chosen])), log)
    name = early_end.label(chosen)
    return {"tuning": {early_end.label(c): row for c, row in table.items()}, "chosen": name,
            "held_out_full": early_end.figures(held["full"], held["full"]),
            "held_out_chosen": early_end.figures(held[name], held["full"])}


def candidate(text: str) -> early_end.Candidate:
    times, _, db = text.partition("@")
    silence, _, quiet = times.partition("/")
    return int(silence), int(quiet or silence), float(db or 6)


def run(results: dict) -> None:
    """Entry point for scripts/bench's section loader."""
    results["early_end"] = measure(4, [candidate(c) for c in DEFAULT_CANDIDATES.split(",")])


def main() -> int:
    parse = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parse.add_argument("--every", type=int, default=2, help="every Nth closed-step sample (CPU budget)")
    parse.add_argument("--candidates", default=DEFAULT_CANDIDATES)
    args = parse.parse_args()
    found = measure(args.every, [candidate(c) for c in args.candidates.split(",")])
    print(json.dumps(found, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
