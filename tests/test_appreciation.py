"""Appreciation: prompt choice without repeats, streaks, milestones, transcripts kept or not."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from assistant import sessions
from assistant.activities.appreciation import POOL, choose_prompt, is_milestone
from assistant.activities.registry import SessionContext
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.conversation import Conversation
from assistant.dialog.library import DialogLibrary, Line
from assistant.intents import IntentMatcher
from assistant.interpret import Interpreter
from assistant.simulate.calendar import TypedTurns
from assistant.store.records import Appreciation
from assistant.store.store import Store
from assistant.streaks import streak

NOW = datetime(2026, 5, 20, 20, 0, tzinfo=timezone.utc)


def used(prompt: str, days_ago: float) -> Appreciation:
    return Appreciation(at=(NOW - timedelta(days=days_ago)).isoformat(), partner="Alex", prompt_id=prompt)


def test_the_pool_has_at_least_30_prompts_of_each_kind() -> None:
    pool = [key for key in DialogLibrary.load().prompts if key.startswith(f"{POOL}.")]
    assert len(pool) >= 30
    for kind in ("care", "reliability", "repair", "quality"):
        assert sum(key.startswith(f"{POOL}.{kind}_") for key in pool) >= 5, kind


def test_prompts_used_in_the_last_14_days_are_never_chosen() -> None:
    pool = [f"p{i}" for i in range(20)]
    history = [used(f"p{i}", i) for i in range(14)]  # p0..p13 used 0..13 days ago
    picks = {choose_prompt(pool, history, NOW, random.Random(seed)) for seed in range(200)}
    assert picks == {f"p{i}" for i in range(14, 20)}


def test_when_every_prompt_is_recent_the_least_recently_used_is_chosen() -> None:
    pool = ["a", "b", "c"]
    history = [used("a", 1), used("b", 5), used("c", 3), used("a", 9)]
    assert choose_prompt(pool, history, NOW, random.Random(0)) == "b"


def test_streak_counts_consecutive_days_ending_today() -> None:
    today = date(2026, 5, 20)
    days = {today - timedelta(days=i) for i in (0, 1, 2, 4, 5)}
    assert streak(days, today) == 3
    assert streak(days - {today}, today) == 0
    assert [n for n in range(1, 401) if is_milestone(n)] == [3, 7, 14, 30, 60, 100, 200, 300, 400]


def run_once(tmp_path: Path, settings: Settings, answers: list[str]) -> tuple[str, Store, list[Line]]:
    clock = VirtualClock(NOW)
    store = Store.open(tmp_path / "store", keep_transcripts=settings.dialog.keep_transcripts)
    queue = list(answers)
    said: list[Line] = []
    listener = TypedTurns(clock, lambda request, now: queue.pop(0), timezone.utc)
    conversation = Conversation(listener, Interpreter(IntentMatcher.load()), said.append, clock)
    final = sessions.run_session(conversation, sessions.new_session(
        "appreciation", SessionContext(store, DialogLibrary.load(seed=3), settings, clock, timezone.utc, seed=3)))
    return final, store, said


def test_each_partner_is_invited_in_turn_and_the_answer_is_kept_as_text(tmp_path: Path) -> None:
    final, store, said = run_once(tmp_path, Settings(), ["you made me coffee", "you called at lunch"])
    assert final == "completed"
    records = [r for r in store.query(Appreciation) if isinstance(r, Appreciation)]
    assert [(r.partner, r.text, r.skipped) for r in records] == [
        ("Alex", "you made me coffee", False), ("Sam", "you called at lunch", False)]
    assert len({r.prompt_id for r in records}) == 1
    invites = [line for line in said if line.dialog_id == "appreciation.appreciate"]
    assert [(line.slots["partner"], line.slots["other"]) for line in invites] == [("Alex", "Sam"), ("Sam", "Alex")]
    assert "Sam" in invites[0].slots["prompt"] and "Alex" in invites[1].slots["prompt"]


def test_without_transcripts_only_the_fact_is_kept_and_a_skip_is_marked(tmp_path: Path) -> None:
    settings = Settings.model_validate({"dialog": {"keep_transcripts": False}})
    final, store, said = run_once(tmp_path, settings, ["you made me coffee", "skip"])
    assert final == "completed"
    records = [r for r in store.query(Appreciation) if isinstance(r, Appreciation)]
    assert [(r.partner, r.text, r.skipped) for r in records] == [("Alex", None, False), ("Sam", None, True)]
    closing = [line for line in said if line.dialog_id == "appreciation.closing"][0]
    assert closing.slots["celebration_id"] == "streaks.first"
