"""The daily appreciation: one prompt from the pool (no repeat within 14 days), each partner in turn,
streaks of consecutive days celebrated at milestones, a missed day met warmly."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from assistant.activities.checkin import partner_items
from assistant.activities.registry import ActivityKind, register
from assistant.activities.session_log import log_status
from assistant.clock import Clock
from assistant.dialog.activity import Answer
from assistant.dialog.library import DialogLibrary, Line
from assistant.dialog.schema import Step
from assistant.store.records import Appreciation, new_id
from assistant.store.store import Store
from assistant.streaks import streak

POOL = "appreciation_prompts"
"""Prompt file whose every key is one appreciation prompt (dialog id `appreciation_prompts.<key>`)."""
NO_REPEAT_DAYS = 14
MILESTONES = (3, 7, 14, 30, 60, 100)
"""Streak lengths celebrated aloud; after 100, every further 100 days."""


def is_milestone(days: int) -> bool:
    """3, 7, 14, 30, 60, 100, 200, 300..."""
    return days in MILESTONES or (days > MILESTONES[-1] and days % 100 == 0)


def appreciations(store: Store) -> list[Appreciation]:
    return [r for r in store.query(Appreciation)]


def choose_prompt(pool: Iterable[str], history: Iterable[Appreciation], now: datetime,
                  rng: random.Random) -> str:
    """A random prompt id not used in the last NO_REPEAT_DAYS days; else the least recently used one."""
    pool = sorted(pool)
    last_used: dict[str, datetime] = {}
    for record in history:
        if record.prompt_id in pool:
            last_used[record.prompt_id] = max(record.when, last_used.get(record.prompt_id, record.when))
    fresh = [p for p in pool if p not in last_used or now - last_used[p] >= timedelta(days=NO_REPEAT_DAYS)]
    if fresh:
        return rng.choice(fresh)
    return min(pool, key=lambda p: last_used[p])


def days_answered(history: Iterable[Appreciation], tz: tzinfo) -> set[date]:
    """Local days with at least one appreciation said (not skipped)."""
    return {r.when.astimezone(tz).date() for r in history if not r.skipped}


@dataclass
class AppreciationActivity:
    """Items, slots and records of one appreciation session."""

    store: Store
    library: DialogLibrary
    partners: tuple[str, str]
    clock: Clock
    tz: tzinfo
    keep_transcripts: bool = True
    seed: int | None = None
    session_id: str = field(default_factory=new_id)
    name: str = "appreciation"
    prompt_id: str = ""
    answered: dict[str, bool] = field(default_factory=dict)
    _days_before: set[date] = field(default_factory=set)

    def __post_init__(self) -> None:
        history = appreciations(self.store)
        pool = [key.removeprefix(f"{POOL}.") for key in self.library.prompts if key.startswith(f"{POOL}.")]
        if not pool:
            raise ValueError(f"no appreciation prompts found (dialogs/{POOL}.yaml)")
        self.prompt_id = choose_prompt(pool, history, self.clock.now(), random.Random(self.seed))
        self._days_before = days_answered(history, self.tz)

    @property
    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    def items(self, step: Step) -> list[dict[str, object]]:
        if step.for_each != "partner":
            return [{}]
        items = partner_items(self.partners)
        for item in items:
            item["prompt"] = self.library.render(f"{POOL}.{self.prompt_id}", **item).text
        return items

    def common_slots(self) -> dict[str, object]:
        return {"partner_a": self.partners[0], "partner_b": self.partners[1]}

    def step_slots(self, step: Step) -> dict[str, object]:
        if "{celebration}" not in " ".join(step.say):
            return {}
        line = self.celebration()
        days = streak(self._days_before | ({self.today} if any(self.answered.values()) else set()), self.today)
        return {"celebration": line.text, "celebration_id": line.dialog_id, "streak_days": days}

    def celebration(self) -> Line:
        """The closing line: a milestone, a warm welcome back, a first time, or a steady word."""
        today = self.today
        if not any(self.answered.values()):
            return self.library.render("streaks.none_today")
        days = self._days_before | {today}
        run = streak(days, today)
        if today not in self._days_before and is_milestone(run):
            return self.library.render("streaks.milestone", days=run)
        if not self._days_before:
            return self.library.render("streaks.first")
        if run == 1 and today not in self._days_before:
            return self.library.render("streaks.welcome_back")
        return self.library.render("streaks.steady")

    def record(self, step: Step, slots: dict[str, object], answer: Answer) -> None:
        partner = str(slots.get("partner", ""))
        if step.for_each != "partner" or not partner:
            return
        self.answered[partner] = True
        self.store.append(Appreciation(at=self.clock.now().isoformat(), partner=partner,
                                       prompt_id=self.prompt_id,
                                       text=answer.text if self.keep_transcripts else None))

    def finish(self, final_state: str, step: str = "", item: int = 0) -> None:
        """Mark partners who did not answer as skipped (the prompt still counts as used) and log the end."""
        at = self.clock.now().isoformat()
        for partner in self.partners:
            if not self.answered.get(partner):
                self.store.append(Appreciation(at=at, partner=partner, prompt_id=self.prompt_id, skipped=True))
        self.status(final_state, step, item)

    def status(self, status: str, step: str = "", item: int = 0, reason: str = "") -> None:
        """Log the session's status."""
        log_status(self.store, self.clock, self.session_id, self.name, status, step, item, reason)


register(ActivityKind(
    "appreciation", "appreciation", starts_on=("appreciation",),
    build=lambda ctx: AppreciationActivity(ctx.store, ctx.library, ctx.settings.partners, ctx.clock, ctx.tz,
                                           keep_transcripts=ctx.settings.dialog.keep_transcripts, seed=ctx.seed)))
