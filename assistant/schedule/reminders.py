"""Time-out return reminders: the return time a couple agreed on in a time out, as a one-off prompt.

The latest TimeOut record counts: when it ended in "reschedule" with a `return_at`, the reminder
(`timeout.return_reminder`) is due then. It follows the same steps as the calendar's prompts (one gentle
retry, "later" snoozes, let go after its window) but ignores quiet hours: the couple agreed on that time.
A check-in started or resumed after the time out makes it moot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo

from assistant.schedule.planner import Action, Plan, Policy, events_for, next_step
from assistant.schedule.rules import Rule, utc
from assistant.store.records import PromptEvent, SessionEvent, TimeOut
from assistant.store.store import Store

RETURN_PROMPT = "timeout_return"
"""PromptEvent.prompt of the reminder."""
RETURN_WINDOW = timedelta(hours=3)
"""How long after the agreed time the reminder may still be spoken."""
LOOKBACK = timedelta(hours=30)
"""Time outs that ended longer ago than this cannot have a return still pending (returns are within 24 h)."""
NO_QUIET_HOURS = ("00:00", "00:00")


def agreed_return(store: Store, now: datetime) -> datetime | None:
    """The agreed return time (UTC) of the latest time out, if it was rescheduled and is not moot."""
    since = utc(now) - LOOKBACK
    outs = [r for r in store.query(TimeOut, since=since)]
    if not outs:
        return None
    latest = max(outs, key=lambda r: r.when)
    if latest.outcome != "reschedule" or not latest.return_at:
        return None
    came_back = any(e.activity == "checkin" and e.status != "paused"
                    and e.when > latest.when for e in store.query(SessionEvent, since=latest.when))
    return None if came_back else utc(datetime.fromisoformat(latest.return_at))


def return_step(store: Store, history: Sequence[PromptEvent], now: datetime, policy: Policy,
                tz: tzinfo) -> Action | None:
    """The reminder's next action (speak, possibly in the future, or let go); None when nothing is pending."""
    due = agreed_return(store, now)
    if due is None:
        return None
    rule = Rule(RETURN_PROMPT, "once", due.astimezone(tz).time(), window=RETURN_WINDOW)
    agreed = replace(policy, quiet_hours=NO_QUIET_HOURS)
    action = next_step(rule, due, events_for(history, rule, due), agreed, tz)
    if action is not None and action.kind == "speak" and utc(now) > max(due + rule.window,
                                                                         action.at + policy.retry_after):
        return Action(rule, due, "let_go", utc(now), outcome="missed")
    return action


def with_return(plan: Plan, action: Action | None, now: datetime) -> Plan:
    """`plan` with the reminder's action merged in (let-go actions first, then by due time)."""
    if action is None:
        return plan
    if action.kind == "speak" and action.at > utc(now):
        return Plan(plan.actions, min(plan.wake_at, action.at))
    actions = sorted([*plan.actions, action], key=lambda a: (a.kind != "let_go", a.due_at))
    return Plan(actions, plan.wake_at)
