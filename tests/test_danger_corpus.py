"""The detector on each TUNING corpus meets the goals (>= 98% of danger caught, <= 2% false stops).

The held-out corpus is scored by scripts/bench_safety.py only: tuning on it would make its figure meaningless.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from danger_corpus import TUNING_FILES, read_corpus, score

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
