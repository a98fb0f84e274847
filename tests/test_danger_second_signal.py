"""The danger detector's trained second signal (assistant/danger/second_signal.py, issue 12 rounds 10-11).

A statement naming harm that no rule matches but the model trained on the tuning corpora flags gets the calm
question, never a stop; everyday statements and check-in answers stay quiet (a statement naming no harm word is
never raised); the tuning corpora and the product's own dialog strings lose nothing and gain no false "ambiguous";
a damaged, altered or missing model file, or one whose gate names no lexicon class, leaves the rules alone."""

from __future__ import annotations

import dataclasses
import logging
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from danger_corpus import EVERY_TUNING_FILE, checkin_half, read_corpus

from assistant.danger import DangerDetector, Hit, Verdict
from assistant.danger.second_signal import CATEGORY, HARM_CLASSES, MODEL_FILE, load_signal

ROOT = Path(__file__).resolve().parent.parent
DIALOGS = ROOT / "dialogs"
PARTNERS = ("Alex", "Sam")


@pytest.fixture(scope="module")
def shipped() -> DangerDetector:
    found = DangerDetector.load(DIALOGS, PARTNERS)
    assert not found.degraded and found._signal is not None  # the packaged model loaded and checked
    return found


@pytest.fixture(scope="module")
def rules() -> DangerDetector:
    return DangerDetector.load(DIALOGS, PARTNERS, second_signal=False)


@pytest.mark.parametrize("text", [
    "he had a copy of my keys made and comes in when i'm not there",
    "he checks my phone every night and goes through my bank statements",
])
def test_a_statement_no_rule_matches_gets_the_calm_question(text: str, shipped: DangerDetector,
                                                            rules: DangerDetector):
    assert rules.assess(text) == Verdict("none")
    assert shipped.assess(text) == Verdict("ambiguous", CATEGORY)
    assert shipped.explain(text) == [Hit("second_signal", CATEGORY, "ambiguous")]


@pytest.mark.parametrize("text", [
    "we had a lovely walk by the river",
    "he broke the vase by accident",
    "she pushed me to apply for the new job",
    "I was scared of the exam results",
    "he checks the weather every morning",
    "we argued about money again but made up",
])
def test_everyday_statements_stay_quiet(text: str, shipped: DangerDetector):
    assert shipped.assess(text) == Verdict("none")


LEAD = ["me", "him", "he", "myself", "not me", "my husband", "he hugs me", "he kissed me", "he texted me",
        "he listened to me", "she told me", "he thanked me", "he helped me", "she held me", "he called me",
        "he made me laugh", "he did"]
"""Check-in answers the round-10 model raised to the calm question (the lead's list)."""


def test_a_statement_naming_no_gate_word_is_never_raised(shipped: DangerDetector):
    """The gate is structural: even a model that flags everything (a huge bias) speaks only on a statement naming
    a word of its gate classes (recorded in the model file)."""
    assert shipped._signal is not None and set(HARM_CLASSES) <= set(shipped._signal.gate)
    eager = dataclasses.replace(shipped._signal, bias=1e6)
    for text in LEAD:
        assert not eager.flags(shipped.clauses(text)) or text == "he made me laugh", text  # "made": force
    assert eager.flags(shipped.clauses("he slapped me")) and eager.flags(shipped.clauses("I took the pills"))


def test_check_in_answers_stay_quiet(shipped: DangerDetector, rules: DangerDetector):
    """The lead's list and the short (<= 6 words) answers of the check-in corpus's tuning half (the held-out half
    is measured once by scripts/safety_rejudge.py): the model raises none; the whole tuning half, at most 1%."""
    for text in LEAD:
        assert shipped.assess(text) == Verdict("none"), text
    answers = checkin_half(held_out=False)
    short = [text for text in answers if len(text.split()) <= 6]
    assert len(short) > 50 and len(answers) > 200
    assert [text for text in short if shipped.assess(text) != rules.assess(text)] == []
    assert sum(shipped.assess(text) != rules.assess(text) for text in answers) <= 0.01 * len(answers)


def test_the_corpora_and_the_dialog_strings_lose_nothing_and_gain_no_false_question(shipped: DangerDetector,
                                                                                     rules: DangerDetector):
    """Every tuning corpus line and dialog-file string judged both ways: nothing goes down, the model never makes
    a danger stop, no product string is raised, and everyday lines are raised no more often than the model's
    design budget (1%, cross-validated) allows (one is: "he broke my heart")."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from safety_rejudge import dialog_strings

    texts = [(kind, line) for path in EVERY_TUNING_FILE for kind, lines in read_corpus(path).items()
             for line in lines] + [("dialog", text) for text in dialog_strings()]
    raised: dict[str, int] = {"danger": 0, "ambiguous": 0, "everyday": 0, "dialog": 0}
    for kind, text in texts:
        before, after = rules.assess(text), shipped.assess(text)
        if after != before:
            assert before.level == "none" and after == Verdict("ambiguous", CATEGORY), (kind, before, after)
            raised[kind] += 1
    everyday = sum(kind == "everyday" for kind, _ in texts)
    assert len(texts) > 3500 and raised["danger"] + raised["ambiguous"] > 0, raised
    assert raised["dialog"] == 0 and raised["everyday"] <= 0.01 * everyday, raised


def test_a_damaged_or_altered_model_file_leaves_the_rules_alone(tmp_path: Path, shipped: DangerDetector,
                                                                caplog: pytest.LogCaptureFixture):
    assert shipped.lexicon is not None
    classes = shipped.lexicon.classes
    with np.load(MODEL_FILE, allow_pickle=False) as data:
        contents = {name: data[name] for name in data.files}
    contents["weights"] = contents["weights"].copy()
    contents["weights"][0] += 1.0  # one weight changed, the recorded sha256 kept
    altered = tmp_path / "altered.npz"
    np.savez(altered, **contents)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(MODEL_FILE.read_bytes()[:1000])
    with caplog.at_level(logging.ERROR):
        assert load_signal(classes, altered) is None
        assert load_signal(classes, truncated) is None
    assert "sha256 does not match" in caplog.text
    assert load_signal(classes, tmp_path / "absent.npz") is None
    assert shipped._signal is not None
    renamed = {name: items for name, items in classes.items() if name not in shipped._signal.gate}
    with caplog.at_level(logging.WARNING):
        assert load_signal(renamed, MODEL_FILE) is None  # a lexicon without the gate's classes: retrain
    assert "gate classes not in the lexicon" in caplog.text and "gate names no lexicon word" in caplog.text
    shutil.copy(MODEL_FILE, tmp_path / "copy.npz")
    assert load_signal(classes, tmp_path / "copy.npz") is not None


def test_the_model_file_is_small():
    assert MODEL_FILE.stat().st_size < 1_500_000
