"""The monthly agreement review: each item read aloud (keep / change / remove); a proposal is recorded
only when both partners say yes; every version of the agreement is kept by the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from assistant.activities.registry import ActivityKind, register
from assistant.activities.session_log import log_status
from assistant.clock import Clock
from assistant.dialog.activity import Answer
from assistant.dialog.library import DialogLibrary, Line
from assistant.dialog.schema import Step
from assistant.store.records import (
    AgreementProposal,
    AgreementVersion,
    BoundaryNote,
    Record,
    SessionEvent,
    StepAnswer,
    new_id,
)
from assistant.store.store import Store

CONFIRM_STEPS = ("confirm_first", "confirm_second")
CHANGE_NAMES = {"change": "edit", "remove": "remove", "add": "add"}
"""A proposal's action -> its summary line (agreement.change_<name>)."""


@dataclass
class Proposal:
    """A change to one item, waiting for both partners' yes."""

    index: int
    """The item's position at the start of the review; an added item's is past the last one."""
    action: Literal["change", "remove", "add"]
    wording: str = ""
    votes: dict[str, bool] = field(default_factory=dict)


def apply(items: list[str], proposals: list[Proposal], partners: tuple[str, str]) -> tuple[list[str], list[Proposal]]:
    """The new item list after the proposals both partners agreed to, and those proposals."""
    agreed = [p for p in proposals if all(p.votes.get(name) for name in partners)]
    by_index = {p.index: p for p in agreed}
    result: list[str] = []
    for index, text in enumerate(items):
        proposal = by_index.get(index)
        if proposal is None:
            result.append(text)
        elif proposal.action == "change" and proposal.wording.strip():
            result.append(proposal.wording.strip())
    result += [p.wording.strip() for p in agreed if p.action == "add" and p.wording.strip()]
    return result, agreed


def _since_last_review(store: Store) -> list[Record]:
    """Boundary notes and command-line proposals made since the last completed review."""
    done = [e.when for e in store.query(SessionEvent) if e.activity == "agreement_review" and e.status == "completed"]
    return [r for kind in (BoundaryNote, AgreementProposal) for r in store.query(kind) if not done or r.when > done[-1]]


def waiting_proposals(store: Store, items: list[str]) -> dict[int, Proposal]:
    """Command-line proposals since the last review, by item position (an added item's is past the last);
    one whose item no longer reads as it did is dropped (the agreement changed since)."""
    found: dict[int, Proposal] = {}
    for record in _since_last_review(store):
        if not isinstance(record, AgreementProposal):
            continue
        if record.action == "add":
            index = len(items) + sum(p.action == "add" for p in found.values())
            found[index] = Proposal(index, "add", record.wording)
        elif record.item in items:
            index = items.index(record.item)
            found[index] = Proposal(index, "change" if record.action == "edit" else "remove", record.wording)
    return found


def boundary_notes_line(library: DialogLibrary, store: Store) -> str:
    """The boundary changes noted at check-ins since the last completed review, said before the items."""
    notes = [n for n in _since_last_review(store) if isinstance(n, BoundaryNote)]
    if not notes:
        return ""
    worded = [n.text.strip().rstrip(".") for n in notes if n.text and n.text.strip()]
    if not worded:
        return library.render("agreement.boundary_notes_unworded", count=len(notes)).text
    key = "boundary_note_one" if len(worded) == 1 else "boundary_notes_many"
    return library.render(f"agreement.{key}", count=len(worded), notes="; ".join(worded)).text


@dataclass
class AgreementReviewActivity:
    """Items, slots and records of one agreement review session."""

    store: Store
    library: DialogLibrary
    partners: tuple[str, str]
    clock: Clock
    keep_transcripts: bool = True
    session_id: str = field(default_factory=new_id)
    name: str = "agreement_review"
    proposals: dict[int, Proposal] = field(default_factory=dict)
    items_at_start: list[str] = field(default_factory=list)
    saved: AgreementVersion | None = None
    _summary: str | None = None
    _agreed_items: list[str] | None = None
    proposals_waiting: bool = True
    """Take up the command line's proposals (the monthly review); False: only what is said now."""
    _draft: str = ""
    """A new item's words as heard, held until they are read back and confirmed."""

    def __post_init__(self) -> None:
        current = self.store.agreement()
        self.items_at_start = list(current.items) if current else []
        if self.proposals_waiting:
            self.proposals = waiting_proposals(self.store, self.items_at_start)

    def _item(self, index: int) -> dict[str, object]:
        added = index >= len(self.items_at_start)
        item = self.proposals[index].wording if added else self.items_at_start[index]
        return {"number": index + 1, "item": item, "index": index}

    def items(self, step: Step) -> list[dict[str, object]]:
        if step.id in CONFIRM_STEPS:
            return [{**self._item(p.index), "proposal": self._proposal_text(p).text}
                    for p in self._pending()]
        if step.for_each == "agreement_item":
            return [self._item(i) for i in range(len(self.items_at_start))]
        return [{}]

    def _pending(self) -> list[Proposal]:
        return [self.proposals[i] for i in sorted(self.proposals)
                if self.proposals[i].action == "remove" or self.proposals[i].wording.strip()]

    def _proposal_text(self, proposal: Proposal) -> Line:
        number = proposal.index + 1
        if proposal.action == "remove":
            return self.library.render("agreement.proposal_remove", number=number,
                                       item=self.items_at_start[proposal.index])
        return self.library.render(f"agreement.proposal_{proposal.action}", number=number, wording=proposal.wording)

    def common_slots(self) -> dict[str, object]:
        return {"partner_a": self.partners[0], "partner_b": self.partners[1]}

    def step_slots(self, step: Step) -> dict[str, object]:
        text = " ".join(step.say)
        if "{overview}" in text:
            count = len(self.items_at_start)
            key = "overview_items" if count else "overview_none"
            overview = self.library.render(f"agreement.{key}", count=count).text
            notes = boundary_notes_line(self.library, self.store)
            waiting = len(self.proposals)
            if waiting:
                key = "proposals_waiting_one" if waiting == 1 else "proposals_waiting_many"
                overview += " " + self.library.render(f"agreement.{key}", count=waiting).text
            return {"overview": f"{notes} {overview}" if notes else overview}
        if "{summary}" in text:
            return {"summary": self.conclude()}
        if "{heard}" in text:
            return {"heard": self._draft}
        return {}

    def record(self, step: Step, slots: dict[str, object], answer: Answer) -> None:
        index = int(str(slots.get("index", -1)))
        if step.id == "review_item" and answer.key in ("change", "remove"):
            self.proposals[index] = Proposal(index, answer.key)  # type: ignore[arg-type]
        elif step.id == "new_wording" and index in self.proposals:
            self.proposals[index].wording = (answer.text or "").strip()
        elif step.id == "add_wording":
            self._draft = " ".join((answer.text or "").split())
        elif step.id == "add_readback" and answer.key == "yes" and self._draft:
            added = len(self.items_at_start) + sum(p.action == "add" for p in self.proposals.values())
            self.proposals[added] = Proposal(added, "add", self._draft)
        elif step.id in CONFIRM_STEPS and index in self.proposals:
            partner = self.partners[CONFIRM_STEPS.index(step.id)]
            self.proposals[index].votes[partner] = answer.key == "yes"
        self.store.append(StepAnswer(at=self.clock.now().isoformat(), session_id=self.session_id,
                                     activity=self.name, step=step.id, intent=answer.intent,
                                     text=answer.text if self.keep_transcripts else None,
                                     duration_s=round(answer.duration_s, 3)))

    def conclude(self) -> str:
        """The spoken summary of what both partners agreed to (computed once; nothing is saved here)."""
        if self._summary is None:
            self._summary = self._conclude()
        return self._summary

    def _conclude(self) -> str:
        if not self.proposals:
            return self.library.render("agreement.summary_unchanged").text
        new_items, agreed = apply(self.items_at_start, self._pending(), self.partners)
        declined = len(agreed) < len(self._pending())
        if not agreed:
            return self.library.render("agreement.summary_declined").text
        changes = [self.library.render(f"agreement.change_{CHANGE_NAMES[p.action]}", number=p.index + 1).text
                   for p in agreed]
        self._agreed_items = new_items  # saved by `finish` once the review completes
        text = self.library.render("agreement.summary_changed", changes=", ".join(changes)).text
        if declined:
            text += " " + self.library.render("agreement.summary_declined").text
        return text

    def finish(self, final_state: str, step: str = "", item: int = 0) -> None:
        """Save what both partners agreed to when the review completed; log the end (a paused or stopped
        review records no change)."""
        if final_state == "completed" and self._agreed_items is not None and self.saved is None:
            self.saved = self.store.update_agreement(self._agreed_items, "review", self.clock.now().isoformat())
        self.status(final_state, step, item)

    def status(self, status: str, step: str = "", item: int = 0, reason: str = "") -> None:
        """Log the session's status."""
        log_status(self.store, self.clock, self.session_id, self.name, status, step, item, reason)


register(ActivityKind(
    "agreement_review", "agreement_review", starts_on=("agreement_review",),
    build=lambda ctx: AgreementReviewActivity(ctx.store, ctx.library, ctx.settings.partners, ctx.clock,
                                              keep_transcripts=ctx.settings.dialog.keep_transcripts)))
register(ActivityKind(  # "add to our agreement", any day: a new item only (no scheduled prompt is settled)
    "agreement_add", "agreement_add", starts_on=("agreement_add",),
    build=lambda ctx: AgreementReviewActivity(ctx.store, ctx.library, ctx.settings.partners, ctx.clock,
                                              keep_transcripts=ctx.settings.dialog.keep_transcripts,
                                              name="agreement_add", proposals_waiting=False)))
