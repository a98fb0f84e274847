"""The store's queries, by kind: each reads only the records of the kinds it asks for.

`Store` mixes these in; they read through `Store._reading`, which catches up with other processes' appends.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, TypeVar, overload

from assistant.store.codec import to_dict
from assistant.store.journal import APP
from assistant.store.kinds import KindIndex, Sealed
from assistant.store.migrations import CURRENT_SCHEMA
from assistant.store.records import RECORD_TYPES, AgreementVersion, Record, SessionEvent

R = TypeVar("R", bound=Record)


class Queries:
    """Reading methods of `Store`."""

    keep_transcripts: bool

    def _reading(self) -> contextlib.AbstractContextManager[KindIndex]:
        raise NotImplementedError

    @overload
    def query(self, kind: type[R], *, since: datetime | None = None, until: datetime | None = None,
              where: Callable[[R], bool] | None = None) -> list[R]: ...

    @overload
    def query(self, kind: str | None = None, *, since: datetime | None = None, until: datetime | None = None,
              where: Callable[[Record], bool] | None = None) -> list[Record]: ...

    def query(self, kind: type[Record] | str | None = None, *, since: datetime | None = None,
              until: datetime | None = None, where: Callable[[Any], bool] | None = None) -> list[Any]:
        """Records of `kind` (a Record type: typed result; a KIND string; None: all) in the order stored;
        `since` inclusive, `until` exclusive (naive times mean local).

        Reads only records of `kind` (and with `since`, only the newest of them when stored in time order).
        """
        name = kind if isinstance(kind, str) or kind is None else _kind_name(kind)
        low, high = _aware(since), _aware(until)
        with self._reading() as index:
            if name is None:
                records = index.all()
            elif low is not None:
                records, low = index.since(name, low), None
            else:
                records = index.records(name)
        if kind is not None and not isinstance(kind, str) and name is None:
            records = [r for r in records if isinstance(r, kind)]
        if low is not None or high is not None:
            records = [r for r in records if (low is None or r.when >= low) and (high is None or r.when < high)]
        if where is not None:
            records = [r for r in records if where(r)]
        return records

    def since(self, kind: type[R], when: datetime) -> list[R]:
        """Records of `kind` at or after `when`, in stored order, without reading older ones (when in time order)."""
        with self._reading() as index:
            return index.since(kind.KIND, _aware(when) or when)  # type: ignore[return-value]

    def latest(self, kind: type[R]) -> R | None:
        """The last stored record of `kind` (None when there is none)."""
        with self._reading() as index:
            return index.latest(kind.KIND)  # type: ignore[return-value]

    def of_kinds(self, *kinds: type[Record], start: int = 0, stop: int | None = None) -> list[Record]:
        """Records of these kinds in the order stored, from the `start`th record of the journal up to (not
        including) the `stop`th, without reading (decoding) any other kind."""
        with self._reading() as index:
            return index.of_kinds((k.KIND for k in kinds), start, stop)

    def first(self, kind: type[R], start: int = 0, stop: int | None = None) -> R | None:
        """The first stored record of `kind` (None when there is none, or it lies before the `start`th record of
        the journal or at or after the `stop`th), without reading the rest."""
        with self._reading() as index:
            return index.first(kind.KIND, start, stop)  # type: ignore[return-value]

    def sealed(self) -> Sealed | None:
        """The journal prefix the snapshot the records were read from or last saved to covers, or None: a key for
        caches derived from the history's first records, which never change."""
        with self._reading() as index:
            return index.sealed

    def count(self, kind: type[R]) -> int:
        """How many records of `kind` are stored (without decoding them)."""
        with self._reading() as index:
            return index.count(kind.KIND)

    def session(self, session_id: str) -> list[Record]:
        """Everything recorded for one session, in order."""
        return [r for r in self.query() if getattr(r, "session_id", None) == session_id]

    def latest_session_status(self, activity: str) -> SessionEvent | None:
        """The newest SessionEvent for `activity` (check-in, appreciation, ...), reading back only as far as it."""
        with self._reading() as index:
            found = index.last_where(SessionEvent.KIND, lambda r: getattr(r, "activity", None) == activity)
        return found if isinstance(found, SessionEvent) else None

    def agreement(self) -> AgreementVersion | None:
        """The newest version of the agreement."""
        return self.latest(AgreementVersion)

    def export(self) -> dict[str, Any]:
        """Everything, as one JSON-serialisable document."""
        records = self.query()
        counts: dict[str, int] = {}
        for record in records:
            counts[record.KIND] = counts.get(record.KIND, 0) + 1
        return {"app": APP, "schema": CURRENT_SCHEMA, "exported_at": datetime.now(timezone.utc).isoformat(),
                "keep_transcripts": self.keep_transcripts, "counts": counts,
                "records": [to_dict(record) for record in records]}


def _kind_name(kind: type[Record]) -> str | None:
    """The kind whose records are exactly `kind`'s instances; None for a base class (every kind is read)."""
    return kind.KIND if RECORD_TYPES.get(kind.KIND) is kind else None


def _aware(moment: datetime | None) -> datetime | None:
    return moment.astimezone() if moment is not None and moment.tzinfo is None else moment
