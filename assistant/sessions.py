"""Starting, resuming, running and closing any activity's session (the microphone, simulate, the companion)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timezone, tzinfo

from assistant.activities.registry import SessionActivity, SessionContext, activity
from assistant.after_safety import HELD_VIOLENCE_DIALOG_ID, joint_checkins_held
from assistant.audio.devices import AudioDeviceError
from assistant.clock import Clock
from assistant.config import Settings
from assistant.conversation import STALLED, Conversation
from assistant.danger_check import last_alarm_category
from assistant.dialog.library import DialogLibrary, Line
from assistant.dialog.machine import DialogModel, Position, build_machine
from assistant.faults import pause_here, store_failed
from assistant.safety import HELD_DIALOG_ID, HELD_STATE, checkin_blocked_today, log_safety
from assistant.store.errors import StoreWriteError
from assistant.store.protocol import RecordStore
from assistant.store.records import SessionEvent
from assistant.store.store import Store

_LOGGER = logging.getLogger(__name__)


@dataclass
class Session:
    """One activity session: its model (with machine) and activity, and where it resumes."""

    model: DialogModel
    activity: SessionActivity
    store: RecordStore
    clock: Clock
    resume_at: Position | None = None
    held: Line | None = None
    """Set when a safety response happened earlier today: `run_session` only says this line (issue 7)."""


def paused_session(store: RecordStore, name: str) -> SessionEvent | None:
    """The newest status of activity `name` if it is "paused" (a session to resume), else None."""
    latest = store.latest_session_status(name)
    return latest if latest is not None and latest.status == "paused" else None


def new_session(name: str, context: SessionContext, *, resume: bool = False,
                after_safety: bool = False) -> Session:
    """A session of activity `name`; with `resume`, continue its paused session at the exact step (or start
    anew). An activity held after safety only says safety.checkin_held that day, unless `after_safety`, and
    safety.checkin_held_violence on any day while joint check-ins are held (assistant.after_safety)."""
    kind = activity(name)
    built = kind.build(context)
    paused = paused_session(context.store, name) if resume else None
    if paused is not None:
        built.session_id = paused.session_id
    model = DialogModel(context.library.scripts[name], context.library, built,
                        max_silent_prompts=context.settings.dialog.max_silent_prompts)
    build_machine(model)
    resume_at = None
    if paused is not None:
        item = paused.state.get("item", 0)
        resume_at = Position(paused.step, item if isinstance(item, int) else 0)
    held = None
    if kind.held_after_safety:
        if joint_checkins_held(context.store, context.settings.partners):
            held = context.library.render(HELD_VIOLENCE_DIALOG_ID)
        elif not after_safety and checkin_blocked_today(context.store, context.clock):
            held = context.library.render(HELD_DIALOG_ID)
    return Session(model, built, context.store, context.clock, resume_at, held)


def new_checkin(store: Store, library: DialogLibrary, settings: Settings, clock: Clock, resume: bool = False,
                after_safety: bool = False, tz: tzinfo = timezone.utc) -> Session:
    """A check-in session (see `new_session`)."""
    return new_session("checkin", SessionContext(store, library, settings, clock, tz), resume=resume,
                       after_safety=after_safety)


def run_session(conversation: Conversation, session: Session) -> str:
    """Run a session to its end and log its status; returns the final state.

    A held session only says its line and returns HELD_STATE, recording nothing. A session ending in the
    safety state also logs a SafetyEvent (no content). A lost microphone pauses it at its exact step (reason
    "device") and re-raises AudioDeviceError; a failed store write pauses it in memory, says
    common.store_write_failed and returns "paused"; a spent turn budget saves it paused (reason "stalled")
    and returns STALLED; any other interruption (Ctrl-C, SIGTERM) saves it paused and propagates.
    """
    if session.held is not None:
        conversation.say(session.held, HELD_STATE)
        return HELD_STATE
    model, log = session.model, session.activity
    try:
        if session.resume_at is None:
            log.status("started")
        final = conversation.run(model, session.resume_at)
    except AudioDeviceError:  # the microphone went away: save the exact place, let the caller reopen it
        where = pause_here(model, "device")
        if where is not None:
            log.status("paused", where.step, where.item, reason="device")
        raise
    except StoreWriteError as exc:  # disk full: tell the couple; nothing more can be saved tonight
        return store_failed(conversation, model, exc)
    except BaseException:
        if not model.finished and model.state != "idle":
            log.finish("paused", model.state, model.item)
        raise
    where = model.paused_at
    if final == STALLED:
        log.status("paused", where.step if where else "", where.item if where else 0, reason=STALLED)
        return final
    log.finish(final, where.step if where else "", where.item if where else 0)
    if final == "safety":
        log_safety(session.store, session.clock, log.name, last_alarm_category(conversation.interpreter.danger))
    return final
