"""One small dataclass per record kind. Every record carries `kind`, `version`, an id and a time.

Records are appended to the store and never edited in place: a later record supersedes an earlier
one where that matters (e.g. a new agreement version, a session's final status).
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar, Literal


def new_id() -> str:
    """A short random id."""
    return uuid.uuid4().hex[:12]


@dataclass(frozen=True, kw_only=True)
class Record:
    """Common fields. `at` is an aware ISO-8601 timestamp string."""

    KIND: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1
    at: str
    """When it happened (ISO 8601 with offset)."""
    id: str = field(default_factory=new_id)

    @property
    def kind(self) -> str:
        return self.KIND

    @property
    def when(self) -> datetime:
        return datetime.fromisoformat(self.at)


SessionStatus = Literal["started", "completed", "paused", "stopped", "safety"]


@dataclass(frozen=True, kw_only=True)
class SessionEvent(Record):
    """An activity (check-in, appreciation, agreement review, time out) changed status."""

    KIND = "session"
    session_id: str
    activity: str
    """"checkin", "appreciation", "agreement_review", "timeout"."""
    status: SessionStatus
    step: str = ""
    """Step id where the session is (for "paused": where it resumes)."""
    state: dict[str, object] = field(default_factory=dict)
    """What a resumed session needs (partner index, item index, answers so far)."""


@dataclass(frozen=True, kw_only=True)
class StepAnswer(Record):
    """One answer to one step of a session."""

    KIND = "answer"
    session_id: str
    activity: str
    step: str
    partner: str = ""
    intent: str | None = None
    rating: int | None = None
    text: str | None = None
    """Free-text answer; None when transcripts are disabled."""
    duration_s: float = 0.0
    """From the end of the prompt to the end of the answer."""


@dataclass(frozen=True, kw_only=True)
class Commitment(Record):
    """A commitment one partner makes for next week."""

    KIND = "commitment"
    VERSION = 2
    session_id: str
    partner: str
    text: str | None
    """None when transcripts are disabled or the wording was not confirmed."""
    confirmed: bool = False
    """The partner heard the words read back and said yes (v2; v1 records were never read back). Only
    confirmed words are read back next week; otherwise 'the commitment <partner> made'."""
    supersedes: str | None = None
    """Id of the commitment this one replaces (same session and partner, e.g. after "go back")."""


@dataclass(frozen=True, kw_only=True)
class CommitmentReview(Record):
    """Whether a commitment was kept, marked at the next check-in."""

    KIND = "commitment_review"
    VERSION = 2
    session_id: str
    commitment_id: str
    kept: bool
    confirmed_by: str = ""
    """Who answered: the other partner, not the one who made the commitment (v2; "" in v1 records)."""
    supersedes: str | None = None
    """Id of the review this one replaces (the same commitment asked again after "go back")."""


@dataclass(frozen=True, kw_only=True)
class BoundaryNote(Record):
    """A boundary change raised at a check-in, carried into the next monthly agreement review."""

    KIND = "boundary_note"
    session_id: str
    text: str | None
    """What the couple said; None when transcripts are disabled."""


@dataclass(frozen=True, kw_only=True)
class TimeOut(Record):
    """A time out, logged when it ends."""

    KIND = "timeout"
    started_at: str
    interrupted_activity: str = ""
    interrupted_step: str = ""
    breathing_cycles: int = 0
    cooloff_s: float = 0.0
    outcome: Literal["resume", "reschedule", "stop"] = "stop"
    return_at: str | None = None
    """Agreed return time when rescheduled."""


@dataclass(frozen=True, kw_only=True)
class Appreciation(Record):
    """One partner's daily appreciation."""

    KIND = "appreciation"
    partner: str
    prompt_id: str
    text: str | None = None
    skipped: bool = False


@dataclass(frozen=True, kw_only=True)
class AgreementVersion(Record):
    """The whole written agreement as it stands after a change."""

    KIND = "agreement"
    items: tuple[str, ...]
    change: str = ""
    """What changed: "add", "edit", "remove", "review"."""


@dataclass(frozen=True, kw_only=True)
class AgreementProposal(Record):
    """A change to the agreement asked for on the command line without both partners' yes: the next monthly
    review puts it to both (assistant.activities.agreement); it changes nothing by itself."""

    KIND = "agreement_proposal"
    action: Literal["add", "edit", "remove"]
    item: str = ""
    """The wording of the item it changes, as it read then ("" for add): a review finds it by this."""
    wording: str = ""
    """The new wording (add, edit)."""


@dataclass(frozen=True, kw_only=True)
class PromptEvent(Record):
    """A scheduled prompt was spoken, snoozed, answered or let go."""

    KIND = "prompt"
    prompt: str
    """"appreciation", "checkin_reminder", "agreement_review", "timeout_return"."""
    outcome: Literal["spoken", "answered", "snoozed", "missed", "skipped_quiet", "held"]
    """"held": not spoken because a safety response happened earlier that local day."""
    due_at: str


@dataclass(frozen=True, kw_only=True)
class SafetyEvent(Record):
    """A safety response was given. Deliberately holds nothing of what was said."""

    KIND = "safety"
    VERSION = 2
    activity: str = ""
    category: str = ""
    """What kind of danger, coarsely (v2): partner_violence, self_harm, threat, fear or other (see
    assistant.danger.resume.event_category); "" in v1 records, read as unknown (the cautious default)."""


@dataclass(frozen=True, kw_only=True)
class Consent(Record):
    """Both partners agreed to the first-run disclaimer."""

    KIND = "consent"
    partners: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class RecordingConsent(Record):
    """Both partners' say on keeping their own recordings of commitments (assistant.recordings); the latest
    counts: agreed only when both said yes, and either partner's no withdraws it."""

    KIND = "recording_consent"
    partners: tuple[str, ...]
    agreed: bool


@dataclass(frozen=True, kw_only=True)
class JointCheckinRequest(Record):
    """One partner, on their own, asked for joint check-ins again after a stop about violence, threats, fear or
    control (assistant.after_safety): they have had support and want them. Holds nothing else."""

    KIND = "joint_request"
    partner: str


RECORD_TYPES: dict[str, type[Record]] = {
    cls.KIND: cls
    for cls in (SessionEvent, StepAnswer, Commitment, CommitmentReview, TimeOut, Appreciation,
                AgreementVersion, PromptEvent, SafetyEvent, Consent, BoundaryNote, AgreementProposal,
                RecordingConsent, JointCheckinRequest)
}


def without_free_text(record: Record) -> Record:
    """`record` with its free text dropped (what is kept when transcripts are off); other kinds unchanged."""
    if isinstance(record, (StepAnswer, Commitment, Appreciation)) and record.text is not None:
        return dataclasses.replace(record, text=None)
    return record
