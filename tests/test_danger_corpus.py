"""The detector on each TUNING corpus meets the goals (>= 98% of danger caught, <= 2% false stops).

The held-out corpus is scored by scripts/bench_safety.py only: tuning on it would make its figure meaningless.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from danger_corpus import EVERY_TUNING_FILE, TUNING6, TUNING7, TUNING8, TUNING9, TUNING_FILES, read_corpus, score

from assistant.danger import DangerDetector

DIALOGS = Path(__file__).resolve().parent.parent / "dialogs"


@pytest.fixture(scope="module")
def detector() -> DangerDetector:
    found = DangerDetector.load(DIALOGS, partners=("Jordan", "Sam"))
    assert not found.degraded
    return found


@pytest.fixture(scope="module", params=TUNING_FILES, ids=lambda path: path.stem)
def figures(request: pytest.FixtureRequest, detector: DangerDetector) -> dict[str, float | int]:
    return score(read_corpus(request.param), lambda line: detector.assess(line).level)


def test_the_tuning_corpus_is_large_enough(figures: dict[str, float | int]):
    assert figures["danger_n"] >= 150 and figures["everyday_n"] >= 150


def test_danger_is_caught(figures: dict[str, float | int]):
    assert figures["danger_caught_pct"] >= 98.0, figures


def test_everyday_sentences_do_not_stop_the_checkin(figures: dict[str, float | int]):
    assert figures["false_stop_pct"] <= 2.0, figures


def test_ambiguous_statements_get_at_least_the_calm_question(figures: dict[str, float | int]):
    assert figures["ambiguous_caught_pct"] >= 90.0, figures


@pytest.mark.parametrize("path", EVERY_TUNING_FILE, ids=lambda path: path.stem)
def test_no_tuning_corpus_stops_on_more_than_two_percent_of_everyday_lines(path, detector: DangerDetector):
    figures = score(read_corpus(path), lambda line: detector.assess(line).level)
    assert figures["false_stop_pct"] <= 2.0, figures


@pytest.mark.parametrize("path", (TUNING6, TUNING7, TUNING8, TUNING9), ids=lambda path: path.stem)
def test_the_blind_tuning_corpora_have_their_shape(path: Path):
    """Rounds 6-9: >= 150 danger, >= 25 ambiguous, >= 150 everyday lines, no line twice, none copied from an
    earlier tuning corpus (each was written for wordings the others lack; rounds 7-9 had their identical lines
    removed)."""
    corpus = read_corpus(path)
    assert len(corpus["danger"]) >= 150 and len(corpus["ambiguous"]) >= 25 and len(corpus["everyday"]) >= 150
    lines = [line.lower().strip() for lines in corpus.values() for line in lines]
    assert len(lines) == len(set(lines))
    earlier = {line.lower().strip() for other in EVERY_TUNING_FILE if other != path
               for lines in read_corpus(other).values() for line in lines}
    assert not earlier & set(lines)


def test_the_sixth_tuning_corpus_keeps_its_after_round_figures(detector: DangerDetector):
    """Measured unseen 58.7% caught / 2.8% false stops; after round 6 96.0 / 0.0 (ambiguous 90.0). A fall below
    these is a regression (the goal, 98%, is not met: the misses left are scenes and veiled threats)."""
    figures = score(read_corpus(TUNING6), lambda line: detector.assess(line).level)
    assert figures["danger_caught_pct"] >= 95.5 and figures["ambiguous_caught_pct"] >= 90.0, figures
    assert figures["false_stop_pct"] == 0.0, figures



def test_the_seventh_tuning_corpus_keeps_its_after_round_figures(detector: DangerDetector):
    """Measured unseen 78.0% of danger caught (72.1% with the ambiguous lines) / 0.6% false stops; after round 7
    98.3 / 0.0 (ambiguous 92.6). A fall below these is a regression."""
    figures = score(read_corpus(TUNING7), lambda line: detector.assess(line).level)
    assert figures["danger_caught_pct"] >= 98.0 and figures["ambiguous_caught_pct"] >= 90.0, figures
    assert figures["false_stop_pct"] == 0.0, figures


def test_the_eighth_tuning_corpus_keeps_its_after_round_figures(detector: DangerDetector):
    """Measured unseen 66.0% of danger caught (ambiguous 32.3%) / 0.5% false stops, 2.3% false "ambiguous"; after
    round 8 100.0 / 0.0 (ambiguous 83.9, false "ambiguous" 0.0). A fall below these is a regression."""
    figures = score(read_corpus(TUNING8), lambda line: detector.assess(line).level)
    assert figures["danger_caught_pct"] >= 99.5 and figures["ambiguous_caught_pct"] >= 80.0, figures
    assert figures["false_stop_pct"] == 0.0 and figures["false_ambiguous_pct"] <= 0.5, figures
