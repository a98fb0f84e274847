"""Safety responses: log that one happened (never what was said) and hold the check-in for the rest of the day.

The response itself (the calm message with the configured country's resources) is spoken by the dialog
machine on entering its `safety` state (`safety_line`, assistant.dialog.safety_message); its text lives in
dialogs/safety.yaml. This module holds the bookkeeping around it:

- `log_safety` appends a SafetyEvent: when, which activity was interrupted, and the danger's coarse category
  (for the resume rule). Nothing of what was said.
- `checkin_blocked_today` tells `sessions.new_checkin` that a safety response happened earlier the same
  (local) day, so the check-in is not continued unless the couple asks (`after_safety=True`); the
  session then only says `HELD_DIALOG_ID`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from assistant.clock import Clock
from assistant.danger.resume import event_category
from assistant.dialog.safety_message import safety_line
from assistant.store.protocol import RecordStore
from assistant.store.records import SafetyEvent, SessionEvent

_LOGGER = logging.getLogger(__name__)
__all__ = ["safety_line", "log_safety", "checkin_blocked_today", "safety_earlier_today", "HELD_DIALOG_ID"]

HELD_DIALOG_ID = "safety.checkin_held"
"""Said instead of the check-in when a safety response happened earlier today."""
HELD_STATE = "held"
"""`run_session`'s result for a held check-in (nothing was asked, nothing was recorded)."""


SafetyStore = RecordStore
"""The part of the store the safety helpers use."""


def log_safety(store: SafetyStore, clock: Clock, activity: str = "", category: str = "") -> SafetyEvent:
    """Record that a safety response was given during `activity`, with the danger's coarse category (from the
    detector's `category`, see `assistant.danger.resume.event_category`). Nothing of what was said."""
    event = SafetyEvent(at=clock.now().isoformat(), activity=activity, category=event_category(category))
    store.append(event)
    _LOGGER.info("safety response logged (activity %r)", activity or "-")
    return event


LONGEST_DAY = timedelta(hours=26)
"""More than any local calendar day lasts (25 h when clocks go back): `safety_earlier_today` reads no further."""


def safety_times(store: SafetyStore, since: datetime | None = None) -> list[datetime]:
    """When safety responses happened (at or after `since`, when given): SafetyEvents and sessions that ended
    in the safety state. With `since`, only the newest records are read (the store's index), not the history."""
    times = [record.when for record in store.query(SafetyEvent, since=since)]
    times += [record.when for record in store.query(SessionEvent, since=since) if record.status == "safety"]
    return times


def checkin_blocked_today(store: SafetyStore, clock: Clock) -> bool:
    """True when a safety response happened earlier on the clock's current day (local calendar day)."""
    return safety_earlier_today(store, clock.now())


def safety_earlier_today(store: SafetyStore, now: datetime) -> bool:
    """True when a safety response happened earlier on `now`'s calendar day, in `now`'s own time zone.

    The companion asks this with `now` in the schedule's zone: scheduled prompts are held for the rest of
    that local day.
    """
    today = now.date()
    return any(moment.astimezone(now.tzinfo).date() == today and moment <= now
               for moment in safety_times(store, since=now - LONGEST_DAY))
