"""What the scheduler should do now, computed from the prompt history alone (pure, clock-free).

Per rule only the latest occurrence counts. An occurrence is spoken at its due time (quiet hours defer
it to their end), once more after `retry_after` if nobody answered, then let go. "Later" snoozes it.
After downtime, of the occurrences that fell due while the machine was off, only the most recent one
(across all rules) may still be spoken, and only within its window: no burst of stale prompts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Literal

from assistant.schedule.rules import Rule, next_due, previous_due, quiet_end, utc
from assistant.store.records import PromptEvent

FINAL_OUTCOMES = frozenset({"answered", "missed", "skipped_quiet", "held"})


@dataclass(frozen=True)
class Policy:
    """How insistent the calendar is (not very)."""

    quiet_hours: tuple[str, str] = ("22:30", "07:30")
    snooze: timedelta = timedelta(minutes=30)
    retry_after: timedelta = timedelta(minutes=10)
    """The one gentle retry comes this long after an unanswered prompt."""
    attempts: int = 2
    """Prompts spoken per occurrence without an answer (the first and one retry)."""


@dataclass(frozen=True)
class Action:
    """Something the loop should do for one occurrence of a rule."""

    rule: Rule
    due_at: datetime
    """The occurrence (UTC): the key PromptEvents are recorded under."""
    kind: Literal["speak", "let_go"]
    at: datetime
    """When to speak (UTC); for let_go: now."""
    attempt: int = 0
    """0: the first prompt; 1: the gentle retry."""
    outcome: str = ""
    """For let_go: the PromptEvent outcome to record ("missed", "skipped_quiet" or "held")."""
    snoozed: bool = False


@dataclass(frozen=True)
class Plan:
    """Actions due now (speak at most the first one) and when to look again."""

    actions: list[Action]
    wake_at: datetime


def events_for(events: Sequence[PromptEvent], rule: Rule, due: datetime) -> list[PromptEvent]:
    """PromptEvents of one occurrence, oldest first."""
    mine = [e for e in events if e.prompt == rule.prompt and utc(datetime.fromisoformat(e.due_at)) == due]
    return sorted(mine, key=lambda e: utc(e.when))


def next_step(rule: Rule, due: datetime, history: Sequence[PromptEvent], policy: Policy,
              tz: tzinfo) -> Action | None:
    """The next action for occurrence `due` given its own history; None when it is settled."""
    if any(e.outcome in FINAL_OUTCOMES for e in history):
        return None
    snoozes = [e for e in history if e.outcome == "snoozed"]
    base = utc(snoozes[-1].when) + policy.snooze if snoozes else due
    spoken = [e for e in history if e.outcome == "spoken" and (not snoozes or e.when > snoozes[-1].when)]
    deadline = max(due + rule.window, base + 2 * policy.retry_after)
    if len(spoken) >= policy.attempts:
        return Action(rule, due, "let_go", utc(spoken[-1].when), outcome="missed")
    at = base if not spoken else utc(spoken[-1].when) + policy.retry_after
    deferred = quiet_end(at, policy.quiet_hours, tz)
    if deferred > deadline:
        return Action(rule, due, "let_go", at, outcome="skipped_quiet" if deferred != at else "missed")
    return Action(rule, due, "speak", deferred, attempt=len(spoken), snoozed=bool(snoozes))


def plan(rules: Sequence[Rule], events: Sequence[PromptEvent], now: datetime, tz: tzinfo, policy: Policy,
         booted_at: datetime) -> Plan:
    """Actions due at `now` and the next time anything can change. `booted_at`: when this run started."""
    now, booted_at = utc(now), utc(booted_at)
    due_now: list[Action] = []
    stale: list[Action] = []
    wake = min(next_due(rule, now, tz) for rule in rules) if rules else now + timedelta(days=1)
    for rule in rules:
        due = previous_due(rule, now, tz)
        if due is None:
            continue
        if rule.makes_up_for and not _missed(rules, rule, due, events, tz):
            continue
        history = events_for(events, rule, due)
        action = next_step(rule, due, history, policy, tz)
        if action is None:
            continue
        if action.kind == "speak" and action.at > now:
            wake = min(wake, action.at)
            continue
        if action.kind == "speak" and now > max(due + rule.window, action.at + policy.retry_after):
            action = Action(rule, due, "let_go", now, outcome="missed")
        if action.kind == "speak" and due < booted_at and not history:
            stale.append(action)
            continue
        due_now.append(action)
    stale.sort(key=lambda a: a.due_at)
    for old in stale[:-1]:
        due_now.append(Action(old.rule, old.due_at, "let_go", now, outcome="missed"))
    due_now.extend(stale[-1:])
    due_now.sort(key=lambda a: (a.kind != "let_go", a.due_at))
    return Plan(due_now, wake)


def _missed(rules: Sequence[Rule], makeup: Rule, due: datetime, events: Sequence[PromptEvent],
            tz: tzinfo) -> bool:
    """Whether the occurrence a make-up rule stands in for (the latest one before `due`) went unanswered."""
    original = next((r for r in rules if r.prompt == makeup.makes_up_for), None)
    if original is None:
        return False
    before = previous_due(original, due - timedelta(microseconds=1), tz)
    if before is None:
        return False
    # answered: nothing to make up; held: a safety stop that day, the check-in waits until both ask
    return not any(e.outcome in ("answered", "held") for e in events_for(events, original, before))
