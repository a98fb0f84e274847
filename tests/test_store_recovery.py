"""Crash leftovers and damage (torn lines, temp files, corrupt files, garbage): never an unhandled error."""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.store import Store, StoreError
from assistant.store.journal import header_line
from assistant.store.migrations import CURRENT_SCHEMA
from assistant.store.records import StepAnswer

pytestmark = pytest.mark.usefixtures("private_umask")

T0 = datetime(2026, 1, 5, 19, 0, tzinfo=timezone.utc)
HEADER = header_line(CURRENT_SCHEMA)


def answer(n: int) -> StepAnswer:
    return StepAnswer(at=(T0 + timedelta(minutes=n)).isoformat(), id=f"ans-{n}", session_id="s1",
                      activity="checkin", step="rating", rating=n % 5 + 1, text=f"answer number {n}")


def make_store(directory: Path, count: int) -> bytes:
    with Store.open(directory) as store:
        store.append_many(answer(n) for n in range(count))
    return (directory / "store.jsonl").read_bytes()


def ids(directory: Path) -> list[str]:
    with Store.open(directory) as store:
        assert store.notices == []
        return [r.id for r in store.query()]


def test_torn_last_line_is_dropped_without_fuss(tmp_path: Path) -> None:
    data = make_store(tmp_path, 3)
    (tmp_path / "store.jsonl").write_bytes(data + b'{"kind":"answer","version":1,"at":"2026-')
    with Store.open(tmp_path) as store:
        assert store.notices == []
        assert [r.id for r in store.query()] == ["ans-0", "ans-1", "ans-2"]
    assert (tmp_path / "store.jsonl").read_bytes() == data
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_torn_line_left_by_another_process_is_cut_before_the_next_append(tmp_path: Path) -> None:
    make_store(tmp_path, 2)
    store = Store.open(tmp_path)
    with open(tmp_path / "store.jsonl", "ab") as f:  # a writer died half-way through its line
        f.write(b'{"kind":"answer","ver')
    store.append(answer(9))
    store.close()
    assert ids(tmp_path) == ["ans-0", "ans-1", "ans-9"]


def test_partial_temp_files_are_removed_on_open(tmp_path: Path) -> None:
    make_store(tmp_path, 1)
    leftover = tmp_path / "store.jsonl.bak1.tmp-1234-abcd"
    leftover.write_bytes(b'{"app":"couples-comp')
    assert ids(tmp_path) == ["ans-0"]
    assert not leftover.exists()


def test_damaged_line_moves_file_aside_restores_backup_and_keeps_later_records(tmp_path: Path) -> None:
    make_store(tmp_path, 5)
    Store.open(tmp_path).close()  # writes the rolling backup of ans-0..4
    assert (tmp_path / "store.jsonl.bak1").exists()
    with Store.open(tmp_path) as store:
        store.append_many([answer(5), answer(6)])
    path = tmp_path / "store.jsonl"
    damaged = path.read_bytes().replace(b'"id":"ans-2"', b'"id":ans-2"', 1)
    damaged = damaged.replace(b'"id":"ans-6"', b"\x00\x00", 1)
    path.write_bytes(damaged)
    with Store.open(tmp_path) as store:
        assert [r.id for r in store.query()] == ["ans-0", "ans-1", "ans-2", "ans-3", "ans-4", "ans-5"]
        assert len(store.notices) == 1
        notice = store.notices[0]
    aside = list(tmp_path.glob("store.jsonl.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == damaged
    assert "damaged" in notice and str(aside[0]) in notice and "1 record came back from the backup" in notice
    assert "(6 records in all)" in notice
    assert "1 damaged line could not be read from any copy and is kept only in the moved file" in notice
    assert ids(tmp_path) == ["ans-0", "ans-1", "ans-2", "ans-3", "ans-4", "ans-5"]


def test_damage_without_backup_keeps_every_readable_record_and_says_so(tmp_path: Path) -> None:
    data = make_store(tmp_path, 4)
    (tmp_path / "store.jsonl").write_bytes(data.replace(b'"rating":2', b'"rating":"two"'))
    with Store.open(tmp_path) as store:
        assert [r.id for r in store.query()] == ["ans-0", "ans-2", "ans-3"]
        assert "There was no backup yet" in store.notices[0] and "3 records" in store.notices[0]
        assert "1 damaged line could not be read" in store.notices[0]
    assert len(list(tmp_path.glob("store.jsonl.corrupt-*"))) == 1


def test_missing_journal_is_restored_from_backup(tmp_path: Path) -> None:
    make_store(tmp_path, 3)
    Store.open(tmp_path).close()
    (tmp_path / "store.jsonl").unlink()
    with Store.open(tmp_path) as store:
        assert [r.id for r in store.query()] == ["ans-0", "ans-1", "ans-2"]
        assert "missing" in store.notices[0]


def _open_any(directory: Path) -> Store | None:
    try:
        return Store.open(directory)
    except StoreError as exc:
        assert str(exc)
        return None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(garbage=st.binary(max_size=400), with_header=st.booleans(),
       lines=st.lists(st.text(max_size=40), max_size=5))
@pytest.mark.slow
def test_garbage_store_file_recovers_or_fails_clearly(garbage: bytes, with_header: bool,
                                                       lines: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        text = "\n".join(lines).encode("utf-8", "surrogatepass")
        content = (HEADER if with_header else b"") + text + garbage
        (directory / "store.jsonl").write_bytes(content)
        store = _open_any(directory)
        if store is None:
            return
        records = store.query()
        store.close()
        again = Store.open(directory)  # after recovery the store is clean: no second notice, same records
        assert again.notices == []
        assert again.query() == records
        again.close()


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(cut=st.integers(min_value=0, max_value=10_000), count=st.integers(min_value=0, max_value=8))
def test_truncated_journal_keeps_exactly_the_complete_lines(cut: int, count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        full = make_store(directory, count)
        cut = min(cut, len(full))
        (directory / "store.jsonl").write_bytes(full[:cut])
        with Store.open(directory) as store:
            got = [r.id for r in store.query()]
            notices = store.notices
        complete = full[:cut].count(b"\n") - 1  # minus the header line
        assert got == [f"ans-{n}" for n in range(max(complete, 0))]
        if cut == 0 or cut >= len(HEADER):
            assert notices == []
        else:  # a half header cannot come from our own writes: reported, kept aside
            assert len(notices) == 1 and list(directory.glob("*.corrupt-*"))
