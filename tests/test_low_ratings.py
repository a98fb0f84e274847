"""Issue 12: a rating of 1-2 on safety or closeness gets a gentle follow-up with the therapy signpost, kept in
the store as a flag (no content); 3-5 pass without one. Real check-in, real store on disk."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from safety_helpers import library, settings

from assistant import pipeline
from assistant.audio.base import ListenRequest
from assistant.clock import VirtualClock
from assistant.dialog.library import Line
from assistant.listener import Heard
from assistant.sessions import new_checkin, run_session
from assistant.store.records import StepAnswer
from assistant.store.store import Store
from assistant.stt.base import Utterance

START = datetime(2026, 1, 11, 19, 0, tzinfo=timezone(timedelta(hours=-5)))
DEFAULTS = {"yes_no": "yes", "rating": "four", "free": "we talked", "choice": "keep"}


class StepListener:
    """Answers each step's listens in turn from `answers[step]`; other steps get an everyday default."""

    def __init__(self, answers: dict[str, list[str]]) -> None:
        self.answers = {step: list(texts) for step, texts in answers.items()}

    def listen(self, request: ListenRequest, timeout_s: float | None = None) -> Heard | None:
        queue = self.answers.get(request.step) or []
        text = queue.pop(0) if queue else DEFAULTS.get(request.kind, "yes")
        return Heard(Utterance(text=text, confidence=0.9, start=0.0, end=1.0), 0.0, 1.0)


def _run(directory: Path, answers: dict[str, list[str]]) -> tuple[str, list[Line], list[StepAnswer]]:
    said: list[Line] = []
    with Store.open(directory) as store:
        clock = VirtualClock(START)
        conv = pipeline.conversation(StepListener(answers), said.append, clock, settings(), library(), store)
        final = run_session(conv, new_checkin(store, library(), settings(), clock))
    with Store.open(directory) as reopened:  # what is on disk
        return final, said, reopened.query(StepAnswer)


def test_a_low_safety_rating_gets_the_follow_up_once_for_that_partner_and_a_flag(tmp_path: Path) -> None:
    final, said, answers = _run(tmp_path / "store", {"progress_safe": ["two", "five"]})
    assert final == "completed"
    follow_ups = [line for line in said if line.dialog_id == "checkin.safe_low"]
    assert len(follow_ups) == 1 and "therapist" in follow_ups[0].text
    asked = [line.dialog_id for line in said]
    assert asked.count("checkin.progress_safe") == 2  # the other partner is still asked afterwards
    assert asked.index("checkin.safe_low") < asked.index("checkin.progress_close")
    assert "checkin.close_low" not in asked
    flags = [a for a in answers if a.step == "safe_low"]
    assert len(flags) == 1 and flags[0].intent == "flag"
    assert flags[0].partner == follow_ups[0].slots["partner"]
    assert flags[0].text is None and flags[0].rating is None  # a flag, nothing of what was said
    assert sorted(a.rating for a in answers if a.step == "progress_safe") == [2, 5]


@pytest.mark.parametrize("rating", ["one", "2"])
def test_a_low_closeness_rating_gets_its_own_follow_up(tmp_path: Path, rating: str) -> None:
    final, said, answers = _run(tmp_path / "store", {"progress_close": ["four", rating]})
    assert final == "completed"
    asked = [line.dialog_id for line in said]
    assert asked.count("checkin.close_low") == 1 and "checkin.safe_low" not in asked
    assert asked.index("checkin.close_low") < asked.index("checkin.needs")
    assert [a.intent for a in answers if a.step == "close_low"] == ["flag"]


def test_ratings_of_three_and_above_pass_without_a_word(tmp_path: Path) -> None:
    final, said, answers = _run(tmp_path / "store", {"progress_safe": ["three", "three"],
                                                     "progress_close": ["four", "five"]})
    assert final == "completed"
    assert not {"checkin.safe_low", "checkin.close_low"} & {line.dialog_id for line in said}
    assert not [a for a in answers if a.intent == "flag"]
