"""The tiered safety response through the real pipeline: clear danger stops at once, an ambiguous statement
gets one calm question first, everyday words of the repair work pass, and "help line" gives the numbers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from safety_helpers import TextListener, journal_bytes, library, settings

from assistant import pipeline
from assistant.clock import VirtualClock
from assistant.dialog.library import Line
from assistant.sessions import new_checkin, run_session
from assistant.store.records import SafetyEvent, StepAnswer
from assistant.store.store import Store

START = datetime(2026, 1, 11, 19, 0, tzinfo=timezone(timedelta(hours=-5)))


@pytest.fixture()
def store(tmp_path: Path):
    with Store.open(tmp_path / "store") as opened:
        yield opened


def _run(store: Store, texts: list[str | None]) -> tuple[str, list[Line]]:
    clock, said = VirtualClock(START), []
    conv = pipeline.conversation(TextListener(list(texts)), said.append, clock, settings(), library(), store)
    return run_session(conv, new_checkin(store, library(), settings(), clock)), said


def _ids(said: list[Line]) -> list[str]:
    return [line.dialog_id for line in said]


def test_clear_danger_stops_at_once_without_a_question(store: Store) -> None:
    final, said = _run(store, ["he put his hands around my neck last night"])
    assert final == "safety"
    assert "safety.check_question" not in _ids(said) and _ids(said).count("safety.message") == 1
    assert len(store.query(SafetyEvent)) == 1 and not store.query(StepAnswer)


def test_an_ambiguous_statement_gets_one_calm_question_and_no_continues_without_keeping_it(
        store: Store, tmp_path: Path) -> None:
    final, said = _run(store, ["I don't feel safe", "no"])
    assert final == "completed"
    ids = _ids(said)
    assert ids.count("safety.check_question") == 1 and "safety.check_continue" in ids
    assert "safety.message" not in ids and not store.query(SafetyEvent)
    assert b"feel safe" not in journal_bytes(tmp_path / "store")  # the words were not kept


def test_an_ambiguous_statement_confirmed_starts_the_safety_response(store: Store) -> None:
    final, said = _run(store, ["I'm scared of him", "yes"])
    assert final == "safety"
    assert _ids(said).index("safety.check_question") < _ids(said).index("safety.message")
    assert len(store.query(SafetyEvent)) == 1


def test_no_answer_to_the_question_gives_the_numbers_quietly_and_goes_on(store: Store) -> None:
    final, said = _run(store, ["I don't feel safe", None, None])
    assert final == "completed"
    ids = _ids(said)
    assert ids.count("safety.check_question") == 2 and "safety.message" not in ids
    quiet = next(line for line in said if line.dialog_id == "safety.check_unanswered")
    assert "988" in quiet.text


def test_the_repair_works_own_words_pass(store: Store) -> None:
    final, said = _run(store, ["I don't feel safe sharing my phone yet"])
    assert final == "completed"
    assert "safety.check_question" not in _ids(said) and "safety.message" not in _ids(said)
    assert any("sharing my phone" in (answer.text or "") for answer in store.query(StepAnswer))


def test_help_line_gives_the_numbers_and_the_step_goes_on(store: Store) -> None:
    final, said = _run(store, ["help line"])
    assert final == "completed"
    line = next(line for line in said if line.dialog_id == "safety.help_line")
    assert "988" in line.text and "safety.message" not in _ids(said)
