"""Issue 16 (history): the snapshot lets open read only the journal's tail, and never costs a record.

Behaviour, not time: records decoded from the journal are counted (every journal line goes through
`journal.from_dict`), and the records are compared with a full read of the journal.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from store_helpers import T0, answer, count_decoded

from assistant.store import Store, StoreError, journal, kinds, snapshot
from assistant.store.codec import to_dict
from assistant.store.records import AgreementVersion, Appreciation, Record, SessionEvent, StepAnswer, TimeOut

pytestmark = pytest.mark.usefixtures("private_umask")
SNAP = snapshot.SNAPSHOT


@pytest.fixture(autouse=True)
def small_snapshots(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "MIN_RECORDS", 10)
    monkeypatch.setattr(snapshot, "REFRESH_AFTER", 20)
    monkeypatch.setattr(snapshot, "CHUNK", 4)


@pytest.fixture
def decoded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many journal lines were validated and built into records (one count per `from_dict`)."""
    calls = [0]
    real = journal.from_dict

    def counting(obj: object) -> Record:
        calls[0] += 1
        return real(obj)

    monkeypatch.setattr(journal, "from_dict", counting)
    yield calls


def mixed(n: int, start: int = 0) -> list[Record]:
    records: list[Record] = []
    for i in range(start, start + n):
        at = (T0 + timedelta(hours=i)).isoformat()
        records.append([answer(i), Appreciation(at=at, id=f"app-{i}", partner="Sam", prompt_id="daily"),
                        TimeOut(at=at, id=f"to-{i}", started_at=at, outcome="resume"),
                        AgreementVersion(at=at, id=f"ag-{i}", items=("one", f"two {i}"))][i % 4])
    return records


def full_read(directory: Path) -> list[dict[str, object]]:
    """Every record as a full parse of the journal sees it (the source of truth)."""
    return [to_dict(r) for r in journal.parse_journal((directory / "store.jsonl").read_bytes()).records]


def with_snapshot(directory: Path, n: int = 40) -> None:
    with Store.open(directory) as store:
        store.append_many(mixed(n))
    Store.open(directory).close()  # a full read of >= MIN_RECORDS writes the snapshot
    assert (directory / SNAP).exists()


def test_open_with_a_valid_snapshot_decodes_only_the_tail(tmp_path: Path, decoded: list[int]) -> None:
    with_snapshot(tmp_path)
    with Store.open(tmp_path) as other:  # appended after the snapshot was written
        other.append_many(mixed(3, start=40))
    decoded[0] = 0
    with Store.open(tmp_path) as store:
        assert decoded[0] == 3
        assert [to_dict(r) for r in store.query()] == full_read(tmp_path)
        assert store.count(StepAnswer) == 11 and store.count(TimeOut) == 11


def test_snapshot_stale_after_another_process_appended_gives_the_same_records(tmp_path: Path) -> None:
    with_snapshot(tmp_path)
    code = ("import sys; from pathlib import Path; sys.path.insert(0, 'tests');"
            "from store_helpers import answer; from assistant.store import Store;"
            "s = Store.open(Path(sys.argv[1])); s.append_many(answer(n) for n in range(100, 125)); s.close()")
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, timeout=60)
    with Store.open(tmp_path) as store:
        records = [to_dict(r) for r in store.query()]
        assert records == full_read(tmp_path) and len(records) == 65
        assert [r.id for r in store.query(StepAnswer)][-25:] == [f"ans-{n}" for n in range(100, 125)]


def test_snapshot_refreshed_after_a_long_tail(tmp_path: Path, decoded: list[int]) -> None:
    with_snapshot(tmp_path)
    with Store.open(tmp_path) as store:
        store.append_many(mixed(25, start=40))  # more than REFRESH_AFTER
    Store.open(tmp_path).close()
    decoded[0] = 0
    with Store.open(tmp_path) as store:
        assert decoded[0] == 0 and len(store.query()) == 65


def test_a_rewrite_keeps_the_sealed_chunks_and_reads_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A snapshot rewritten further on copies the chunks it read (none decoded, none encoded again) and adds the
    records since; queries by kind and time still match a full read, also when a record came out of time order."""
    with_snapshot(tmp_path)  # 10 records of each kind, in chunks of 4
    late = TimeOut(at=(T0 - timedelta(days=3)).isoformat(), id="to-early", started_at=T0.isoformat())
    for round_, extra in enumerate(([late, *mixed(24, start=40)], mixed(25, start=70))):
        with Store.open(tmp_path) as store:
            store.append_many(extra)  # more than REFRESH_AFTER
        built = count_decoded(monkeypatch)
        with Store.open(tmp_path) as store:  # rewrites the snapshot
            assert sum(built.values()) == 0 and store.sealed() is not None
            assert store.sealed().records == (65 if round_ == 0 else 90)
        with Store.open(tmp_path) as store:
            everything = store.query()
            assert [to_dict(r) for r in everything] == full_read(tmp_path)
            for kind in (TimeOut, StepAnswer, AgreementVersion, Appreciation):
                since = T0 + timedelta(hours=30)
                assert store.since(kind, since) == [r for r in everything if isinstance(r, kind) and r.when >= since]
                assert store.latest(kind) == [r for r in everything if isinstance(r, kind)][-1]
                assert store.count(kind) == sum(isinstance(r, kind) for r in everything)


@pytest.mark.parametrize("where", ["header", "payload", "truncated", "garbage"])
def test_damaged_snapshot_is_ignored_and_rebuilt(tmp_path: Path, decoded: list[int], where: str) -> None:
    with_snapshot(tmp_path)
    data = bytearray((tmp_path / SNAP).read_bytes())
    if where == "header":
        data[20] ^= 0x04
    elif where == "payload":
        data[-30] ^= 0x01
    elif where == "truncated":
        del data[len(data) // 2:]
    else:
        data[:] = b"\x00\xff" * 50
    (tmp_path / SNAP).write_bytes(bytes(data))
    decoded[0] = 0
    with Store.open(tmp_path) as store:
        assert decoded[0] == 40  # the journal was read whole
        assert [to_dict(r) for r in store.query()] == full_read(tmp_path) and store.notices == []
    decoded[0] = 0
    with Store.open(tmp_path) as store:  # rebuilt: used again
        assert decoded[0] == 0 and len(store.query()) == 40


def test_journal_damaged_after_the_snapshot_is_still_detected_and_recovered(tmp_path: Path) -> None:
    with_snapshot(tmp_path)
    path = tmp_path / "store.jsonl"
    data = bytearray(path.read_bytes())
    data[data.index(b"answer number 4")] ^= 0x01  # a flipped bit in a line the snapshot covers
    path.write_bytes(bytes(data))
    with Store.open(tmp_path) as store:
        assert store.notices and "damaged" in store.notices[0]
        assert len(list(tmp_path.glob("store.jsonl.corrupt-*"))) == 1
        assert "ans-4" in {r.id for r in store.query()}  # back from the backup


def test_snapshot_is_private_and_a_link_in_its_place_is_refused(tmp_path: Path) -> None:
    with_snapshot(tmp_path)
    assert stat.S_IMODE((tmp_path / SNAP).stat().st_mode) == 0o600
    target = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    target.write_bytes(b"not ours")
    (tmp_path / SNAP).unlink()
    os.symlink(target, tmp_path / SNAP)
    with pytest.raises(StoreError, match="symbolic link"):
        Store.open(tmp_path)
    assert target.read_bytes() == b"not ours" and (tmp_path / SNAP).is_symlink()


def test_forget_removes_the_snapshot(tmp_path: Path) -> None:
    with_snapshot(tmp_path)
    Store.open(tmp_path).forget()
    assert not (tmp_path / SNAP).exists() and not (tmp_path / "store.jsonl").exists()


def test_kind_queries_match_a_full_scan_even_out_of_time_order(tmp_path: Path) -> None:
    records = mixed(40)
    late = TimeOut(at=(T0 - timedelta(days=3)).isoformat(), id="to-early", started_at=T0.isoformat())
    with Store.open(tmp_path) as store:
        store.append_many([*records[:20], late, *records[20:]])
    for _ in range(2):  # without, then with the snapshot
        with Store.open(tmp_path) as store:
            everything = store.query()
            for kind in (TimeOut, StepAnswer, AgreementVersion):
                for since in (T0 - timedelta(days=5), T0 + timedelta(hours=17), T0 + timedelta(days=9)):
                    assert store.since(kind, since) == [r for r in everything if isinstance(r, kind)
                                                        and r.when >= since]
                    assert store.query(kind, since=since.replace(tzinfo=None).astimezone(timezone.utc)) == \
                        store.since(kind, since)
                assert store.latest(kind) == [r for r in everything if isinstance(r, kind)][-1]
                assert store.count(kind) == sum(isinstance(r, kind) for r in everything)
            assert store.agreement() == store.latest(AgreementVersion)
            assert store.query(Record) == everything
            assert store.since(TimeOut, datetime(2100, 1, 1, tzinfo=timezone.utc)) == []


def test_snapshot_from_a_program_with_other_record_fields_is_not_used(tmp_path: Path, decoded: list[int],
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    with_snapshot(tmp_path)
    fields = snapshot._fields()
    monkeypatch.setattr(snapshot, "_fields", lambda: {**fields, "answer": [*fields["answer"], "mood"]})
    decoded[0] = 0
    with Store.open(tmp_path) as store:
        assert decoded[0] == 40 and [to_dict(r) for r in store.query()] == full_read(tmp_path)


def test_recent_queries_decode_only_the_newest_chunks(tmp_path: Path) -> None:
    with_snapshot(tmp_path)  # 10 records of each kind, in chunks of 4
    with Store.open(tmp_path) as store:
        assert store.count(StepAnswer) == 10 and store._index.decoded == 0
        recent = store.since(StepAnswer, T0 + timedelta(minutes=36))  # answer(n) is at T0 + n min
        assert [r.id for r in recent] == ["ans-36"] and store._index.decoded == 2  # the newest chunk only
        assert store.latest(TimeOut) is not None and store._index.decoded == 4
        assert [r.id for r in store.query(StepAnswer)] == [f"ans-{n}" for n in range(0, 40, 4)]
        assert store._index.decoded == 12


def test_latest_session_status_reads_back_only_as_far_as_the_newest_match(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The newest event of an activity, as a scan of every session event finds it; older chunks stay undecoded."""
    built: list[int] = []
    real = kinds._build

    def counting(kind: str, rows: list[list[object]]) -> tuple[list[Record], list[int]]:
        built.append(len(rows))
        return real(kind, rows)

    def event(i: int, activity: str) -> SessionEvent:
        return SessionEvent(at=(T0 + timedelta(hours=i)).isoformat(), session_id=f"s{i}", activity=activity,
                            status="paused" if i % 3 else "completed")

    with Store.open(tmp_path) as store:  # the only time out is old: every chunk after it must be read
        store.append_many([event(0, "timeout")] + [event(i, "checkin") for i in range(1, 40)])
    Store.open(tmp_path).close()
    with Store.open(tmp_path) as store:
        store.append(event(40, "appreciation"))  # after the snapshot: held decoded, before the chunks
    monkeypatch.setattr(kinds, "_build", counting)
    with Store.open(tmp_path) as store:
        assert store.latest_session_status("appreciation").session_id == "s40" and built == []
        assert store.latest_session_status("checkin").session_id == "s39" and sum(built) == snapshot.CHUNK
        assert store.latest_session_status("timeout").session_id == "s0" and sum(built) == 40
        assert store.latest_session_status("agreement_review") is None
        every = store.query(SessionEvent)
        for activity in ("checkin", "timeout", "appreciation"):
            assert store.latest_session_status(activity) == [e for e in every if e.activity == activity][-1]


@pytest.mark.parametrize("start", [0, 21, 39, 40, 43, 60])
def test_records_from_a_journal_position_decode_only_what_lies_there(tmp_path: Path, start: int) -> None:
    with_snapshot(tmp_path)  # 40 records (10 of each kind, chunks of 4), sealed by the snapshot
    with Store.open(tmp_path) as store:
        store.append_many(mixed(4, start=40))  # positions 40..43, after the sealed part
    with Store.open(tmp_path) as store:
        assert store.sealed() is not None and store.sealed()[1] == 40
        every = store.query()
        decoded_before = store._index.decoded
    with Store.open(tmp_path) as store:
        got = store.of_kinds(StepAnswer, TimeOut, start=start)
        assert [r.id for r in got] == [r.id for r in every[start:] if isinstance(r, (StepAnswer, TimeOut))]
        assert store._index.decoded == 0 if start >= 40 else 0 < store._index.decoded < decoded_before
        first = store.first(Appreciation, start=start)
        assert (first.id if first else None) == ("app-1" if start <= 1 else None)


@pytest.mark.parametrize(("start", "stop"), [(0, 40), (0, 1), (1, 40), (21, 39), (39, 44), (40, 40)])
def test_records_between_two_journal_positions_are_exactly_those_stored_there(tmp_path: Path, start: int,
                                                                               stop: int) -> None:
    with_snapshot(tmp_path)
    with Store.open(tmp_path) as store:
        store.append_many(mixed(4, start=40))
    with Store.open(tmp_path) as store:
        every = store.query()
        got = store.of_kinds(StepAnswer, TimeOut, start=start, stop=stop)
        assert [r.id for r in got] == [r.id for r in every[start:stop] if isinstance(r, (StepAnswer, TimeOut))]
        first = store.first(Appreciation, start=start, stop=stop)
        assert (first.id if first else None) == ("app-1" if start <= 1 < stop else None)
