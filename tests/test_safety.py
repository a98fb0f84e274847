"""Safety responses: every step stops, the message has the country's resources, only the fact is logged,
and the check-in is held for the rest of the day unless the couple asks."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from safety_helpers import conversation, journal_bytes, library, settings

from assistant.clock import VirtualClock
from assistant.safety import HELD_DIALOG_ID, HELD_STATE, checkin_blocked_today, log_safety, safety_line
from assistant.sessions import new_checkin, run_session
from assistant.store.codec import to_dict
from assistant.store.records import SafetyEvent, SessionEvent, StepAnswer
from assistant.store.store import Store

START = datetime(2026, 1, 11, 19, 0, tzinfo=timezone(timedelta(hours=-5)))
DISCLOSURE = "honestly he hit me last night"


@pytest.fixture()
def store(tmp_path: Path):
    with Store.open(tmp_path / "store") as opened:
        yield opened


def _run(store: Store, clock: VirtualClock, texts: list[str | None], **kwargs: object):
    lib = library()
    conv, said = conversation(texts, clock)
    session = new_checkin(store, lib, settings(), clock, **kwargs)
    return run_session(conv, session), said, session


def test_disclosure_in_a_free_answer_stops_the_checkin_and_logs_only_the_fact(store: Store, tmp_path: Path):
    clock = VirtualClock(START)
    final, said, session = _run(store, clock, [DISCLOSURE])
    assert final == "safety"
    assert said[-1].dialog_id == "safety.message"
    assert "988" in said[-1].text and "1 800 799 7233" in said[-1].text
    events = store.query(SafetyEvent)
    assert len(events) == 1 and isinstance(events[0], SafetyEvent)
    assert set(to_dict(events[0])) == {"kind", "version", "at", "id", "activity", "category"}
    assert events[0].category in {"partner_violence", "self_harm", "threat", "fear", "other"}  # coarse, no words
    assert [e.status for e in store.query(SessionEvent)] == ["started", "safety"]  # type: ignore[attr-defined]
    assert not store.query(StepAnswer)  # the disclosure was not recorded as an answer
    data = journal_bytes(tmp_path / "store")
    assert b"hit" not in data and b"last night" not in data


@pytest.mark.parametrize("country,expected", [("US", "988"), ("GB", "116 123"), ("FR", "local crisis line")])
def test_the_message_uses_the_configured_country(country: str, expected: str):
    line = safety_line(library(), country)
    assert line.dialog_id == "safety.message" and expected in line.text
    assert "not a therapist or an emergency service" in line.text


@pytest.mark.parametrize("answers", [[], ["thank you"], ["thank you", "thanks too"]])
@pytest.mark.parametrize("phrase", ["i want to hurt myself", "i don't want to live", "she hurt me",
                                    "i'm scared of her", "I don't feel safe.", "i might hurt myself"])
def test_safety_is_heard_at_any_step(store: Store, phrase: str, answers: list[str]):
    clock = VirtualClock(START)
    final, said, session = _run(store, clock, [*answers, phrase])
    assert final == "safety"
    assert session.model.paused_at is not None
    assert sum(line.dialog_id == "safety.message" for line in said) == 1


def test_safety_during_a_yes_no_and_a_rating_step(store: Store):
    lib = library()
    script = lib.scripts["checkin"]
    kinds = {step.id: step.listen for step in script.steps}
    clock = VirtualClock(START)
    # appreciations, transparency (no, no), triggers each said back and confirmed, boundaries, then the rating
    conv, said = conversation(["a", "b", "no", "no", "c", "c back", "yes", "d", "d back", "yes", "keep",
                               "i want to die"], clock)
    final = run_session(conv, new_checkin(store, lib, settings(), clock))
    assert final == "safety"
    listened = [r.kind for r in conv.listener.requests]  # type: ignore[attr-defined]
    assert listened[-1] == "rating" and "choice" in listened
    assert "rating" in kinds.values()


def test_checkin_is_held_the_same_day_and_runs_the_next_day(store: Store):
    clock = VirtualClock(START)
    assert _run(store, clock, [DISCLOSURE])[0] == "safety"
    assert checkin_blocked_today(store, clock)
    clock.advance(3600)
    final, said, session = _run(store, clock, ["thank you"])
    assert final == HELD_STATE
    assert [line.dialog_id for line in said] == [HELD_DIALOG_ID]
    statuses = [e.status for e in store.query(SessionEvent)]  # type: ignore[attr-defined]
    assert statuses == ["started", "safety"]  # nothing was started
    clock.advance_to(datetime(2026, 1, 12, 0, 1, tzinfo=START.tzinfo))
    assert not checkin_blocked_today(store, clock)
    final, said, _ = _run(store, clock, [])
    assert final == "completed" and said[0].dialog_id == "checkin.grounding"


def test_the_couple_can_ask_to_continue_the_same_day(store: Store):
    clock = VirtualClock(START)
    _run(store, clock, [DISCLOSURE])
    final, said, session = _run(store, clock, [], after_safety=True)
    assert session.held is None
    assert final == "completed"


def test_blocked_today_uses_the_local_calendar_day(store: Store):
    clock = VirtualClock(START.replace(hour=23, minute=30))  # 04:30 UTC the next day
    log_safety(store, clock, "checkin")
    assert checkin_blocked_today(store, clock)
    clock.advance(20 * 60)  # 23:50 local: same day
    assert checkin_blocked_today(store, clock)
    clock.advance(15 * 60)  # 00:05 local: a new day
    assert not checkin_blocked_today(store, clock)


def test_an_event_in_the_future_or_an_old_one_does_not_block(store: Store):
    clock = VirtualClock(START)
    log_safety(store, VirtualClock(START - timedelta(days=1)), "checkin")
    assert not checkin_blocked_today(store, clock)
    log_safety(store, VirtualClock(START + timedelta(hours=1)), "checkin")
    assert not checkin_blocked_today(store, clock)


def test_ordinary_heated_sentences_do_not_stop_the_checkin(store: Store):
    clock = VirtualClock(START)
    heated = ["you never listen to me", "i am so angry right now", "why did you do that",
              "stop interrupting me please i hate that"]
    final, said, _ = _run(store, clock, heated)
    assert final == "completed"
    assert not store.query(SafetyEvent)
    assert all(line.dialog_id != "safety.message" for line in said)
