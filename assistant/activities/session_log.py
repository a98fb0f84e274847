"""One way every activity logs its session's status (started, completed, paused, stopped, safety)."""

from __future__ import annotations

from typing import cast, get_args

from assistant.clock import Clock
from assistant.store.protocol import RecordStore
from assistant.store.records import SessionEvent, SessionStatus


def log_status(store: RecordStore, clock: Clock, session_id: str, activity: str, status: str, step: str = "",
               item: int = 0, reason: str = "") -> None:
    """Append a SessionEvent; `reason` of a pause ("device", "stalled"...) is kept in its state."""
    if status not in get_args(SessionStatus):
        raise ValueError(f"unknown session status {status!r}; expected one of {get_args(SessionStatus)}")
    state: dict[str, object] = {"item": item, "reason": reason} if reason else {"item": item}
    store.append(SessionEvent(at=clock.now().isoformat(), session_id=session_id, activity=activity,
                              status=cast(SessionStatus, status), step=step, state=state))
