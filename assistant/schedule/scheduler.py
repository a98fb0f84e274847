"""The scheduler: the pure planner over the store's prompt history and an injectable clock."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta, tzinfo

from assistant.clock import Clock
from assistant.config import ScheduleSettings
from assistant.schedule.planner import Action, Plan, Policy, events_for, next_step, plan
from assistant.schedule.reminders import return_step, with_return
from assistant.schedule.rules import Rule, local_zone, next_due, previous_due, rules_from_settings, utc
from assistant.store.records import PromptEvent
from assistant.store.store import Store

_LOGGER = logging.getLogger(__name__)
HISTORY_DAYS = 40
"""Prompt events older than this cannot matter (the longest rule is monthly)."""


def policy_from_settings(schedule: ScheduleSettings) -> Policy:
    """Quiet hours and snooze length from the configuration."""
    return Policy(quiet_hours=tuple(schedule.quiet_hours),  # type: ignore[arg-type]
                  snooze=timedelta(minutes=schedule.snooze_minutes))


class Scheduler:
    """Decides which prompt is due and records what became of it (spoken, snoozed, answered...)."""

    def __init__(self, store: Store, clock: Clock, rules: Sequence[Rule], tz: tzinfo,
                 policy: Policy | None = None, booted_at: datetime | None = None) -> None:
        self.store = store
        self.clock = clock
        self.rules = list(rules)
        self.tz = tz
        self.policy = policy or Policy()
        self.booted_at = utc(booted_at or clock.now())

    @classmethod
    def from_settings(cls, store: Store, clock: Clock, schedule: ScheduleSettings,
                      tz: tzinfo | str | None = None) -> Scheduler:
        """Rules and policy from settings; `tz` (or settings' timezone, if any) else the machine's zone."""
        zone = tz if isinstance(tz, tzinfo) else local_zone(tz or schedule.timezone)
        return cls(store, clock, rules_from_settings(schedule), zone, policy_from_settings(schedule))

    def history(self) -> list[PromptEvent]:
        since = self.clock.now() - timedelta(days=HISTORY_DAYS)
        return [e for e in self.store.query(PromptEvent, since=since)]

    def plan(self) -> Plan:
        """What is due now (calendar prompts and an agreed time-out return), and when to look again."""
        now, history = self.clock.now(), self.history()
        calendar = plan(self.rules, history, now, self.tz, self.policy, self.booted_at)
        return with_return(calendar, return_step(self.store, history, now, self.policy, self.tz), now)

    def hold(self) -> int:
        """Let go of every prompt due now as "held" (a safety response happened today); returns how many."""
        actions = self.plan().actions
        for action in actions:
            self.record(action, "held" if action.kind == "speak" else action.outcome)
        if actions:
            _LOGGER.info("held %d prompt(s) after a safety response today", len(actions))
        return len(actions)

    def settle(self) -> Action | None:
        """Record every let-go action that is due; return the prompt to speak now, if any."""
        for action in self.plan().actions:
            if action.kind == "let_go":
                _LOGGER.info("letting go of %s due %s (%s)", action.rule.prompt, action.due_at, action.outcome)
                self.record(action, action.outcome)
            else:
                return action
        return None

    def seconds_until_next(self) -> float:
        """Seconds until the plan may change (0 when something is due now)."""
        current = self.plan()
        if current.actions:
            return 0.0
        return max(0.0, (current.wake_at - utc(self.clock.now())).total_seconds())

    def record(self, action: Action, outcome: str) -> None:
        """Log what became of a prompt: spoken, answered, snoozed, missed, skipped_quiet, held."""
        self.store.append(PromptEvent(at=self.clock.now().astimezone(self.tz).isoformat(),
                                      prompt=action.rule.prompt, outcome=outcome,  # type: ignore[arg-type]
                                      due_at=action.due_at.astimezone(self.tz).isoformat()))

    def satisfy(self, prompt: str) -> None:
        """An activity was done on request: settle its current (or imminent) occurrence, so no reminder nags."""
        now = utc(self.clock.now())
        history = self.history()
        for rule in self.rules:
            if rule.prompt != prompt:
                continue
            for due in (previous_due(rule, now, self.tz), next_due(rule, now, self.tz)):
                if due is None or not (due - rule.window <= now <= due + rule.window):
                    continue
                if next_step(rule, due, events_for(history, rule, due), self.policy, self.tz) is not None:
                    self.record(Action(rule, due, "let_go", now), "answered")
