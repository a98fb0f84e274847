"""Issue 12: a SafetyEvent keeps the danger's coarse category (never the words), so the resume rule can refuse a
joint restart after violence; records written before v2 (no category) read as the cautious default.
Real check-ins and the always-on companion over a real store on disk."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from safety_helpers import TextListener, journal_bytes, library, settings

from assistant import after_safety, paths, pipeline
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.danger.resume import event_category, resume_policy
from assistant.dialog.library import DialogLibrary, Line
from assistant.intents import IntentMatcher
from assistant.safety import log_safety
from assistant.schedule.companion import Companion
from assistant.schedule.scheduler import Scheduler
from assistant.sessions import new_checkin, run_session
from assistant.simulate.calendar import TypedTurns
from assistant.store.records import SafetyEvent, SessionEvent
from assistant.store.store import Store

START = datetime(2026, 1, 11, 19, 0, tzinfo=timezone(timedelta(hours=-5)))
NY = ZoneInfo("America/New_York")
V1_FIXTURE = Path(__file__).parent / "fixtures" / "store_v1"


def _checkin(directory: Path, texts: list[str | None], start: datetime = START) -> str:
    clock = VirtualClock(start)
    with Store.open(directory) as store:
        conv = pipeline.conversation(TextListener(list(texts)), [].append, clock, settings(), library(), store)
        return run_session(conv, new_checkin(store, library(), settings(), clock, after_safety=True))


def _events(directory: Path) -> list[SafetyEvent]:
    with Store.open(directory) as store:  # reopened: what is on disk
        return store.query(SafetyEvent)


@pytest.mark.parametrize(("texts", "category", "joint"), [
    (["my husband hit me last night"], "partner_violence", "held"),
    (["he said he would kill me if I left"], "partner_violence", "held"),
    (["I'm scared of him", "yes"], "fear", "held"),
    (["I could kill him, I have a knife"], "threat", "held"),
    (["I want to kill myself"], "self_harm", "when_both_ask"),
    (["I am not safe", "yes"], "fear", "held"),
])
def test_the_stop_records_its_category_and_the_rule_follows_it(tmp_path: Path, texts: list[str | None],
                                                              category: str, joint: str) -> None:
    assert _checkin(tmp_path / "store", texts) == "safety"
    events = _events(tmp_path / "store")
    assert [(e.category, e.activity) for e in events] == [(category, "checkin")]
    with Store.open(tmp_path / "store") as store:
        assert after_safety.policy_now(store, settings().partners).joint_checkin == joint
    assert str(texts[0]).encode() not in journal_bytes(tmp_path / "store")  # the words are not kept


def test_an_unknown_or_unassessed_category_is_kept_as_other() -> None:
    assert [event_category(c) for c in ("unassessed", "", "suicide", "coercive_control")] == [
        "other", "other", "self_harm", "partner_violence"]
    assert resume_policy("other").joint_checkin == "when_both_ask"


def test_a_later_stop_of_another_kind_does_not_lift_the_hold_after_violence(tmp_path: Path) -> None:
    assert _checkin(tmp_path / "store", ["she choked me"]) == "safety"
    assert _checkin(tmp_path / "store", ["I want to end my life"], START + timedelta(days=8)) == "held"
    with Store.open(tmp_path / "store") as store:  # said to the always-on companion instead
        log_safety(store, VirtualClock(START + timedelta(days=8)), "idle", "suicide")
    assert [e.category for e in _events(tmp_path / "store")] == ["partner_violence", "self_harm"]
    with Store.open(tmp_path / "store") as store:
        policy = after_safety.policy_now(store, settings().partners)
    assert (policy.joint_checkin, policy.dialog_id) == ("held", "safety.resume_held_violence")


def test_a_v1_record_without_category_reads_as_the_cautious_default(tmp_path: Path,
                                                                    private_umask: None) -> None:
    directory = tmp_path / "data"
    shutil.copytree(V1_FIXTURE, directory)
    directory.chmod(0o700)
    for path in directory.iterdir():
        path.chmod(0o600)
    assert [e.category for e in _events(directory)] == [""]
    with Store.open(directory) as store:
        policy = after_safety.policy_now(store, settings().partners)
        assert (policy.joint_checkin, policy.resume_requires) == ("when_both_ask", "both_ask")


def test_we_both_asked_is_refused_after_violence_said_to_the_companion(tmp_path: Path) -> None:
    clock = VirtualClock(datetime(2026, 1, 6, 10, 0, tzinfo=NY))
    replies: list[str | None] = ["he pushed me down the stairs", "we both asked for it"]
    said: list[Line] = []
    store = Store.open(tmp_path / "store")
    hearing = TypedTurns(clock, lambda request, now: replies.pop(0) if replies else None, NY)
    conversation = pipeline.conversation(hearing, said.append, clock, Settings(), DialogLibrary.load(seed=0), store)
    idle = Companion(conversation, DialogLibrary.load(seed=0), store, Settings(), clock,
                     Scheduler.from_settings(store, clock, Settings().schedule, NY),
                     IntentMatcher.load(paths.dialogs_dir() / "activation.yaml"), NY)
    try:
        assert idle.idle_once(5.0) == "safety"
        assert [e.category for e in store.query(SafetyEvent)] == ["partner_violence"]
        assert idle.idle_once(5.0) == "both_asked"
        assert said[-1].dialog_id == "safety.resume_held_violence"
        assert not [e for e in store.query(SessionEvent) if e.activity == "checkin"]  # nothing started
    finally:
        store.close()
