"""Sessions the companion starts: appreciation, agreement review and check-in, run to their end."""

from __future__ import annotations

from datetime import tzinfo
from typing import Protocol

from assistant.activities.agreement import AgreementReviewActivity
from assistant.activities.appreciation import AppreciationActivity
from assistant.clock import Clock
from assistant.config import Settings
from assistant.conversation import Conversation
from assistant.dialog.library import DialogLibrary
from assistant.dialog.machine import DialogModel, build_machine
from assistant.sessions import new_checkin, run_session
from assistant.store.store import Store


class Finishing(Protocol):
    """An activity that logs its own start and end."""

    def status(self, status: str, step: str = "", item: int = 0) -> None: ...
    def finish(self, final_state: str) -> None: ...


def model_for(activity: object, library: DialogLibrary, script: str, settings: Settings) -> DialogModel:
    """A dialog model (with its machine) for `activity` running `script`."""
    model = DialogModel(library.scripts[script], library, activity,  # type: ignore[arg-type]
                        max_silent_prompts=settings.dialog.max_silent_prompts)
    build_machine(model)
    return model


def run_activity(conversation: Conversation, model: DialogModel, activity: Finishing) -> str:
    """Run to a final state; an interruption (Ctrl-C, SIGTERM) is logged as paused, then re-raised."""
    activity.status("started")
    try:
        final = conversation.run(model)
    except BaseException:
        activity.finish("paused")
        raise
    activity.finish(final)
    return final


def appreciation(conversation: Conversation, store: Store, library: DialogLibrary, settings: Settings,
                 clock: Clock, tz: tzinfo, seed: int | None = None) -> str:
    """Run one daily appreciation; returns its final state."""
    activity = AppreciationActivity(store, library, settings.partners, clock, tz,
                                    keep_transcripts=settings.dialog.keep_transcripts, seed=seed)
    return run_activity(conversation, model_for(activity, library, "appreciation", settings), activity)


def agreement_review(conversation: Conversation, store: Store, library: DialogLibrary,
                     settings: Settings, clock: Clock) -> str:
    """Run one agreement review; returns its final state."""
    activity = AgreementReviewActivity(store, library, settings.partners, clock,
                                       keep_transcripts=settings.dialog.keep_transcripts)
    return run_activity(conversation, model_for(activity, library, "agreement_review", settings), activity)


def checkin(conversation: Conversation, store: Store, library: DialogLibrary, settings: Settings,
            clock: Clock, resume: bool = False) -> str | None:
    """Start (or resume) the weekly check-in; None when asked to resume and nothing is paused."""
    session = new_checkin(store, library, settings, clock, resume=resume)
    if resume and session.resume_at is None:
        return None
    try:
        return run_session(conversation, session)
    except BaseException:
        model = session.model
        if not model.finished and model.state != "idle":  # save the exact place to resume from
            session.activity.status("paused", model.state, model.item)
        raise
