"""Read the safety corpora (tests/corpus/safety_*.yaml) and score a detector on them; shared by the corpus
test and scripts/bench_safety.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml

CORPUS_DIR = Path(__file__).parent / "corpus"
TUNING = CORPUS_DIR / "safety_tuning.yaml"
TUNING2 = CORPUS_DIR / "safety_tuning2.yaml"
"""A second tuning corpus, generated systematically by make_tuning2.py (categories x subjects x tenses x styles)."""
TUNING3 = CORPUS_DIR / "safety_tuning3.yaml"
"""A third one, written by hand by category and register before the rules were read (issue 12, round 3)."""
TUNING4 = CORPUS_DIR / "safety_tuning4.yaml"
"""A fourth, smaller one (transcript style, long and indirect answers), written after round 3's changes; scored
by the bench, not held to the goal by the corpus test: its remaining misses would need sentence entries."""
TUNING5 = CORPUS_DIR / "safety_tuning5.yaml"
"""A fifth: the published screening instruments' items (Danger Assessment, HITS, WAST, Columbia scale, hotline
lists, Samaritans) as check-in answers in many registers (issue 12, round 4); scored by the bench, held here to
the false-stop goal only (its tier choices differ from the design's in places: see dialogs/README.md)."""
TUNING6 = CORPUS_DIR / "safety_tuning6.yaml"
"""A sixth: how people actually disclose (indirect, hedged, reported, texting, typos, British/Australian/Irish idiom,
danger in a subordinate clause, the kids as victims, stalking, financial and reproductive coercion) and the
product's own repair talk as negatives (issue 12, round 6); written before the detector was run on it, then tuned
on. Held here to its shape, the false-stop goal and its after-round figures (its remaining misses are scenes and
veiled threats only sentence entries would catch: see dialogs/README.md)."""
TUNING7 = CORPUS_DIR / "safety_tuning7.yaml"
"""A seventh (issue 12, round 7), written blind like round 6: self-harm and suicide told as scenes and euphemisms,
violence in British/Irish slang and minimised, veiled threats, children as victims, coercive control, and hard
everyday negatives of the same words; measured unseen first, then tuned on (see dialogs/README.md)."""
TUNING8 = CORPUS_DIR / "safety_tuning8.yaml"
"""An eighth (issue 12, round 8), written blind by someone who never saw the detector, the lexicon or any other
corpus: disclosures in many registers (UK/Irish/Australian/South African/Indian idiom, non-native English, texting),
children as victims, the affair partner as a doer, and repair-work negatives; its 3 lines identical to an earlier
corpus's were removed before the unseen measure, then the lexicon was tuned on it (see dialogs/README.md)."""
TUNING9 = CORPUS_DIR / "safety_tuning9.yaml"
"""A ninth (issue 12, round 9), written blind like round 8 (no code, test, dialog or corpus opened): suicide told by
plans, goodbyes and hopelessness, self-harm and relapse, violence, threats, sexual violence, children, coercive
control, in many registers and typos, with repair-work negatives; its one line identical to an earlier corpus's
was removed before the unseen measure, then the lexicon was tuned on it (see dialogs/README.md)."""
TUNING_FILES = (TUNING, TUNING2, TUNING3)
EVERY_TUNING_FILE = (TUNING, TUNING2, TUNING3, TUNING4, TUNING5, TUNING6, TUNING7, TUNING8, TUNING9)
HELD_OUT = CORPUS_DIR / "safety_heldout.yaml"
CHECKIN_ANSWERS = CORPUS_DIR / "checkin_answers.yaml"
"""Everyday answers to the check-in's steps (appreciations, triggers, ratings with words, one-word answers), written
blind from the method alone: look-alikes the danger detector must leave quiet. Not tuned on (measure only)."""


def read_answers(path: Path) -> list[str]:
    """The `answers:` list of an answers corpus (everyday lines only)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [str(line) for line in data.get("answers") or []]
KINDS = ("danger", "ambiguous", "everyday")


def read_corpus(path: Path) -> dict[str, list[str]]:
    """The three lists of a corpus file (a missing list is empty)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {kind: [str(line) for line in data.get(kind) or []] for kind in KINDS}


def score(corpus: dict[str, list[str]], level_of: Callable[[str], str]) -> dict[str, float | int]:
    """Percentages: danger caught (any tier / danger tier), ambiguous caught, false stops and false
    "ambiguous" on everyday sentences."""
    def share(lines: list[str], wanted: set[str]) -> float:
        return round(100.0 * sum(level_of(line) in wanted for line in lines) / len(lines), 1) if lines else 0.0

    danger, ambiguous, everyday = corpus["danger"], corpus["ambiguous"], corpus["everyday"]
    return {"danger_n": len(danger), "danger_caught_pct": share(danger, {"danger", "ambiguous"}),
            "danger_tier_pct": share(danger, {"danger"}),
            "ambiguous_n": len(ambiguous), "ambiguous_caught_pct": share(ambiguous, {"danger", "ambiguous"}),
            "everyday_n": len(everyday), "false_stop_pct": share(everyday, {"danger"}),
            "false_ambiguous_pct": share(everyday, {"ambiguous"})}
