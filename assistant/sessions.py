"""Starting, resuming and closing activity sessions (shared by the microphone, simulate and demo)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.activities.checkin import CheckinActivity, RecordStore
from assistant.clock import Clock
from assistant.config import Settings
from assistant.conversation import Conversation
from assistant.dialog.library import DialogLibrary
from assistant.dialog.machine import DialogModel, Position, build_machine
from assistant.store.records import SessionEvent


@dataclass
class Session:
    """One activity session: its model (with machine) and activity, and where it resumes."""

    model: DialogModel
    activity: CheckinActivity
    resume_at: Position | None = None


def paused_session(store: RecordStore, activity: str) -> SessionEvent | None:
    """The newest status of `activity` if it is "paused" (a session to resume), else None."""
    events = [e for e in store.query(SessionEvent) if isinstance(e, SessionEvent) and e.activity == activity]
    return events[-1] if events and events[-1].status == "paused" else None


def new_checkin(store: RecordStore, library: DialogLibrary, settings: Settings, clock: Clock,
                resume: bool = False) -> Session:
    """A check-in session; with `resume`, continue the paused one at its exact step (or start anew)."""
    paused = paused_session(store, "checkin") if resume else None
    activity = CheckinActivity(store, library, settings.partners, clock,
                               keep_transcripts=settings.dialog.keep_transcripts,
                               country=settings.safety.country)
    if paused is not None:
        activity.session_id = paused.session_id
    model = DialogModel(library.scripts["checkin"], library, activity,
                        max_silent_prompts=settings.dialog.max_silent_prompts)
    build_machine(model)
    resume_at = None
    if paused is not None:
        item = paused.state.get("item", 0)
        resume_at = Position(paused.step, item if isinstance(item, int) else 0)
    return Session(model, activity, resume_at)


def run_session(conversation: Conversation, session: Session) -> str:
    """Run a session to its end and log its status; returns the final state."""
    if session.resume_at is None:
        session.activity.status("started")
    final = conversation.run(session.model, session.resume_at)
    where = session.model.paused_at
    session.activity.status(final, where.step if where else "", where.item if where else 0)
    return final
