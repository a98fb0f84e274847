"""The turn engine: the interpreter is the one seat for meaning, nobody gets stuck, loops end as stalled."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
import yaml

from assistant import pipeline
from assistant.acceptance import KINDS, AcceptancePolicy, PolicyError
from assistant.audio.base import ListenRequest
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.conversation import STALLED, Conversation
from assistant.danger_check import Assessment
from assistant.dialog.library import DialogLibrary, Line
from assistant.intents import IntentMatcher
from assistant.interpret import Event, Interpreter
from assistant.listening import Heard
from assistant.sessions import new_checkin, run_session
from assistant.store.records import SessionEvent, StepAnswer
from assistant.store.store import Store
from assistant.stt.base import Utterance

MATCHER = IntentMatcher.load()
LEGACY = AcceptancePolicy.load()
DEFAULTS = {"free": "we talked", "rating": "four", "yes_no": "yes", "choice": "keep", "ready": "ready"}


def heard(text: str, confidence: float = 0.9) -> Heard:
    return Heard(Utterance(text, confidence, 0.0, 1.0), 0.0, 1.0)


class Scripted:
    """Typed hearing: the next (step, text, confidence) when its step is asking, else a default per kind."""

    def __init__(self, clock: VirtualClock, turns: list[tuple[str, str | None, float]]) -> None:
        self.clock, self.turns = clock, turns
        self.requests: list[ListenRequest] = []

    def listen(self, request: ListenRequest, timeout_s: float | None = None) -> Heard | None:
        self.requests.append(request)
        self.clock.advance(2.0)
        if self.turns and self.turns[0][0] == request.step:
            _, text, confidence = self.turns.pop(0)
            return None if text is None else heard(text, confidence)
        return heard(DEFAULTS[request.kind])


def checkin(tmp_path: Path, turns: Sequence[tuple[str, str | None, float]], interpreter: Interpreter | None = None,
            max_turns: int | None = None, safety_check: bool = True) -> tuple[str, Conversation, list[Line], Store]:
    clock = VirtualClock()
    settings = Settings.model_validate({"partners": ["Maya", "Jordan"]})
    library = DialogLibrary.load(seed=0)
    said: list[Line] = []
    store = Store.open(tmp_path / "store")
    conversation = pipeline.conversation(Scripted(clock, list(turns)), said.append, clock, settings, library, store,
                                         interpret=interpreter, max_turns=max_turns)
    if not safety_check:
        conversation.safety_check = None
    final = run_session(conversation, new_checkin(store, library, settings, clock))
    return final, conversation, said, store


# -- the acceptance policy ---------------------------------------------------------------------------------------
def test_the_policy_file_holds_every_kind_and_says_how_it_was_chosen() -> None:
    assert set(KINDS) <= set(LEGACY.thresholds)
    assert "legacy" in str(LEGACY.chosen_on["method"])
    assert LEGACY.threshold("yes_no") == 0.3 and LEGACY.threshold("barge_in") == 0.8
    assert LEGACY.threshold("yes_no", "time_out") == LEGACY.thresholds["sentinel"]
    assert LEGACY.threshold("cooloff") == LEGACY.thresholds["command"]


@pytest.mark.parametrize("content,field", [
    ("{not json", "cannot read"),
    (json.dumps({"thresholds": {"command": 0.3}}), "missing kinds"),
    (json.dumps({"thresholds": {**dict.fromkeys(KINDS, 0.3), "rating": 1.5}}), "thresholds.rating"),
])
def test_a_bad_policy_file_names_the_file_and_field(tmp_path: Path, content: str, field: str) -> None:
    path = tmp_path / "acceptance.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PolicyError) as error:
        AcceptancePolicy.load(path)
    assert str(path) in str(error.value) and field in str(error.value)


# -- the interpreter is the one seat -------------------------------------------------------------------------
def test_a_low_confidence_yes_is_not_an_answer_anywhere() -> None:
    interpreter = Interpreter(MATCHER, LEGACY)
    low = LEGACY.threshold("yes_no") / 2
    decision = interpreter.decide(heard("yes", low), "yes_no", ("yes", "no"))
    assert (decision.intent, decision.reason) == (None, "low_confidence")
    assert interpreter.decide(heard("yes", 0.9), "yes_no", ("yes", "no")).intent == "yes"


def test_thresholds_are_data_not_code() -> None:
    strict = AcceptancePolicy({**LEGACY.thresholds, "yes_no": 0.95}, {"method": "test"})
    assert Interpreter(MATCHER, strict).decide(heard("yes", 0.9), "yes_no", ("yes", "no")).intent is None
    assert Interpreter(MATCHER, LEGACY).decide(heard("yes", 0.9), "yes_no", ("yes", "no")).intent == "yes"


class Verdict:
    def __init__(self, answer: Assessment) -> None:
        self.answer = answer
        self.asked: list[str] = []

    def assess(self, text: str) -> Assessment:
        self.asked.append(text)
        return self.answer


def test_the_danger_check_decides_safety_at_any_confidence() -> None:
    danger = Interpreter(MATCHER, LEGACY, Verdict("danger"))
    assert danger.decide(heard("the kitchen light", 0.01), "barge_in", ("stop",)).intent == "safety"
    calm = Verdict("none")
    phrase = MATCHER.intents["safety"][0]
    decision = Interpreter(MATCHER, LEGACY, calm).decide(heard(phrase), "command", ("safety", "help"))
    assert decision.intent is None and calm.asked == [phrase]  # the detector, not a phrase list, decides


def test_an_ambiguous_utterance_goes_to_the_safety_check(tmp_path: Path) -> None:
    asked: list[Event] = []

    def safety_check(conversation: Conversation, state: str) -> bool:
        asked.append(state)
        return True

    clock = VirtualClock()
    settings = Settings.model_validate({"partners": ["Maya", "Jordan"]})
    library = DialogLibrary.load(seed=0)
    with Store.open(tmp_path / "store") as store:
        conversation = pipeline.conversation(Scripted(clock, []), lambda line: None, clock, settings, library,
                                             store, interpret=Interpreter(MATCHER, LEGACY, Verdict("ambiguous")))
        conversation.safety_check = safety_check
        assert run_session(conversation, new_checkin(store, library, settings, clock)) == "safety"
    assert len(asked) == 1  # the first ambiguous answer was checked, and its "yes" stopped the check-in


def test_without_a_safety_check_an_ambiguous_utterance_is_an_ordinary_answer(tmp_path: Path) -> None:
    final, _, _, store = checkin(tmp_path, [], Interpreter(MATCHER, LEGACY, Verdict("ambiguous")),
                                 safety_check=False)
    assert final == "completed"
    store.close()


# -- never stuck ---------------------------------------------------------------------------------------------
def test_two_misses_offer_the_way_out_three_move_on_unanswered(tmp_path: Path) -> None:
    misses = [("progress_safe", "banana", 0.9), ("progress_safe", "maybe", 0.9), ("progress_safe", "four", 0.1)]
    final, _, said, store = checkin(tmp_path, misses)
    ids = [line.dialog_id for line in said]
    asked = ids.index("checkin.progress_safe")
    assert ids[asked:asked + 6] == ["checkin.progress_safe", "common.no_match", "common.no_match", "common.way_out",
                                    "common.moving_on", "checkin.progress_safe"]  # then the other partner
    assert ids.count("common.way_out") == 1 and ids.count("common.moving_on") == 1
    assert "skip" in said[ids.index("common.way_out")].text
    answers = [a for a in store.query(StepAnswer) if a.step == "progress_safe"]
    assert [a.intent for a in answers][0] == "unanswered" and answers[0].rating is None
    assert final == "completed"
    store.close()


def test_an_answer_between_misses_starts_the_count_again(tmp_path: Path) -> None:
    turns = [("progress_safe", "banana", 0.9), ("progress_safe", "four", 0.9),
             ("progress_safe", "banana", 0.9), ("progress_safe", "three", 0.9)]
    final, _, said, store = checkin(tmp_path, turns)
    assert final == "completed" and "common.way_out" not in [line.dialog_id for line in said]
    store.close()


# -- a loop ends as stalled -------------------------------------------------------------------------------------
def test_a_conversation_over_its_turn_budget_stalls_and_saves_its_place(tmp_path: Path) -> None:
    forever = [("progress_safe", "repeat", 0.9)] * 80
    final, conversation, _, store = checkin(tmp_path, forever, max_turns=60)
    assert final == STALLED and conversation.turns_heard == 60
    last = store.query(SessionEvent)[-1]
    assert (last.status, last.step, last.state.get("reason")) == ("paused", "progress_safe", STALLED)
    store.close()


def test_cli_simulate_ends_a_looping_scenario_as_stalled(tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.write_text(yaml.safe_dump({"partners": ["Maya", "Jordan"], "max_turns": 4,
                                    "answers": dict.fromkeys(("free", "yes_no", "rating", "choice", "ready",
                                                              "command"), "repeat")}), encoding="utf-8")
    cli = [sys.executable, "-m", "assistant", "--engine", "pocketsphinx", "simulate"]
    done = subprocess.run([*cli, str(loop), "--out", str(tmp_path / "out"), "--quiet"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "stalled" in done.stdout + done.stderr
    with Store.open(tmp_path / "out" / "store") as store:
        last = store.query(SessionEvent)[-1]
    assert (last.status, last.state.get("reason")) == ("paused", STALLED)
