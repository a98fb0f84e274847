"""A simulated month of the always-on companion (real store on disk, real dialog files, virtual clock)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from assistant.audio.base import ListenRequest
from assistant.config import Settings
from assistant.schedule.rules import in_quiet_hours
from assistant.simulate.calendar import CalendarResult, default_responder, simulate_calendar
from assistant.store.records import Appreciation, PromptEvent

NY = ZoneInfo("America/New_York")
START = datetime(2026, 3, 1, 8, 0, tzinfo=NY)  # the month with the spring-forward change (March 8)


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> CalendarResult:
    """31 days where the couple always takes part."""
    return simulate_calendar(tmp_path_factory.mktemp("month") / "store", Settings(), START, 31, tz=NY)


def invitations(result: CalendarResult, prompt: str) -> list[datetime]:
    return [line.at for line in result.lines if line.dialog_id == f"always_on.{prompt}_due"]


def test_prompts_come_at_the_right_local_times_across_the_dst_change(month: CalendarResult) -> None:
    daily = invitations(month, "appreciation")
    assert [d.date() for d in daily] == [date(2026, 3, 1) + timedelta(days=i) for i in range(31)]
    assert {d.strftime("%H:%M") for d in daily} == {"20:00"}
    assert {d.utcoffset() for d in daily} == {timedelta(hours=-5), timedelta(hours=-4)}
    weekly = invitations(month, "checkin_reminder")
    assert [(d.day, d.strftime("%a %H:%M")) for d in weekly] == [
        (1, "Sun 19:00"), (8, "Sun 19:00"), (15, "Sun 19:00"), (22, "Sun 19:00"), (29, "Sun 19:00")]
    assert [(d.day, d.strftime("%H:%M")) for d in invitations(month, "agreement_review")] == [(1, "19:30")]


def test_nothing_is_said_in_quiet_hours(month: CalendarResult) -> None:
    assert month.lines
    assert [line for line in month.lines if in_quiet_hours(line.at, ("22:30", "07:30"), NY)] == []


def test_no_appreciation_prompt_repeats_within_14_days(month: CalendarResult) -> None:
    used = [(r.when, r.prompt_id) for r in month.store.query(Appreciation) if isinstance(r, Appreciation)]
    first_use: dict[str, datetime] = {}
    days_per_prompt: dict[str, set[date]] = {}
    for when, prompt in used:
        days_per_prompt.setdefault(prompt, set()).add(when.astimezone(NY).date())
    for prompt, days in days_per_prompt.items():
        ordered = sorted(days)
        gaps = [(b - a).days for a, b in zip(ordered, ordered[1:], strict=False)]
        assert all(gap >= 14 for gap in gaps), (prompt, ordered)
        first_use[prompt] = min(days)  # type: ignore[assignment]
    assert len(days_per_prompt) >= 17  # 31 days from a pool of 34 with a 14-day rule needs at least 17 prompts


def test_both_partners_answer_in_turn_and_streaks_are_announced_at_milestones(month: CalendarResult) -> None:
    turns = [line.slots["partner"] for line in month.lines if line.dialog_id == "appreciation.appreciate"]
    assert turns[:4] == ["Alex", "Sam", "Alex", "Sam"]
    closings = [line for line in month.lines if line.dialog_id == "appreciation.closing"]
    milestones = [(c.at.day, c.slots["streak_days"]) for c in closings
                  if c.slots["celebration_id"] == "streaks.milestone"]
    assert milestones == [(3, "3"), (7, "7"), (14, "14"), (30, "30")]
    assert all(c.slots["streak_days"] in c.slots["celebration"] for c in closings
               if c.slots["celebration_id"] == "streaks.milestone")


def replies(overrides: dict[tuple[date, str], list[str | None]]):  # type: ignore[no-untyped-def]
    """A responder that answers `overrides[(local day, kind)]` in order, then like the default."""
    queues = {key: list(value) for key, value in overrides.items()}

    def respond(request: ListenRequest, now: datetime) -> str | None:
        queue = queues.get((now.date(), request.kind))
        if queue:
            return queue.pop(0)
        return default_responder(request, now)
    return respond


def test_later_snoozes_and_silence_gets_one_gentle_retry_then_is_let_go(tmp_path: Path) -> None:
    respond = replies({(date(2026, 3, 2), "ready"): ["later", "ready"],
                       (date(2026, 3, 3), "ready"): [None, None, None]})
    result = simulate_calendar(tmp_path / "store", Settings(), START, 4, tz=NY, responder=respond)
    day2 = [(line.at.strftime("%H:%M"), line.dialog_id) for line in result.lines
            if line.at.day == 2 and line.dialog_id.startswith("always_on")]
    assert day2 == [("20:00", "always_on.appreciation_due"), ("20:00", "always_on.snoozed"),
                    ("20:30", "always_on.appreciation_due")]
    assert [line.at.day for line in result.lines if line.dialog_id == "appreciation.closing"] == [1, 2, 4]
    day3 = [(line.at.strftime("%H:%M"), line.dialog_id) for line in result.lines if line.at.day == 3]
    assert day3 == [("20:00", "always_on.appreciation_due"), ("20:10", "always_on.appreciation_retry")]
    outcomes = [e.outcome for e in result.store.query(PromptEvent) if isinstance(e, PromptEvent)
                and datetime.fromisoformat(e.due_at).day == 3 and e.prompt == "appreciation"]
    assert outcomes == ["spoken", "spoken", "missed"]


def test_a_missed_day_breaks_the_streak_without_drama(tmp_path: Path) -> None:
    respond = replies({(date(2026, 3, 4), "ready"): ["no"]})
    result = simulate_calendar(tmp_path / "store", Settings(), START, 8, tz=NY, responder=respond)
    closing = {line.at.day: line.slots for line in result.lines if line.dialog_id == "appreciation.closing"}
    assert 4 not in closing
    assert closing[5]["celebration_id"] == "streaks.welcome_back" and closing[5]["streak_days"] == "1"
    assert [d for d, s in closing.items() if s["celebration_id"] == "streaks.milestone"] == [3, 7]
    assert closing[7]["streak_days"] == "3"
    assert [line.dialog_id for line in result.lines if line.at.day == 4][-1] == "always_on.not_now"


def test_quiet_hours_postpone_or_let_go_prompts(tmp_path: Path) -> None:
    settings = Settings.model_validate({"schedule": {"appreciation_times": ["22:45", "07:00"],
                                                     "quiet_hours": ["22:30", "07:30"]}})
    result = simulate_calendar(tmp_path / "store", settings, START.replace(hour=12), 3, tz=NY)
    times = {moment.strftime("%H:%M") for moment in invitations(result, "appreciation")}
    assert times == {"07:30"}  # 07:00 deferred to the end of quiet hours; 22:45 never spoken
    skipped = [e for e in result.store.query(PromptEvent) if isinstance(e, PromptEvent)
               and e.outcome == "skipped_quiet"]
    assert [datetime.fromisoformat(e.due_at).astimezone(NY).strftime("%d %H:%M") for e in skipped] == [
        "28 22:45", "01 22:45", "02 22:45", "03 22:45"]  # the first one: already past when the machine started


def test_machine_off_for_three_days_speaks_at_most_the_latest_prompt(tmp_path: Path) -> None:
    off_from, back = datetime(2026, 3, 12, 9, 0, tzinfo=NY), datetime(2026, 3, 15, 20, 20, tzinfo=NY)
    result = simulate_calendar(tmp_path / "store", Settings(), START, 17, tz=NY, off=[(off_from, back)])
    assert [line for line in result.lines if off_from <= line.at < back] == []
    after = [(line.at.strftime("%d %H:%M"), line.dialog_id) for line in result.lines
             if back <= line.at < back + timedelta(hours=3) and line.dialog_id.startswith("always_on")]
    assert after == [("15 20:20", "always_on.appreciation_due")]  # not the Sunday 19:00 check-in reminder
    missed = {e.prompt for e in result.store.query(PromptEvent) if isinstance(e, PromptEvent)
              and e.outcome == "missed" and datetime.fromisoformat(e.due_at).day == 15}
    assert missed == {"checkin_reminder"}
    assert [(d.day, d.strftime("%H:%M")) for d in invitations(result, "appreciation")][-3:] == [
        (15, "20:20"), (16, "20:00"), (17, "20:00")]
