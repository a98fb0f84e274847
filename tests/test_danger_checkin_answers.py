"""Everyday check-in answers, written blind from the method alone, stay quiet (issue 12: don't cry wolf).

The corpus is measured, never tuned on: these assertions are the false-stop goal of `scripts/bench_safety.py`
(<= 2%) and the same budget for the calm question, not figures fitted to it.
"""

from __future__ import annotations

from danger_corpus import CHECKIN_ANSWERS, read_answers

from assistant.danger import DangerDetector


def test_the_corpus_is_what_it_says() -> None:
    answers = read_answers(CHECKIN_ANSWERS)
    assert len(answers) >= 300
    assert len({answer.lower() for answer in answers}) == len(answers)
    assert sum(len(answer.split()) <= 6 for answer in answers) >= len(answers) / 3  # one-word answers included


def test_check_in_answers_rarely_stop_or_ask(shipped_detector: DangerDetector) -> None:
    answers = read_answers(CHECKIN_ANSWERS)
    levels = [shipped_detector.assess(answer).level for answer in answers]
    assert levels.count("danger") <= 0.02 * len(answers)
    assert levels.count("ambiguous") <= 0.02 * len(answers)
