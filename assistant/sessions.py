"""Starting, resuming and closing activity sessions (shared by the microphone, simulate and demo)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.activities.checkin import CheckinActivity, RecordStore
from assistant.audio.devices import AudioDeviceError
from assistant.clock import Clock
from assistant.config import Settings
from assistant.conversation import STALLED, Conversation
from assistant.dialog.library import DialogLibrary, Line
from assistant.dialog.machine import DialogModel, Position, build_machine
from assistant.faults import pause_here, store_failed
from assistant.safety import HELD_DIALOG_ID, HELD_STATE, checkin_blocked_today, log_safety
from assistant.store.errors import StoreWriteError
from assistant.store.records import SessionEvent


@dataclass
class Session:
    """One activity session: its model (with machine) and activity, and where it resumes."""

    model: DialogModel
    activity: CheckinActivity
    resume_at: Position | None = None
    settings: Settings | None = None
    """Used to run the time-out flow when the conversation has none wired."""
    held: Line | None = None
    """Set when a safety response happened earlier today: `run_session` only says this line (issue 7)."""


def paused_session(store: RecordStore, activity: str) -> SessionEvent | None:
    """The newest status of `activity` if it is "paused" (a session to resume), else None."""
    latest = store.latest_session_status(activity)
    return latest if latest is not None and latest.status == "paused" else None


def new_checkin(store: RecordStore, library: DialogLibrary, settings: Settings, clock: Clock,
                resume: bool = False, after_safety: bool = False) -> Session:
    """A check-in session; with `resume`, continue the paused one at its exact step (or start anew).

    After a safety response earlier the same day the session is `held` (it only says safety.checkin_held)
    unless the couple asked to continue (`after_safety=True`).
    """
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
    held = None
    if not after_safety and checkin_blocked_today(store, clock):
        held = library.render(HELD_DIALOG_ID)
    return Session(model, activity, resume_at, settings=settings, held=held)


def run_session(conversation: Conversation, session: Session) -> str:
    """Run a session to its end and log its status; returns the final state.

    A held session (safety response earlier today) only says its line and returns HELD_STATE, recording
    nothing. A session ending in the safety state also logs a SafetyEvent (no content). A lost microphone
    pauses the session at its exact step (saved, reason "device") and re-raises AudioDeviceError; a failed
    store write pauses it in memory, says common.store_write_failed and returns "paused".
    """
    if session.held is not None:
        conversation.say(session.held, HELD_STATE)
        return HELD_STATE
    try:
        if session.resume_at is None:
            session.activity.status("started")
        final = conversation.run(session.model, session.resume_at)
    except AudioDeviceError:  # the microphone went away: save the exact place, let the caller reopen it
        where = pause_here(session.model, "device")
        if where is not None:
            session.activity.status("paused", where.step, where.item, reason="device")
        raise
    except StoreWriteError as exc:  # disk full: tell the couple; nothing more can be saved tonight
        return store_failed(conversation, session.model, exc)
    where = session.model.paused_at
    if final == STALLED:  # the turn budget ran out: saved as a pause at its place
        session.activity.status("paused", where.step if where else "", where.item if where else 0, reason=STALLED)
        return final
    session.activity.status(final, where.step if where else "", where.item if where else 0)
    if final == "safety":
        log_safety(session.activity.store, session.activity.clock, session.activity.name)
    return final
