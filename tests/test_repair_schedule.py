"""A missed weekly check-in is offered again the next day (the scheduler on a virtual clock, a real store)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from assistant.clock import VirtualClock
from assistant.config import ScheduleSettings
from assistant.schedule.rules import MAKEUP_PROMPT
from assistant.schedule.scheduler import Scheduler
from assistant.store.store import Store

NY = ZoneInfo("America/New_York")
SUNDAY = datetime(2026, 1, 4, 18, 0, tzinfo=NY)  # the check-in is due Sundays at 19:00


def prompts_over(store: Store, clock: VirtualClock, hours: int, answer: str | None) -> list[tuple[str, str]]:
    """Run the scheduler hour by hour; each prompt spoken is answered with `answer` (None: nobody answers)."""
    scheduler = Scheduler.from_settings(store, clock, ScheduleSettings(appreciation_times=[]), NY)
    spoken = []
    for _ in range(hours * 6):
        action = scheduler.settle()
        if action is not None and action.rule.prompt != "agreement_review":
            scheduler.record(action, "spoken")
            spoken.append((action.rule.prompt, clock.now().astimezone(NY).strftime("%a %H:%M")))
            if answer is not None:
                scheduler.record(action, answer)
        elif action is not None:
            scheduler.record(action, "answered")
        clock.advance(600)
    return spoken


@pytest.mark.parametrize("answer", [None, "missed"])
def test_a_missed_checkin_is_offered_again_the_next_day(tmp_path: Path, answer: str | None) -> None:
    clock = VirtualClock(SUNDAY)
    with Store.open(tmp_path) as store:
        spoken = prompts_over(store, clock, 48, answer)
    first = [("checkin_reminder", "Sun 19:00")]
    retry = [] if answer else [("checkin_reminder", "Sun 19:10")]
    again = [(MAKEUP_PROMPT, "Mon 19:00")] + ([] if answer else [(MAKEUP_PROMPT, "Mon 19:10")])
    assert spoken == first + retry + again


def test_an_answered_checkin_is_not_offered_again(tmp_path: Path) -> None:
    clock = VirtualClock(SUNDAY)
    with Store.open(tmp_path) as store:
        spoken = prompts_over(store, clock, 48, "answered")
    assert spoken == [("checkin_reminder", "Sun 19:00")]


def test_the_second_chance_is_offered_once_not_every_day(tmp_path: Path) -> None:
    clock = VirtualClock(SUNDAY)
    with Store.open(tmp_path) as store:
        spoken = prompts_over(store, clock, 24 * 6, "missed")
    assert [prompt for prompt, _ in spoken] == ["checkin_reminder", MAKEUP_PROMPT]


def test_a_checkin_held_after_a_safety_stop_is_not_offered_again(tmp_path: Path) -> None:
    clock = VirtualClock(SUNDAY)
    with Store.open(tmp_path) as store:
        spoken = prompts_over(store, clock, 48, "held")
    assert spoken == [("checkin_reminder", "Sun 19:00")]
