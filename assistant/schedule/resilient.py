"""`assistant run` keeps running through hardware faults: a microphone lost mid-session is reopened with
backoff (the session was already paused and saved at its step), and a full disk is announced, not fatal."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.audio.devices import AudioDeviceError
from assistant.faults import DEVICE_BACK, DEVICE_LOST, STORE_WRITE_FAILED, notify, print_notice
from assistant.schedule.companion import Companion
from assistant.store.errors import StoreWriteError

_LOGGER = logging.getLogger(__name__)
Reopen = Callable[[Callable[[], bool]], bool]
"""Reopen the microphone (waiting with backoff) until it works (True) or `should_stop()` (False)."""


@dataclass
class FaultLog:
    """What happened, for logs and tests."""

    devices_lost: int = 0
    devices_back: int = 0
    store_failures: int = 0
    notices: list[str] = field(default_factory=list)
    """Dialog ids of the notices given, in order."""


def keep_running(companion: Companion, should_stop: Callable[[], bool], reopen: Reopen | None,
                 printer: Callable[[str], None] = print_notice, store_retry_s: float = 60.0,
                 log: FaultLog | None = None) -> FaultLog:
    """Run the companion until `should_stop()`, surviving a lost microphone and a full disk.

    Without `reopen` (typed text) an AudioDeviceError propagates. After a store failure the loop listens
    for `store_retry_s` (activation phrases still work) before the schedule touches the store again;
    common.store_write_failed is said once per run by the loop (a session says it for itself).
    """
    log = log or FaultLog()
    greet, warned_store, listen_first = True, False, False
    while not should_stop():
        try:
            if listen_first:  # the disk refused a write: keep listening a while before trying it again
                listen_first = False
                companion.idle_once(store_retry_s)
                continue
            companion.run(should_stop, greet=greet)
            return log
        except AudioDeviceError as exc:
            if reopen is None:
                raise
            _LOGGER.warning("microphone lost: %s", exc)
            log.devices_lost += 1
            _notice(companion, DEVICE_LOST, printer, log)
            if not reopen(should_stop):
                return log
            log.devices_back += 1
            _notice(companion, DEVICE_BACK, printer, log)
        except StoreWriteError as exc:
            _LOGGER.error("store write failed: %s", exc)
            log.store_failures += 1
            if not warned_store:
                _notice(companion, STORE_WRITE_FAILED, printer, log)
                warned_store = True
            listen_first = True
        greet = False
    return log


def _notice(companion: Companion, dialog_id: str, printer: Callable[[str], None], log: FaultLog) -> None:
    line = companion.library.render(dialog_id)
    companion.said.append(line)
    log.notices.append(dialog_id)
    notify(companion.conversation, line, "idle", printer)
