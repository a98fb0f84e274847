"""Records round-trip through JSON for every kind; invalid objects are rejected with RecordError."""

from __future__ import annotations

import tempfile
from datetime import timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.store import Store
from assistant.store.codec import RecordError, decode_line, encode_line, from_dict, to_dict
from assistant.store.records import RECORD_TYPES, Record, StepAnswer, TimeOut

pytestmark = pytest.mark.usefixtures("private_umask")

STAMPS = st.datetimes(timezones=st.sampled_from([timezone.utc, None])).map(
    lambda d: (d if d.tzinfo else d.replace(tzinfo=timezone.utc)).isoformat())
FLOATS = st.floats(allow_nan=False, allow_infinity=False)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | FLOATS | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                    max_leaves=8)


def records_of(cls: type[Record]) -> st.SearchStrategy[Record]:
    overrides: dict[str, st.SearchStrategy] = {"at": STAMPS}
    for name in ("started_at", "due_at"):
        if name in cls.__dataclass_fields__:
            overrides[name] = STAMPS
    for name in ("duration_s", "cooloff_s"):
        if name in cls.__dataclass_fields__:
            overrides[name] = FLOATS
    if "state" in cls.__dataclass_fields__:
        overrides["state"] = st.dictionaries(st.text(), JSON, max_size=4)
    if "return_at" in cls.__dataclass_fields__:
        overrides["return_at"] = st.none() | STAMPS
    return st.builds(cls, **overrides)


ANY_RECORD = st.one_of([records_of(cls) for cls in RECORD_TYPES.values()])


@pytest.mark.parametrize("kind", sorted(RECORD_TYPES))
def test_every_kind_round_trips(kind: str) -> None:
    @settings(max_examples=60, deadline=None)
    @given(record=records_of(RECORD_TYPES[kind]))
    def check(record: Record) -> None:
        line = encode_line(record)
        assert line.endswith(b"\n") and line.count(b"\n") == 1
        back = decode_line(line)
        assert back == record and type(back) is type(record)
        data = to_dict(record)
        assert data["kind"] == kind and data["version"] == record.VERSION
        assert all(not isinstance(value, tuple) for value in data.values())

    check()


@settings(max_examples=25, deadline=None)
@given(records=st.lists(ANY_RECORD, min_size=1, max_size=6))
def test_records_round_trip_through_the_store(records: list[Record]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        with Store.open(Path(tmp)) as store:
            store.append_many(records)
        with Store.open(Path(tmp)) as store:
            assert store.query() == records


BASE = {"kind": "answer", "version": 1, "at": "2026-01-05T19:00:00+00:00", "id": "a", "session_id": "s",
        "activity": "checkin", "step": "rating"}


@pytest.mark.parametrize("change", [
    {"kind": "nope"}, {"version": 0}, {"version": True}, {"at": "yesterday"}, {"at": "2026-01-05T19:00:00"},
    {"rating": "4"}, {"rating": True}, {"duration_s": "1"}, {"text": 5}, {"surprise": 1},
    {"session_id": None},
])
def test_invalid_fields_are_rejected(change: dict) -> None:
    with pytest.raises(RecordError):
        from_dict({**BASE, **change})


def test_missing_required_field_and_non_objects_are_rejected() -> None:
    with pytest.raises(RecordError, match="missing field 'step'"):
        from_dict({k: v for k, v in BASE.items() if k != "step"})
    for bad in ([], "x", 3, None):
        with pytest.raises(RecordError):
            from_dict(bad)
    with pytest.raises(RecordError):
        decode_line(b"\xff\xfe{")


def test_defaults_fill_in_and_literals_are_checked() -> None:
    record = from_dict(BASE)
    assert isinstance(record, StepAnswer) and record.rating is None and record.duration_s == 0.0
    timeout = {"kind": "timeout", "version": 1, "at": BASE["at"], "id": "t", "started_at": BASE["at"]}
    assert isinstance(from_dict(timeout), TimeOut)
    with pytest.raises(RecordError):
        from_dict({**timeout, "outcome": "explode"})
