"""What a session does when the hardware under it fails: the microphone disappears, or the disk is full.

A lost microphone pauses the session at its exact step (saved, reason "device") and lets the
AudioDeviceError reach the caller, which reopens the device. A failed store write pauses the session in
memory only (nothing more can be saved) and tells the couple plainly; earlier records are intact.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from transitions import MachineError

from assistant.conversation import Conversation
from assistant.dialog.library import Line
from assistant.dialog.machine import DialogModel, Position
from assistant.store.errors import StoreWriteError

_LOGGER = logging.getLogger(__name__)
DEVICE_LOST = "common.device_lost"
DEVICE_BACK = "common.device_back"
STORE_WRITE_FAILED = "common.store_write_failed"


def print_notice(text: str) -> None:
    """Print a notice for the couple on stderr (visible even when the speaker is gone too)."""
    print(text, file=sys.stderr, flush=True)


def notify(conversation: Conversation, line: Line, state: str = "notice",
           printer: Callable[[str], None] = print_notice) -> bool:
    """Print `line` and speak it if the speaker still works; True when it was spoken."""
    printer(line.text)
    try:
        conversation.say(line, state)
    except Exception as exc:  # noqa: BLE001 - the speaker may have gone with the microphone
        _LOGGER.warning("could not speak %s: %s", line.dialog_id, exc)
        return False
    return True


def pause_here(model: DialogModel, reason: str) -> Position | None:
    """Pause `model` in memory at its exact step and item; None when it was not inside a step."""
    if model.finished or model.state == "idle":
        return model.paused_at if model.state == "paused" else None
    position = Position(model.state, model.item)
    try:
        model.fire("pause")
    except (MachineError, AttributeError) as exc:
        _LOGGER.info("pausing %s by hand: %s", model.state, exc)
        model.state = "paused"
    model.take_outbox()  # nothing queued may be said after the fault
    model.paused_at = position
    model.pause_reason = reason
    return position


def store_failed(conversation: Conversation, model: DialogModel, exc: StoreWriteError) -> str:
    """The disk refused a write: pause in memory, tell the couple, return "paused" (nothing is written)."""
    _LOGGER.error("store write failed during %s: %s", model.state, exc)
    pause_here(model, "store")
    notify(conversation, model.library.render(STORE_WRITE_FAILED), model.state)
    return "paused"
