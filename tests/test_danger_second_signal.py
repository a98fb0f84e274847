"""The danger detector's trained second signal (assistant/danger/second_signal.py, issue 12 round 10).

A statement no rule matches but the model trained on the tuning corpora flags gets the calm question, never a
stop; everyday statements stay quiet; the tuning corpora and the product's own dialog strings lose nothing and
gain no false "ambiguous"; a damaged, altered or missing model file leaves the rules alone."""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from danger_corpus import EVERY_TUNING_FILE, read_corpus

from assistant.danger import DangerDetector, Hit, Verdict
from assistant.danger.second_signal import CATEGORY, MODEL_FILE, load_signal

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
    "he won't let me leave the flat without him",
    "he warned me what would happen if I told anyone",
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
    shutil.copy(MODEL_FILE, tmp_path / "copy.npz")
    assert load_signal(classes, tmp_path / "copy.npz") is not None


def test_the_model_file_is_small():
    assert MODEL_FILE.stat().st_size < 1_500_000
