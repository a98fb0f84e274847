"""A three-month history, written as the assistant writes it: the check-in activity's own `record`/`status`,
`log_safety`, the store API, all on a virtual clock in the couple's zone (evening check-ins in New York are
the next day in UTC, so a report that dates by UTC would be caught)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from assistant.activities.checkin import CheckinActivity
from assistant.clock import VirtualClock
from assistant.dialog.activity import Answer
from assistant.dialog.library import DialogLibrary
from assistant.safety import log_safety
from assistant.store import Store
from assistant.store.records import Appreciation, TimeOut

ZONE = "America/New_York"
PARTNERS = ("Maya", "Jordan")
FIRST_SUNDAY = date(2025, 11, 2)
TODAY = date(2026, 2, 1)
"""A Sunday: the period crosses a year."""
MISSED = (date(2025, 12, 7), date(2025, 12, 28))
"""Weeks without a check-in: the lines must break there."""
SAFETY_STOP = date(2026, 1, 11)
"""A check-in stopped for safety: no ratings that week, a SafetyEvent, status `safety`."""
REMADE_WEEK = 2
"""Maya makes her commitment twice that week (after "go back"): the second replaces the first."""
SAFETY = {"Maya": [2, 2, 3, 2, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5],
          "Jordan": [3, 3, 3, 4, 4, 3, 4, 4, 5, 4, 4, 5, 5, 5]}
CLOSENESS = {"Maya": [1, 2, 2, 2, 3, 3, 3, 4, 4, 3, 4, 4, 5, 4],
             "Jordan": [2, 2, 3, 3, 3, 4, 4, 3, 4, 4, 5, 4, 5, 5]}
TIMEOUTS = ((date(2025, 11, 12), "resume", 22.0), (date(2025, 11, 19), "reschedule", 31.0),
            (date(2025, 12, 16), "stop", 0.0), (date(2026, 1, 20), "resume", 20.0))


@dataclass
class Written:
    """What was written, for the test's expectations."""

    checkin_days: list[date] = field(default_factory=list)
    rated_days: list[date] = field(default_factory=list)
    thanks: dict[date, set[str]] = field(default_factory=dict)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(ZONE))


def write_history(directory: Path) -> Written:
    """Fill the store in `directory` with three months of a couple's life."""
    written = Written()
    library = DialogLibrary.load(seed=0)
    steps = {step.id: step for step in library.scripts["checkin"].steps}
    clock = VirtualClock(at(FIRST_SUNDAY - timedelta(days=1), 9))
    with Store.open(directory) as store:
        store.update_agreement(["We share plans for the evening by six.", "No contact with the affair partner."],
                               "add", clock.now().isoformat())
        day, week = FIRST_SUNDAY, 0
        while day <= TODAY:
            _appreciations(store, clock, day, written)
            for when, ending, minutes in TIMEOUTS:
                if when == day:
                    _timeout(store, clock, day, ending, minutes)
            if day.weekday() == 6 and day not in MISSED:
                clock.advance_to(at(day, 19))
                activity = CheckinActivity(store, library, PARTNERS, clock)
                written.checkin_days.append(day)
                if day == SAFETY_STOP:
                    activity.status("started", "grounding")
                    clock.advance(300)
                    log_safety(store, clock, "checkin")
                    activity.status("safety", "triggers")
                else:
                    _checkin(activity, steps, clock, week)
                    written.rated_days.append(day)
                    week += 1
            if day == date(2026, 1, 4):
                clock.advance_to(at(day, 20))
                store.update_agreement(["We share plans for the evening by six.",
                                        "No contact with the affair partner.",
                                        "Phones stay open to each other."], "add", clock.now().isoformat())
            day += timedelta(days=1)
    return written


def _checkin(activity: CheckinActivity, steps: dict, clock: VirtualClock, week: int) -> None:
    activity.status("started", "grounding")
    for item in activity.items(steps["commitments_review"]):
        clock.advance(60)
        kept = week % 3 != 1 or item["partner"] == "Jordan"
        activity.record(steps["commitments_review"], item, Answer(key="yes" if kept else "no",
                                                                  intent="yes" if kept else "no"))
    for item in activity.items(steps["triggers"]):
        clock.advance(90)
        activity.record(steps["triggers"], item, Answer(intent="answer", text="a late message that went unanswered"))
    for step, ratings in (("progress_safe", SAFETY), ("progress_close", CLOSENESS)):
        for item in activity.items(steps[step]):
            clock.advance(30)
            value = ratings[str(item["partner"])][week]
            activity.record(steps[step], item, Answer(intent="rating", rating=value))
    for item in activity.items(steps["needs"]):
        clock.advance(90)
        activity.record(steps["needs"], item, Answer(intent="answer", text="a quick text when plans change"))
    for item in activity.items(steps["next_commitments"]):
        tries = 2 if week == REMADE_WEEK and item["partner"] == "Maya" else 1  # "go back": made again, replaced
        for _ in range(tries):
            clock.advance(60)
            said = Answer(intent="answer", text="share my plans each morning")
            activity.record(steps["next_commitments"], item, said)
            activity.record(steps["commitment_readback"], item, Answer(key="yes", intent="yes"))
    clock.advance(60)
    activity.status("completed", "closing")


def _appreciations(store: Store, clock: VirtualClock, day: date, written: Written) -> None:
    n = (day - FIRST_SUNDAY).days
    who = [p for i, p in enumerate(PARTNERS) if (n * (3 + i)) % (5 + 2 * i) != 0]
    if n % 17 == 9:  # now and then neither of them
        who = []
    clock.advance_to(at(day, 8, 30))
    for partner in who:
        store.append(Appreciation(at=clock.now().isoformat(), partner=partner, prompt_id="daily"))
        written.thanks.setdefault(day, set()).add(partner)


def _timeout(store: Store, clock: VirtualClock, day: date, ending: str, minutes: float) -> None:
    clock.advance_to(at(day, 21))
    started = clock.now()
    clock.advance(90 + minutes * 60)
    store.append(TimeOut(at=clock.now().isoformat(), started_at=started.isoformat(), interrupted_activity="",
                         breathing_cycles=6, cooloff_s=minutes * 60, outcome=ending))  # type: ignore[arg-type]
