"""The scheduler's pure functions: rules in a local zone across DST, quiet hours, retry, snooze, no burst."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from assistant.config import ScheduleSettings
from assistant.schedule.planner import Policy, plan
from assistant.schedule.rules import (
    Rule,
    in_quiet_hours,
    local_zone,
    next_due,
    occurrences,
    previous_due,
    quiet_end,
    rules_from_settings,
)
from assistant.store.records import PromptEvent

NY = ZoneInfo("America/New_York")
DAILY = Rule("appreciation", "daily", time(20, 0), window=timedelta(hours=2))


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=NY)  # type: ignore[misc]


def event(outcome: str, at: datetime, due: datetime, prompt: str = "appreciation") -> PromptEvent:
    return PromptEvent(at=at.isoformat(), prompt=prompt, outcome=outcome, due_at=due.isoformat())  # type: ignore[arg-type]


def test_daily_rule_keeps_wall_clock_time_across_spring_forward() -> None:
    dues = list(occurrences(DAILY, local(2026, 3, 6), local(2026, 3, 10), NY))
    assert [d.astimezone(NY).strftime("%m-%d %H:%M") for d in dues] == [
        "03-06 20:00", "03-07 20:00", "03-08 20:00", "03-09 20:00"]
    assert [d.hour for d in dues] == [1, 1, 0, 0]  # UTC: the offset changed from -5 to -4 on March 8


def test_time_in_the_spring_gap_happens_after_it_and_fall_back_time_happens_once() -> None:
    early = Rule("x", "daily", time(2, 30))
    dues = list(occurrences(early, local(2026, 3, 8), local(2026, 3, 9), NY))
    assert [d.astimezone(NY).strftime("%H:%M") for d in dues] == ["03:30"]
    fall = Rule("x", "daily", time(1, 30))
    dues = list(occurrences(fall, local(2026, 11, 1), local(2026, 11, 2), NY))
    assert len(dues) == 1 and dues[0].astimezone(NY).utcoffset() == timedelta(hours=-4)


def test_weekly_and_monthly_rules_from_settings() -> None:
    rules = {r.prompt: r for r in rules_from_settings(ScheduleSettings(checkin_day="wednesday",
                                                                      agreement_review_day=15))}
    weekly = next_due(rules["checkin_reminder"], local(2026, 3, 1, 12), NY).astimezone(NY)
    assert (weekly.date().isoformat(), weekly.strftime("%H:%M")) == ("2026-03-04", "19:00")
    monthly = next_due(rules["agreement_review"], local(2026, 3, 16), NY).astimezone(NY)
    assert (monthly.date().isoformat(), monthly.strftime("%H:%M")) == ("2026-04-15", "19:30")
    assert previous_due(rules["agreement_review"], local(2026, 3, 16), NY).astimezone(NY).day == 15


def test_quiet_hours_wrap_past_midnight() -> None:
    quiet = ("22:30", "07:30")
    assert in_quiet_hours(local(2026, 3, 2, 23, 0), quiet, NY)
    assert in_quiet_hours(local(2026, 3, 3, 7, 29), quiet, NY)
    assert not in_quiet_hours(local(2026, 3, 3, 7, 30), quiet, NY)
    assert not in_quiet_hours(local(2026, 3, 2, 22, 29), quiet, NY)
    assert quiet_end(local(2026, 3, 2, 23, 0), quiet, NY) == local(2026, 3, 3, 7, 30)


def test_unanswered_prompt_gets_one_gentle_retry_then_is_let_go() -> None:
    due = local(2026, 3, 2, 20, 0)
    policy = Policy()
    first = plan([DAILY], [], due, NY, policy, local(2026, 3, 1))
    assert [(a.kind, a.attempt) for a in first.actions] == [("speak", 0)]
    spoken = [event("spoken", due, due)]
    assert plan([DAILY], spoken, due + timedelta(minutes=5), NY, policy, local(2026, 3, 1)).actions == []
    retry = plan([DAILY], spoken, due + timedelta(minutes=10), NY, policy, local(2026, 3, 1)).actions
    assert [(a.kind, a.attempt) for a in retry] == [("speak", 1)]
    spoken.append(event("spoken", due + timedelta(minutes=10), due))
    done = plan([DAILY], spoken, due + timedelta(minutes=25), NY, policy, local(2026, 3, 1)).actions
    assert [(a.kind, a.outcome) for a in done] == [("let_go", "missed")]


def test_snooze_brings_the_prompt_back_after_the_configured_minutes() -> None:
    due = local(2026, 3, 2, 20, 0)
    history = [event("spoken", due, due), event("snoozed", due + timedelta(seconds=5), due)]
    policy = Policy(snooze=timedelta(minutes=45))
    boot = local(2026, 3, 1)
    assert plan([DAILY], history, due + timedelta(minutes=44), NY, policy, boot).actions == []
    again = plan([DAILY], history, due + timedelta(minutes=45, seconds=5), NY, policy, boot).actions
    assert [(a.kind, a.attempt, a.snoozed) for a in again] == [("speak", 0, True)]


def test_prompt_due_in_quiet_hours_is_deferred_within_its_window_else_let_go() -> None:
    late = Rule("appreciation", "daily", time(20, 0), window=timedelta(hours=2))
    policy = Policy(quiet_hours=("19:00", "21:00"))
    boot = local(2026, 3, 1)
    early = plan([late], [], local(2026, 3, 2, 20, 0), NY, policy, boot)
    assert early.actions == [] and early.wake_at == local(2026, 3, 2, 21, 0)
    spoken = plan([late], [], local(2026, 3, 2, 21, 0), NY, policy, boot).actions
    assert [a.kind for a in spoken] == ["speak"]
    never = plan([late], [], local(2026, 3, 2, 20, 0), NY, Policy(quiet_hours=("19:00", "23:00")), boot)
    assert [(a.kind, a.outcome) for a in never.actions] == [("let_go", "skipped_quiet")]


def test_after_downtime_only_the_most_recent_missed_prompt_is_spoken() -> None:
    rules = rules_from_settings(ScheduleSettings())  # check-in Sunday 19:00, appreciation 20:00
    boot = local(2026, 3, 15, 20, 10)  # a Sunday: both fell due while the machine was off
    actions = plan(rules, [], boot, NY, Policy(), boot).actions
    assert [a.rule.prompt for a in actions if a.kind == "speak"] == ["appreciation"]
    assert ("checkin_reminder", "missed") in [(a.rule.prompt, a.outcome) for a in actions if a.kind == "let_go"]
    later = local(2026, 3, 15, 23, 0)  # the appreciation's window is over too
    assert {a.kind for a in plan(rules, [], later, NY, Policy(), later).actions} == {"let_go"}


def test_local_zone_prefers_the_given_name_then_tz() -> None:
    assert local_zone("Europe/Paris") == ZoneInfo("Europe/Paris")
    assert local_zone("Not/AZone") in (local_zone(None), timezone.utc)
