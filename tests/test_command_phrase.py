"""Issue 12: a command phrase used as a noun phrase inside a sentence ("time out for the kids") is not a
command; said as a command inside longer speech it still is. Through the one interpreter, and a real check-in."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from safety_helpers import TextListener, library, settings

from assistant import pipeline
from assistant.clock import VirtualClock
from assistant.dialog.library import Line
from assistant.interpret import GLOBAL_COMMANDS
from assistant.listening import Heard
from assistant.sessions import new_checkin, run_session
from assistant.store.records import StepAnswer, TimeOut
from assistant.store.store import Store
from assistant.stt.base import Utterance

INTERPRETER = pipeline.interpreter()


def _intent(text: str) -> str | None:
    heard = Heard(Utterance(text=text, confidence=0.95, start=0.0, end=1.0), 0.0, 1.0)
    return INTERPRETER.decide(heard, "free", GLOBAL_COMMANDS).intent


@pytest.mark.parametrize("text", [
    "Time out for the kids", "time out for the kids has been hard this week", "we had a time out at the zoo",
    "the time out went badly", "during time out I went for a walk", "I need a break from work",
    "our break last weekend felt long", "after the time out yesterday we talked", "the kids' time out was fun",
    "time out is hard for me"])
def test_a_command_phrase_inside_a_noun_phrase_is_not_a_command(text: str) -> None:
    assert _intent(text) is None


@pytest.mark.parametrize("text", [
    "time out", "Time out, I can't do this", "time out I'm getting really angry", "okay time out please",
    "I think we need a time out", "let's take a break and come back later", "take a break for ten minutes",
    "I need a time out right now", "Time out. For the kids.", "time out this is too much",
    "stop the session time out everyone"])
def test_a_command_phrase_said_as_a_command_still_is_one(text: str) -> None:
    assert _intent(text) == "time_out"


def test_a_checkin_answer_about_the_kids_time_out_is_kept_as_an_answer(tmp_path: Path) -> None:
    said: list[Line] = []
    clock = VirtualClock(datetime(2026, 1, 11, 19, 0, tzinfo=timezone(timedelta(hours=-5))))
    with Store.open(tmp_path / "store") as store:
        conv = pipeline.conversation(TextListener(["Time out for the kids"]), said.append, clock, settings(),
                                     library(), store)
        assert run_session(conv, new_checkin(store, library(), settings(), clock)) == "completed"
        assert not store.query(TimeOut)
        assert [a.step for a in store.query(StepAnswer) if a.text == "Time out for the kids"] == ["appreciations"]
    assert not [line for line in said if line.dialog_id.startswith("timeout.")]
