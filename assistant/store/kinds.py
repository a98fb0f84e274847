"""Records held by kind, in stored order: what `Store` queries without scanning the whole history.

Each kind's records are a list in the order stored, with each record's position in the whole journal (so the
whole history can be put back in order). A kind read from a snapshot stays undecoded (its JSON rows) until
it is first asked for, so opening costs the same in year fifty as in year one.
"""

from __future__ import annotations

import bisect
import contextlib
import dataclasses
import gc
import json
import operator
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import NamedTuple

from assistant.store.records import RECORD_TYPES, Record


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while building many records that hold no cycles.

    With a large history in memory every automatic collection rescans it: building 100k records took 2.5x
    longer with the collector on. Reference counting still frees everything as usual.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


_FIRST_ROW = json.JSONDecoder()


def field_names(kind: str) -> tuple[str, ...]:
    """The record fields of `kind` in the order a snapshot row holds them."""
    return tuple(f.name for f in dataclasses.fields(RECORD_TYPES[kind]))


def to_row(seq: int, record: Record) -> list[object]:
    """A snapshot row: each field (tuples become lists), then the record's position in the journal."""
    return [*(list(v) if isinstance(v, tuple) else v
              for v in (getattr(record, name) for name in field_names(record.KIND))), seq]


def _build(kind: str, rows: list[list[object]]) -> tuple[list[Record], list[int]]:
    """Records from rows that were validated when the snapshot was written (its checksum vouches for them)."""
    cls, names = RECORD_TYPES[kind], field_names(kind)
    tuples = [n for n, f in zip(names, dataclasses.fields(cls), strict=True) if str(f.type).startswith("tuple")]
    new = cls.__new__
    records: list[Record] = []
    for row in rows:
        record = new(cls)
        record.__dict__.update(zip(names, row, strict=False))  # the position, last, is left out
        records.append(record)
    for record in records if tuples else ():
        record.__dict__.update((name, tuple(record.__dict__[name])) for name in tuples)
    return records, [row[-1] for row in rows]  # type: ignore[misc]


class Sealed(NamedTuple):
    """The journal's first `end` bytes, whose XXH3-128 is `digest`, hold its first `records` records: the part a
    snapshot covers, which never changes (the journal is append-only; a rewrite changes the digest)."""

    digest: str
    records: int
    end: int


@dataclasses.dataclass
class _Raw:
    """An undecoded chunk of a kind's snapshot rows."""

    data: bytes
    count: int
    last_when: datetime
    last_at: str
    """`last_when` as the snapshot wrote it."""


@dataclasses.dataclass
class _Kind:
    raw: list[_Raw] = dataclasses.field(default_factory=list)
    """Undecoded chunks from a snapshot, oldest first; they all come before `records`."""
    records: list[Record] = dataclasses.field(default_factory=list)
    seqs: list[int] = dataclasses.field(default_factory=list)
    in_time_order: bool = True
    """Every record's time >= the one before it (then `since` can bisect, and decode only the newest chunks)."""
    last_when: datetime | None = None


class KindIndex:
    """Per-kind lists of records with their journal positions. Not thread-safe: `Store` locks around it."""

    def __init__(self) -> None:
        self._kinds: dict[str, _Kind] = {}
        self.total = 0
        self.decoded = 0
        """Records built from snapshot rows so far (for tests and the bench)."""
        self.sealed: Sealed | None = None
        """The journal prefix the snapshot read or written for this index covers."""

    @classmethod
    def of(cls, records: Iterable[Record]) -> KindIndex:
        index = cls()
        index.extend(records)
        return index

    def add_raw(self, kind: str, raw: bytes, count: int, in_time_order: bool, last_at: str, total: int) -> None:
        """One undecoded snapshot chunk of `kind` (`count` rows, added oldest first); `total`: snapshot size."""
        entry = self._kinds.setdefault(kind, _Kind())
        entry.raw.append(_Raw(raw, count, datetime.fromisoformat(last_at), last_at))
        entry.in_time_order, entry.last_when = in_time_order, entry.raw[-1].last_when
        self.total = total

    def extend(self, records: Iterable[Record]) -> None:
        for record in records:
            entry = self._kinds.setdefault(record.KIND, _Kind())
            when = record.when
            if entry.in_time_order and entry.last_when is not None:
                entry.in_time_order = entry.last_when <= when
            entry.last_when = when
            entry.records.append(record)
            entry.seqs.append(self.total)
            self.total += 1

    def _decode(self, kind: str, chunks: int | None = None) -> _Kind:
        """`kind`'s entry with its newest `chunks` raw chunks decoded (all when None)."""
        entry = self._kinds.setdefault(kind, _Kind())
        take = len(entry.raw) if chunks is None else min(chunks, len(entry.raw))
        if take:
            records: list[Record] = []
            seqs: list[int] = []
            with paused_gc():
                for chunk in entry.raw[len(entry.raw) - take:]:
                    built, numbers = _build(kind, json.loads(chunk.data))
                    records += built
                    seqs += numbers
            del entry.raw[len(entry.raw) - take:]
            entry.records[:0], entry.seqs[:0] = records, seqs
            self.decoded += len(records)
        return entry

    def kinds(self) -> list[str]:
        return list(self._kinds)

    def count(self, kind: str) -> int:
        entry = self._kinds.get(kind)
        return 0 if entry is None else sum(chunk.count for chunk in entry.raw) + len(entry.records)

    def records(self, kind: str) -> list[Record]:
        """A copy of `kind`'s records, in stored order."""
        return list(self._decode(kind).records) if kind in self._kinds else []

    def latest(self, kind: str) -> Record | None:
        """The last stored record of `kind`."""
        if kind not in self._kinds:
            return None
        entry = self._kinds[kind]
        while not entry.records and entry.raw:
            self._decode(kind, 1)
        return entry.records[-1] if entry.records else None

    def since(self, kind: str, low: datetime) -> list[Record]:
        """`kind`'s records with time >= `low`, in stored order (bisects when they are in time order)."""
        if kind not in self._kinds:
            return []
        entry = self._kinds[kind]
        if not entry.in_time_order:
            self._decode(kind)
        while entry.raw and entry.raw[-1].last_when >= low:  # older chunks end before `low`: left undecoded
            self._decode(kind, 1)
        if entry.in_time_order:
            return entry.records[bisect.bisect_left(entry.records, low, key=lambda r: r.when):]
        return [r for r in entry.records if r.when >= low]

    def undecoded(self, kind: str) -> list[_Raw]:
        """`kind`'s snapshot chunks not decoded yet, oldest first (they come before every decoded record)."""
        return list(self._kinds[kind].raw) if kind in self._kinds else []

    def decoded_rows(self, kind: str) -> Iterator[list[object]]:
        """Snapshot rows of `kind`'s decoded records (those after its undecoded chunks), in stored order."""
        entry = self._kinds.get(kind, _Kind())
        return (to_row(seq, r) for seq, r in zip(entry.seqs, entry.records, strict=True))

    def in_time_order(self, kind: str) -> bool:
        """Every record of `kind` (undecoded ones included) is at or after the one before it."""
        return self._kinds[kind].in_time_order if kind in self._kinds else True

    def last_where(self, kind: str, test: Callable[[Record], bool]) -> Record | None:
        """The last stored record of `kind` that passes `test`, decoding snapshot chunks newest first only
        until one is found."""
        entry = self._kinds.get(kind)
        if entry is None:
            return None
        checked = 0  # records at the end of `entry.records` already looked at
        while True:
            for record in reversed(entry.records[:len(entry.records) - checked]):
                if test(record):
                    return record
            checked = len(entry.records)
            if not entry.raw:
                return None
            self._decode(kind, 1)  # the newest undecoded chunk goes in front of what was looked at

    def first(self, kind: str, start: int = 0, stop: int | None = None) -> Record | None:
        """The first stored record of `kind` when it lies at journal position >= `start` (and < `stop`), decoding
        only that one row when the kind is still undecoded."""
        entry = self._kinds.get(kind)
        if entry is None:
            return None
        if entry.raw:  # only the chunk's first row is parsed (a chunk is `[row,row,...]`, never empty)
            records, seqs = _build(kind, [_FIRST_ROW.raw_decode(entry.raw[0].data.decode(), 1)[0]])
        elif entry.records:
            records, seqs = entry.records, entry.seqs
        else:
            return None
        return records[0] if start <= seqs[0] and (stop is None or seqs[0] < stop) else None

    def _from(self, kind: str, start: int) -> _Kind:
        """`kind`'s entry with every record at journal position >= `start` decoded (snapshot rows all lie
        below `sealed`'s count, so none is decoded for a `start` at or after it)."""
        entry = self._kinds[kind]
        if start <= 0 or self.sealed is None:
            return self._decode(kind)
        while entry.raw and start < self.sealed[1] and (not entry.seqs or entry.seqs[0] > start):
            self._decode(kind, 1)
        return entry

    def of_kinds(self, kinds: Iterable[str], start: int = 0, stop: int | None = None) -> list[Record]:
        """The records of `kinds` at journal positions from `start` up to (not including) `stop`, in stored order
        (other kinds stay undecoded)."""
        pairs: list[tuple[int, Record]] = []
        for kind in dict.fromkeys(kinds):
            if kind in self._kinds:
                entry = self._from(kind, start)
                first = bisect.bisect_left(entry.seqs, start)
                last = len(entry.seqs) if stop is None else bisect.bisect_left(entry.seqs, stop)
                pairs += zip(entry.seqs[first:last], entry.records[first:last], strict=True)
        pairs.sort(key=operator.itemgetter(0))  # one sorted run per kind: Timsort merges them in C
        return [record for _, record in pairs]

    def all(self) -> list[Record]:
        """Every record in stored order."""
        return self.of_kinds(self.kinds())
