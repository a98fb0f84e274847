"""Issue 12: after a stop about violence, threats, fear or control, joint check-ins stay held on every day (not
only that day) until each partner, on their own, asks for them again with `assistant reopen-checkins NAME`
(typed, no sound). Real check-ins, companion, CLI and store on disk."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from safety_helpers import TextListener, library

from assistant import after_safety, paths, pipeline
from assistant.cli import cli
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.dialog.library import Line
from assistant.intents import IntentMatcher
from assistant.safety import HELD_STATE
from assistant.schedule.companion import Companion
from assistant.schedule.reminders import RETURN_PROMPT
from assistant.schedule.scheduler import Scheduler
from assistant.sessions import new_checkin, run_session
from assistant.store.records import JointCheckinRequest, PromptEvent, SafetyEvent, SessionEvent, TimeOut
from assistant.store.store import Store

pytestmark = pytest.mark.usefixtures("private_umask")
START = datetime(2026, 1, 11, 19, 0, tzinfo=timezone.utc)  # a Sunday: the default check-in day
PARTNERS = ("Alex", "Sam")  # tests/conftest.py names the couple so
SETTINGS = Settings.model_validate({"partners": list(PARTNERS)})


def checkin(data: Path, texts: list[str | None], at: datetime) -> tuple[str, list[Line]]:
    """One check-in as a couple starts it (not "we both asked"): its final state and what was said."""
    said: list[Line] = []
    clock = VirtualClock(at)
    with Store.open(data) as store:
        conversation = pipeline.conversation(TextListener(list(texts)), said.append, clock, SETTINGS, library(), store)
        return run_session(conversation, new_checkin(store, library(), SETTINGS, clock)), said


def reopen(data: Path, partner: str, answer: str = "y\n") -> str:
    done = CliRunner().invoke(cli, ["--data-dir", str(data), "reopen-checkins", partner], input=answer)
    assert done.exit_code == 0, done.output
    return done.output


def waiting(data: Path) -> tuple[str, ...]:
    with Store.open(data) as store:
        return after_safety.waiting_on(store, PARTNERS)


def test_a_violence_stop_holds_every_later_checkin_until_each_partner_asks(tmp_path: Path) -> None:
    assert checkin(tmp_path, ["he pushed me against the wall"], START)[0] == "safety"
    for days in (1, 8, 60):  # not only that day
        final, said = checkin(tmp_path, [], START + timedelta(days=days))
        assert (final, [line.dialog_id for line in said]) == (HELD_STATE, ["safety.checkin_held_violence"])
    assert waiting(tmp_path) == PARTNERS

    output = reopen(tmp_path, "alex")  # each on their own, typed; a name in any case
    assert "Noted for Alex" in output and "988" in output  # the numbers are printed with the question
    assert waiting(tmp_path) == ("Sam",)
    assert checkin(tmp_path, [], START + timedelta(days=61))[0] == HELD_STATE  # one partner is not enough
    assert "already asked" in reopen(tmp_path, "Alex")

    reopen(tmp_path, "Sam")
    assert waiting(tmp_path) == ()
    final, said = checkin(tmp_path, ["thank you for listening"], START + timedelta(days=62))
    assert final != HELD_STATE and said[0].dialog_id != "safety.checkin_held_violence"
    with Store.open(tmp_path) as store:
        assert [r.partner for r in store.query(JointCheckinRequest)] == ["Alex", "Sam"]
        started = [e for e in store.query(SessionEvent) if e.status == "started"]
        assert started[-1].when == START + timedelta(days=62)


def test_a_new_stop_about_violence_holds_them_again(tmp_path: Path) -> None:
    assert checkin(tmp_path, ["she choked me"], START)[0] == "safety"
    reopen(tmp_path, "Alex")
    reopen(tmp_path, "Sam")
    later = datetime.now(timezone.utc) + timedelta(days=1)  # after the requests (the CLI writes the real time)
    assert checkin(tmp_path, ["I'm scared of him", "yes"], later)[0] == "safety"
    assert waiting(tmp_path) == PARTNERS
    assert checkin(tmp_path, [], later + timedelta(days=7))[0] == HELD_STATE


def test_a_self_harm_stop_holds_only_that_day(tmp_path: Path) -> None:
    assert checkin(tmp_path, ["I want to kill myself"], START)[0] == "safety"
    assert waiting(tmp_path) == ()
    assert "Nothing is paused" in reopen(tmp_path, "Alex")
    assert checkin(tmp_path, [], START + timedelta(days=1))[0] != HELD_STATE


@pytest.mark.parametrize(("partner", "answer"), [("Jordan", "y\n"), ("Alex", "n\n"), ("Alex", "")])
def test_nothing_is_noted_without_a_partners_own_yes(tmp_path: Path, partner: str, answer: str) -> None:
    assert checkin(tmp_path, ["he hit me"], START)[0] == "safety"
    done = CliRunner().invoke(cli, ["--data-dir", str(tmp_path), "reopen-checkins", partner], input=answer)
    if partner == "Jordan":
        assert done.exit_code == 1 and "not one of the names" in done.output and "Traceback" not in done.output
    else:
        assert done.exit_code == 0 and "Nothing was noted" in done.output
    assert waiting(tmp_path) == PARTNERS


@pytest.mark.parametrize("prompt", ["checkin_reminder", RETURN_PROMPT])
def test_no_invitation_back_to_the_checkin_is_spoken_while_held(tmp_path: Path, prompt: str) -> None:
    """Neither the weekly invitation nor a time out's agreed return: both lead only to the held check-in."""
    assert checkin(tmp_path, ["he threatened me with a knife"], START)[0] == "safety"
    clock = VirtualClock(START + timedelta(days=7))  # the next check-in day, at the reminder time
    said: list[Line] = []
    with Store.open(tmp_path) as store:
        if prompt == RETURN_PROMPT:  # a time out (from another activity) rescheduled to three days on
            clock = VirtualClock(START + timedelta(days=3))
            store.append(TimeOut(at=(clock.now() - timedelta(minutes=30)).isoformat(),
                                 started_at=(clock.now() - timedelta(minutes=50)).isoformat(),
                                 outcome="reschedule", return_at=clock.now().isoformat()))
        conversation = pipeline.conversation(TextListener([]), said.append, clock, SETTINGS, library(), store)
        companion = Companion(conversation, library(), store, SETTINGS, clock,
                              Scheduler.from_settings(store, clock, SETTINGS.schedule, "UTC"),
                              IntentMatcher.load(paths.dialogs_dir() / "activation.yaml"), timezone.utc)
        spoke = [companion.tick() for _ in range(3)]
        prompts = [(e.prompt, e.outcome) for e in store.query(PromptEvent)]
        assert len(store.query(SafetyEvent)) == 1
    assert spoke == [False] * 3 and said == []
    assert (prompt, "held") in prompts
