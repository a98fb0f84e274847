"""From heard text to machine events, and the listen-speak loop over typed utterances (no audio needed).

The Interpreter is pure logic: Heard/Utterance objects go in, a trigger (with its Answer) comes out, per
listening kind of the check-in's steps. The Conversation tests drive the real check-in machine with a
listener that returns scripted utterances, and assert dialog ids and stored records.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.audio.base import ListenRequest
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.conversation import Conversation
from assistant.dialog.library import DialogLibrary, Line
from assistant.dialog.schema import Step
from assistant.intents import IntentMatcher
from assistant.interpret import Interpreter
from assistant.listener import Heard
from assistant.sessions import new_checkin, run_session
from assistant.store.records import Record, SessionEvent, StepAnswer
from assistant.store.store import Store
from assistant.stt.base import Utterance
from assistant.transcript import Turn

KINDS = {"free": "triggers", "yes_no": "commitments_review", "rating": "progress_safe", "choice": "boundaries"}
"""A check-in step for each listening kind."""


@pytest.fixture(scope="module")
def library() -> DialogLibrary:
    return DialogLibrary.load(seed=0)


@pytest.fixture(scope="module")
def interpreter() -> Interpreter:
    return Interpreter(IntentMatcher.load())


def step(library: DialogLibrary, kind: str) -> Step:
    found = library.scripts["checkin"].step(KINDS[kind])
    assert found.listen == kind
    return found


def heard(text: str, confidence: float = 0.9) -> Heard:
    return Heard(Utterance(text, confidence, 0.3, 1.5), endpoint_at=1.5, listen_seconds=1.5)


# -- the Interpreter ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind,text,trigger,key,rating", [
    ("yes_no", "yes", "answer", "yes", None),
    ("yes_no", "yeah", "answer", "yes", None),
    ("yes_no", "um no thanks", "answer", "no", None),
    ("yes_no", "four", "no_match", None, None),
    ("yes_no", "take it out of the oven", "no_match", None, None),
    ("rating", "four", "answer", None, 4),
    ("rating", "a three", "answer", None, 3),
    ("rating", "five out of five", "answer", None, 5),
    ("rating", "2", "answer", None, 2),
    ("rating", "six", "no_match", None, None),
    ("rating", "yes", "no_match", None, None),
    ("choice", "keep", "answer", "keep", None),
    ("choice", "they are fair", "answer", "keep", None),
    ("choice", "change them", "answer", "change", None),
    ("choice", "maybe", "no_match", None, None),
])
def test_answers_by_listening_kind(library: DialogLibrary, interpreter: Interpreter, kind: str, text: str,
                                   trigger: str, key: str | None, rating: int | None) -> None:
    event = interpreter.interpret(heard(text), step(library, kind), duration_s=2.5)
    assert event.trigger == trigger
    if trigger == "answer":
        assert event.answer is not None
        assert (event.answer.key, event.answer.rating) == (key, rating)
        assert event.answer.duration_s == 2.5
    else:
        assert event.answer is None


def test_free_answer_keeps_the_text(library: DialogLibrary, interpreter: Interpreter) -> None:
    event = interpreter.interpret(heard("when plans change i feel anxious", 0.1), step(library, "free"), 3.0)
    assert (event.trigger, event.intent) == ("answer", "answer")
    assert event.answer is not None
    assert (event.answer.text, event.answer.key, event.answer.duration_s) == \
        ("when plans change i feel anxious", None, 3.0)


@pytest.mark.parametrize("text", ["", "   ", "?!"])
def test_free_answer_without_words_is_no_match(library: DialogLibrary, interpreter: Interpreter,
                                               text: str) -> None:
    assert interpreter.interpret(heard(text), step(library, "free")).trigger == "no_match"


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_silence_is_the_silence_trigger(library: DialogLibrary, interpreter: Interpreter, kind: str) -> None:
    event = interpreter.interpret(None, step(library, kind))
    assert (event.trigger, event.answer) == ("silence", None)


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("text,trigger", [("repeat", "repeat"), ("say that again", "repeat"),
                                          ("skip this", "skip"), ("go back", "back"), ("help", "help"),
                                          ("stop", "stop"), ("time out", "time_out")])
def test_global_commands_in_every_kind(library: DialogLibrary, interpreter: Interpreter, kind: str, text: str,
                                       trigger: str) -> None:
    event = interpreter.interpret(heard(text), step(library, kind))
    assert (event.trigger, event.answer) == (trigger, None)


@pytest.mark.parametrize("kind", ["yes_no", "rating", "choice"])
def test_unsure_command_is_no_match_but_time_out_and_safety_never_are(library: DialogLibrary,
                                                                      interpreter: Interpreter, kind: str) -> None:
    at = step(library, kind)
    assert interpreter.interpret(heard("repeat", 0.1), at).trigger == "no_match"
    assert interpreter.interpret(heard("stop", 0.1), at).trigger == "no_match"
    assert interpreter.interpret(heard("time out", 0.1), at).trigger == "time_out"
    assert interpreter.interpret(heard("i don't feel safe", 0.1), at).trigger == "safety"


def test_time_out_inside_a_free_answer(library: DialogLibrary, interpreter: Interpreter) -> None:
    event = interpreter.interpret(heard("honestly i need a time out right now", 0.5), step(library, "free"))
    assert (event.trigger, event.intent, event.answer) == ("time_out", "time_out", None)
    # A word that merely resembles a command does not stop a free answer.
    plain = interpreter.interpret(heard("we stopped at the store and went back home"), step(library, "free"))
    assert plain.trigger == "answer"


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("text", ["i don't feel safe", "I don't feel safe.", "sometimes i don't feel safe at home"])
def test_safety_from_any_kind(library: DialogLibrary, interpreter: Interpreter, kind: str, text: str) -> None:
    event = interpreter.interpret(heard(text), step(library, kind))
    assert (event.trigger, event.answer) == ("safety", None)


def test_distractor_at_a_yes_no_step(library: DialogLibrary, interpreter: Interpreter) -> None:
    for text in ("take it out of the oven", "what time is it", "stop by the store later today"):
        event = interpreter.interpret(heard(text), step(library, "yes_no"))
        assert event.trigger == "no_match", text


def test_phrases_restrict_each_kind(library: DialogLibrary, interpreter: Interpreter) -> None:
    assert interpreter.phrases(step(library, "free")) == ()
    yes_no = interpreter.phrases(step(library, "yes_no"))
    assert {"yes", "no", "repeat", "go back", "time out", "i don't feel safe"} <= set(yes_no)
    assert "four" not in yes_no and "keep" not in yes_no
    rating = interpreter.phrases(step(library, "rating"))
    assert {"one", "five", "skip"} <= set(rating)
    assert not any(ch.isdigit() for phrase in rating for ch in phrase)
    assert "yes" not in rating
    choice = interpreter.phrases(step(library, "choice"))
    assert {"keep", "change them", "they are fair", "stop"} <= set(choice)
    assert len(choice) == len(set(choice))


# -- the Conversation over typed utterances ------------------------------------------------------------------


class TypedListener:
    """Answers each listen with the next scripted text (None: silence), or a default per kind."""

    def __init__(self, clock: VirtualClock, turns: list[tuple[str, str | None]], defaults: dict[str, str]) -> None:
        self.clock = clock
        self.turns = turns
        self.defaults = defaults
        self.requests: list[ListenRequest] = []

    def listen(self, request: ListenRequest, timeout_s: float | None = None) -> Heard | None:
        self.requests.append(request)
        self.clock.advance(2.0)
        scripted = bool(self.turns) and self.turns[0][0] == request.step
        text = self.turns.pop(0)[1] if scripted else self.defaults[request.kind]
        return None if text is None else Heard(Utterance(text, 0.9, 0.0, 2.0), self.clock.monotonic(), 2.0)


def converse(tmp_path: Path, turns: list[tuple[str, str | None]],
             **dialog: object) -> tuple[str, list[Turn], list[Record]]:
    """Run a check-in over typed turns; returns (final state, transcript turns, store records)."""
    clock = VirtualClock()
    settings = Settings.model_validate({"partners": ["Maya", "Jordan"], "dialog": dialog})
    library = DialogLibrary.load(seed=0)
    listener = TypedListener(clock, list(turns), {"free": "we talked", "rating": "four", "yes_no": "yes",
                                                  "choice": "keep"})
    spoken: list[Line] = []
    with Store.open(tmp_path / "store") as store:
        session = new_checkin(store, library, settings, clock)
        conversation = Conversation(listener, Interpreter(IntentMatcher.load()), spoken.append, clock)
        final = run_session(conversation, session)
        records = store.query()
    assert [line.dialog_id for line in spoken] == conversation.transcript.said()
    return final, conversation.transcript.turns, records


def test_no_match_says_the_options_then_the_answer_counts(tmp_path: Path) -> None:
    final, turns, records = converse(tmp_path, [("progress_safe", "maybe"), ("progress_safe", "three")])
    assert final == "completed"
    lines = [t for t in turns if t.who == "assistant"]
    at = next(i for i, t in enumerate(lines) if t.dialog_id == "checkin.progress_safe")
    assert [t.dialog_id for t in lines[at:at + 3]] == ["checkin.progress_safe", "common.no_match",
                                                       "checkin.progress_safe"]
    assert lines[at + 1].slots == {"options": DialogLibrary.load().render("common.options_rating").text}
    answers = [(a.partner, a.rating) for a in records if isinstance(a, StepAnswer) and a.step == "progress_safe"]
    assert answers == [("Maya", 3), ("Jordan", 4)]


def test_help_explains_then_asks_again(tmp_path: Path) -> None:
    final, turns, _ = converse(tmp_path, [("boundaries", "help")])
    said = [t.dialog_id for t in turns if t.who == "assistant"]
    at = said.index("checkin.boundaries")
    assert said[at:at + 3] == ["checkin.boundaries", "common.help", "checkin.boundaries"]
    help_line = [t for t in turns if t.dialog_id == "common.help"][0]
    assert (help_line.slots or {}).get("step_help") == DialogLibrary.load().render("checkin.boundaries.help").text
    assert final == "completed"


def test_a_change_to_the_boundaries_branches_and_returns(tmp_path: Path) -> None:
    final, turns, records = converse(tmp_path, [("boundaries", "change"),
                                                ("boundary_change", "text me when plans change")])
    said = [t.dialog_id for t in turns if t.who == "assistant"]
    at = said.index("checkin.boundaries")
    assert said[at:at + 3] == ["checkin.boundaries", "checkin.boundary_change", "checkin.progress_safe"]
    change = [a for a in records if isinstance(a, StepAnswer) and a.step == "boundary_change"]
    assert [a.text for a in change] == ["text me when plans change"]
    assert final == "completed"


def test_safety_disclosure_ends_the_checkin(tmp_path: Path) -> None:
    final, turns, records = converse(tmp_path, [("triggers", "sometimes i don't feel safe at home")])
    assert final == "safety"
    said = [t.dialog_id for t in turns if t.who == "assistant"]
    assert said[-1] == "safety.message"
    assert "checkin.boundaries" not in said
    statuses = [e.status for e in records if isinstance(e, SessionEvent) and e.activity == "checkin"]
    assert statuses == ["started", "safety"]
    # Nothing of the disclosure is stored as an answer.
    assert not [a for a in records if isinstance(a, StepAnswer) and a.step == "triggers" and a.partner == "Maya"]


def test_silence_limit_pauses_with_the_place(tmp_path: Path) -> None:
    final, turns, records = converse(tmp_path, [("needs", "we talked"), ("needs", None), ("needs", None),
                                                ("needs", None)], max_silent_prompts=3)
    assert final == "paused"
    said = [t.dialog_id for t in turns if t.who == "assistant"]
    assert said[-4:] == ["checkin.needs", "common.reprompt", "common.reprompt", "common.paused_silence"]
    paused = [e for e in records if isinstance(e, SessionEvent)][-1]
    assert (paused.status, paused.step, paused.state.get("item")) == ("paused", "needs", 1)
