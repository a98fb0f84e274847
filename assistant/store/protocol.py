"""The store as the rest of the program sees it: append records, query them by type (assistant.store.Store)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol, TypeVar, overload

from assistant.store.records import Record, SessionEvent

R = TypeVar("R", bound=Record)


class RecordStore(Protocol):
    """Append and typed query: `query(Commitment)` returns `list[Commitment]`."""

    def append(self, record: Record) -> None: ...

    def latest_session_status(self, activity: str) -> SessionEvent | None:
        """The newest SessionEvent for `activity`."""
        ...

    @overload
    def query(self, kind: type[R], *, since: datetime | None = None, until: datetime | None = None,
              where: Callable[[R], bool] | None = None) -> list[R]: ...

    @overload
    def query(self, kind: str | None = None, *, since: datetime | None = None, until: datetime | None = None,
              where: Callable[[Record], bool] | None = None) -> list[Record]: ...
