"""The weekly check-in activity: partners take turns; last week's commitments are read back and reviewed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from assistant.activities.followthrough import (
    latest_reviews,
    live_commitments,
    open_commitments,
    speaking_order,
    wording,
)
from assistant.activities.registry import ActivityKind, register
from assistant.activities.session_log import log_status
from assistant.clock import Clock
from assistant.config import other_partner
from assistant.dialog.activity import Answer
from assistant.dialog.library import DialogLibrary
from assistant.dialog.schema import Step
from assistant.store.protocol import RecordStore
from assistant.store.records import (
    BoundaryNote,
    Commitment,
    CommitmentReview,
    SessionEvent,
    StepAnswer,
    new_id,
)

COMMITMENT_STEPS = ("next_commitments", "commitment_again")
"""Steps whose free answer is a commitment's wording (read back before it is kept)."""


def partner_items(partners: tuple[str, str]) -> list[dict[str, object]]:
    """Both partners in turn, each with the other's name."""
    first, second = partners
    return [{"partner": first, "other": second}, {"partner": second, "other": first}]


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
    _order: tuple[str, str] | None = None
    _draft: str | None = None
    """The commitment words heard last, read back before they are kept."""
    keep_recording: Callable[[Commitment], None] | None = None
    """Set by the live caller (assistant.recordings.RecordingKeeper): told of each commitment kept without
    confirmed words, it keeps the partner's own recording when both consented. None: text, simulation."""
    has_recording: Callable[[str], bool] | None = None
    """Set with `keep_recording`: a commitment with a recording is said as "what you'll hear in <partner>'s own
    voice", and the Conversation plays it after the line (Conversation.clip_after)."""

    def items(self, step: Step) -> list[dict[str, object]]:
        if step.for_each == "partner":
            if self._order is None:  # alternates week by week; fixed for the session (also when resumed)
                self._order = speaking_order(self.store, self.partners)
            return partner_items(self._order)
        if step.for_each == "commitment":
            if self._commitments is None:
                self._commitments = open_commitments(self.store, self.session_id)
            return [{"partner": c.partner, "other": other_partner(self.partners, c.partner),
                     "commitment": wording(self.library, c, bool(self.has_recording and self.has_recording(c.id))),
                     "commitment_id": c.id}
                    for c in self._commitments]
        return [{}]

    def common_slots(self) -> dict[str, object]:
        return {"partner_a": self.partners[0], "partner_b": self.partners[1]}

    def step_slots(self, step: Step) -> dict[str, object]:
        said = " ".join(step.say)
        if "{heard}" in said:
            return {"heard": self._heard()}
        if "{wins}" not in said:
            return {}
        return {"wins": self.wins_text()}

    def _heard(self) -> str:
        """The words to read back (after a resume: the last commitment answer stored in this session)."""
        if self._draft is None:
            answers = [a for a in self.store.query(StepAnswer) if a.session_id == self.session_id
                       and a.step in COMMITMENT_STEPS and a.text]
            self._draft = answers[-1].text if answers and answers[-1].text else ""
        return self._draft

    def wins_text(self) -> str:
        """Celebrate small wins: commitments kept this session and the run of weekly check-ins."""
        parts = []
        reviews = list(latest_reviews(r for r in self.store.query(CommitmentReview)
                                      if r.session_id == self.session_id).values())
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
        answerer = str(slots.get("other", "")) if step.answered_by == "other" else partner
        text = answer.text if self.keep_transcripts else None
        if step.record == "commitment":
            self._draft = answer.text or ""  # held, not kept, until it is read back and confirmed
        elif step.record == "commitment_confirm" and answer.key == "yes":
            self._keep(at, partner, self._heard() or None, confirmed=True)
        elif step.record == "commitment_unworded":
            self._keep(at, partner, None, confirmed=False)
            return
        elif step.record == "boundary_note":  # read by the next monthly agreement review
            self.store.append(BoundaryNote(at=at, session_id=self.session_id, text=text))
        elif step.record == "commitment_review":
            commitment_id = str(slots["commitment_id"])
            earlier = latest_reviews(r for r in self.store.query(CommitmentReview)
                                     if r.session_id == self.session_id).get(commitment_id)
            self.store.append(CommitmentReview(at=at, session_id=self.session_id, commitment_id=commitment_id,
                                               kept=answer.key == "yes", confirmed_by=answerer,
                                               supersedes=earlier.id if earlier else None))
        if step.record != "none":
            self.store.append(StepAnswer(at=at, session_id=self.session_id, activity=self.name, step=step.id,
                                         partner=answerer, intent="flag" if step.record == "flag" else answer.intent,
                                         rating=answer.rating,
                                         text=text, duration_s=round(answer.duration_s, 3)))

    def _keep(self, at: str, partner: str, text: str | None, confirmed: bool) -> None:
        """Keep a commitment; one made again in this session (after "go back") replaces the earlier one."""
        earlier = [c for c in live_commitments(self.store.query(Commitment))
                   if c.session_id == self.session_id and c.partner == partner]
        kept = Commitment(at=at, session_id=self.session_id, partner=partner,
                          text=text if self.keep_transcripts else None, confirmed=confirmed,
                          supersedes=earlier[-1].id if earlier else None)
        self.store.append(kept)
        self._draft = None
        if not confirmed and self.keep_recording is not None:  # the recogniser's words were not right
            self.keep_recording(kept)

    def status(self, status: str, step: str = "", item: int = 0, reason: str = "") -> None:
        """Log the session's status (started, completed, paused, stopped, safety); `reason` of a pause
        ("device": the microphone disappeared) is kept in the event's state."""
        log_status(self.store, self.clock, self.session_id, self.name, status, step, item, reason)

    def finish(self, final_state: str, step: str = "", item: int = 0) -> None:
        """Log the end of the session (where it paused, for a pause)."""
        self.status(final_state, step, item)


register(ActivityKind(
    "checkin", "checkin_reminder", starts_on=("start_checkin",), resumes_on=("resume", "return"),
    held_after_safety=True,
    build=lambda ctx: CheckinActivity(ctx.store, ctx.library, ctx.settings.partners, ctx.clock,
                                      keep_transcripts=ctx.settings.dialog.keep_transcripts,
                                      country=ctx.settings.safety.country)))
