"""The weekly check-in activity: partners take turns; last week's commitments are read back and reviewed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from assistant.activities.registry import ActivityKind, register
from assistant.activities.session_log import log_status
from assistant.clock import Clock
from assistant.dialog.activity import Answer
from assistant.dialog.library import DialogLibrary
from assistant.dialog.schema import Step
from assistant.store.protocol import RecordStore
from assistant.store.records import Commitment, CommitmentReview, SessionEvent, StepAnswer, new_id


def partner_items(partners: tuple[str, str]) -> list[dict[str, object]]:
    """Both partners in turn, each with the other's name."""
    first, second = partners
    return [{"partner": first, "other": second}, {"partner": second, "other": first}]


def open_commitments(store: RecordStore, before_session: str) -> list[Commitment]:
    """Commitments from the most recent earlier check-in that have not been reviewed yet."""
    commitments = [c for c in store.query(Commitment) if c.session_id != before_session]
    if not commitments:
        return []
    reviewed = {r.commitment_id for r in store.query(CommitmentReview)
                if r.session_id != before_session}
    latest_session = commitments[-1].session_id
    return [c for c in commitments if c.session_id == latest_session and c.id not in reviewed]


def completed_weeks_in_a_row(store: RecordStore, clock: Clock) -> int:
    """Completed check-ins on consecutive weeks, counting back from this week.

    Each week's window is 8 days (a day late still counts), so windows overlap by a day: a check-in
    counted in one week is not counted again in the week before.
    """
    done = [r.when for r in store.query(SessionEvent)
            if r.activity == "checkin" and r.status == "completed"]
    count, week_end = 0, clock.now()
    while in_week := [when for when in done if week_end - timedelta(days=8) < when <= week_end]:
        count += 1
        done = [when for when in done if when not in in_week]
        week_end -= timedelta(days=7)
    return count


@dataclass
class CheckinActivity:
    """Items, slots and records of one weekly check-in session."""

    store: RecordStore
    library: DialogLibrary
    partners: tuple[str, str]
    clock: Clock
    keep_transcripts: bool = True
    session_id: str = field(default_factory=new_id)
    country: str = "US"
    """Which safety resources to give (settings.safety.country)."""
    name: str = "checkin"
    _commitments: list[Commitment] | None = None

    def items(self, step: Step) -> list[dict[str, object]]:
        if step.for_each == "partner":
            return partner_items(self.partners)
        if step.for_each == "commitment":
            if self._commitments is None:
                self._commitments = open_commitments(self.store, self.session_id)
            return [{"partner": c.partner, "other": self._other(c.partner),
                     "commitment": c.text or "the commitment you made", "commitment_id": c.id}
                    for c in self._commitments]
        return [{}]

    def common_slots(self) -> dict[str, object]:
        return {"partner_a": self.partners[0], "partner_b": self.partners[1]}

    def step_slots(self, step: Step) -> dict[str, object]:
        if "{wins}" not in " ".join(step.say):
            return {}
        return {"wins": self.wins_text()}

    def wins_text(self) -> str:
        """Celebrate small wins: commitments kept this session and the run of weekly check-ins."""
        parts = []
        reviews = [r for r in self.store.query(CommitmentReview)
                   if r.session_id == self.session_id]
        kept = sum(r.kept for r in reviews)
        if reviews:
            key = ("commitments_kept_all" if kept == len(reviews)
                   else "commitments_kept_some" if kept else "commitments_none_kept")
            parts.append(self.library.render(f"wins.{key}", kept=kept, total=len(reviews)).text)
        streak = completed_weeks_in_a_row(self.store, self.clock) + 1
        if streak >= 2:
            parts.append(self.library.render("wins.streak", count=streak).text)
        elif not parts:
            parts.append(self.library.render("wins.first_checkin").text)
        return " ".join(parts)

    def record(self, step: Step, slots: dict[str, object], answer: Answer) -> None:
        at = self.clock.now().isoformat()
        partner = str(slots.get("partner", ""))
        text = answer.text if self.keep_transcripts else None
        if step.record == "commitment":
            self.store.append(Commitment(at=at, session_id=self.session_id, partner=partner, text=text))
        elif step.record == "commitment_review":
            self.store.append(CommitmentReview(at=at, session_id=self.session_id,
                                               commitment_id=str(slots["commitment_id"]),
                                               kept=answer.key == "yes"))
        if step.record in ("answer", "commitment_review", "commitment"):
            self.store.append(StepAnswer(at=at, session_id=self.session_id, activity=self.name, step=step.id,
                                         partner=partner, intent=answer.intent, rating=answer.rating,
                                         text=text, duration_s=round(answer.duration_s, 3)))

    def status(self, status: str, step: str = "", item: int = 0, reason: str = "") -> None:
        """Log the session's status (started, completed, paused, stopped, safety); `reason` of a pause
        ("device": the microphone disappeared) is kept in the event's state."""
        log_status(self.store, self.clock, self.session_id, self.name, status, step, item, reason)

    def finish(self, final_state: str, step: str = "", item: int = 0) -> None:
        """Log the end of the session (where it paused, for a pause)."""
        self.status(final_state, step, item)

    def _other(self, partner: str) -> str:
        return self.partners[1] if partner == self.partners[0] else self.partners[0]


register(ActivityKind(
    "checkin", "checkin_reminder", starts_on=("start_checkin",), resumes_on=("resume", "return"),
    held_after_safety=True,
    build=lambda ctx: CheckinActivity(ctx.store, ctx.library, ctx.settings.partners, ctx.clock,
                                      keep_transcripts=ctx.settings.dialog.keep_transcripts,
                                      country=ctx.settings.safety.country)))
