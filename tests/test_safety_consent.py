"""First-run consent: disclaimer (what, where, export/erase, not a therapist), both partners by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from safety_helpers import library

from assistant.clock import VirtualClock
from assistant.consent import Hear, both, ensure_consent, has_consent, run_consent
from assistant.dialog.library import Line
from assistant.intents import IntentMatcher
from assistant.interpret import Decision, Interpreter, Question
from assistant.listening import Heard
from assistant.store.records import Consent, SafetyEvent
from assistant.store.store import Store
from assistant.stt.base import Utterance

PARTNERS = ("Maya", "Jordan")


@pytest.fixture()
def store(tmp_path: Path):
    with Store.open(tmp_path / "store") as opened:
        yield opened


INTERPRETER = Interpreter(IntentMatcher.load())


def hearing(answers: dict[str, list[str | None]], asked: list[str], confidence: float = 1.0) -> Hear:
    """Each partner's answers in turn (None: silence), decided by the real interpreter."""
    def hear(question: Question) -> Decision:
        asked.append(question.who)
        text = answers[question.who].pop(0) if answers[question.who] else None
        heard = Heard(Utterance(text, confidence, 0.0, 0.0), 0.0, 0.0) if text is not None else None
        return INTERPRETER.decide(heard, question.kind, question.intents)
    return hear


def _run(store: Store, answers: dict[str, list[str | None]], tmp_path: Path, confidence: float = 1.0):
    spoken: list[Line] = []
    printed: list[str] = []
    asked: list[str] = []
    result = run_consent(store, library(), VirtualClock(), PARTNERS, tmp_path / "data",
                         both(spoken.append, lambda line: printed.append(line.text)),
                         hearing(answers, asked, confidence))
    return result, spoken, printed, asked


def test_both_yes_stores_consent_and_disclaimer_says_what_where_how(store: Store, tmp_path: Path):
    result, spoken, printed, asked = _run(store, {"Maya": ["yes"], "Jordan": ["yeah"]}, tmp_path)
    assert result.agreed and result.record is not None
    assert asked == ["Maya", "Jordan"]
    assert [line.dialog_id for line in spoken] == ["consent.disclaimer", "consent.ask_partner",
                                                   "consent.ask_partner", "consent.agreed"]
    assert printed == [line.text for line in spoken]
    disclaimer = spoken[0].text
    for needed in (str(tmp_path / "data"), "assistant export", "assistant forget", "not a therapist",
                   "emergency", "nothing is sent"):
        assert needed in disclaimer
    assert "Maya" in spoken[1].text and "Jordan" in spoken[2].text
    stored = store.query(Consent)
    assert len(stored) == 1 and stored[0].partners == PARTNERS
    assert has_consent(store, ("Jordan", "Maya"))


@pytest.mark.parametrize("answers,outcome,who", [
    ({"Maya": ["yes"], "Jordan": ["no"]}, "declined", "Jordan"),
    ({"Maya": ["no"], "Jordan": ["yes"]}, "declined", "Maya"),
    ({"Maya": [None, "pardon"], "Jordan": ["yes"]}, "no_answer", "Maya"),
])
def test_anything_but_two_yeses_stores_nothing(store: Store, tmp_path: Path, answers, outcome, who):
    result, spoken, _, _ = _run(store, answers, tmp_path)
    assert (result.outcome, result.partner, result.agreed) == (outcome, who, False)
    assert spoken[-1].dialog_id == "consent.declined"
    assert not store.query(Consent)


def test_a_reprompt_then_yes_counts(store: Store, tmp_path: Path):
    result, spoken, _, _ = _run(store, {"Maya": [None, "yes please"], "Jordan": ["yes"]}, tmp_path)
    assert result.agreed
    assert "consent.reprompt" in [line.dialog_id for line in spoken]


def test_a_low_confidence_yes_is_not_consent(store: Store, tmp_path: Path):
    """The consent question goes through the interpreter's yes/no threshold: a mumbled yes is not a yes."""
    threshold = INTERPRETER.policy.threshold("yes_no")
    assert threshold > 0.0
    result, spoken, _, _ = _run(store, {"Maya": ["yes", "yes"], "Jordan": ["yes"]}, tmp_path,
                                confidence=threshold / 2)
    assert (result.outcome, result.partner) == ("no_answer", "Maya")
    assert [line.dialog_id for line in spoken][-2:] == ["consent.reprompt", "consent.declined"]
    assert not store.query(Consent)


def test_a_danger_statement_at_low_confidence_still_gives_the_safety_message(store: Store, tmp_path: Path):
    result, spoken, _, _ = _run(store, {"Maya": ["i don't feel safe"], "Jordan": ["yes"]}, tmp_path, confidence=0.05)
    assert result.outcome == "safety" and spoken[-1].dialog_id == "safety.message"


def test_safety_during_consent_gives_the_safety_message(store: Store, tmp_path: Path):
    result, spoken, _, _ = _run(store, {"Maya": ["i don't feel safe"], "Jordan": ["yes"]}, tmp_path)
    assert result.outcome == "safety"
    assert spoken[-1].dialog_id == "safety.message"
    assert len(store.query(SafetyEvent)) == 1 and not store.query(Consent)


def test_consent_is_asked_only_once(store: Store, tmp_path: Path):
    assert _run(store, {"Maya": ["yes"], "Jordan": ["yes"]}, tmp_path)[0].agreed
    said: list[Line] = []
    result = ensure_consent(store, library(), VirtualClock(), PARTNERS, tmp_path, said.append, hearing({}, []))
    assert result.agreed and said == []
    other = ensure_consent(store, library(), VirtualClock(), ("Maya", "Sam"), tmp_path, said.append,
                           hearing({"Maya": [], "Sam": []}, []))
    assert not other.agreed and said[0].dialog_id == "consent.disclaimer"
