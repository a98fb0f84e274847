"""The Store API: append, query, sessions, agreement, privacy, modes, clear errors."""

from __future__ import annotations

import errno
import json
import os
import stat
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from assistant.store import NewerSchemaError, Store, StoreError, StoreLockTimeout, StoreWriteError
from assistant.store.codec import seal
from assistant.store.records import (
    AgreementVersion,
    Appreciation,
    Commitment,
    SessionEvent,
    StepAnswer,
    TimeOut,
)

pytestmark = pytest.mark.usefixtures("private_umask")

T0 = datetime(2026, 1, 5, 19, 0, tzinfo=timezone.utc)


def at(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


def answer(n: int, session: str = "s1", text: str | None = "a private answer") -> StepAnswer:
    return StepAnswer(at=at(n), id=f"ans-{n}", session_id=session, activity="checkin", step=f"step{n}",
                      partner="Alex", rating=n % 5 + 1, text=text)


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "data")
    yield s
    s.close()


def test_append_then_query_by_kind_time_and_predicate(store: Store) -> None:
    store.append(SessionEvent(at=at(0), session_id="s1", activity="checkin", status="started"))
    store.append_many(answer(n) for n in range(1, 6))
    store.append(TimeOut(at=at(30), started_at=at(10), cooloff_s=1200.0))
    assert [r.id for r in store.query(StepAnswer)] == [f"ans-{n}" for n in range(1, 6)]
    assert len(store.query("answer")) == 5
    assert len(store.query()) == 7
    window = store.query(StepAnswer, since=T0 + timedelta(minutes=2), until=T0 + timedelta(minutes=4))
    assert [r.id for r in window] == ["ans-2", "ans-3"]
    assert [r.id for r in store.query(where=lambda r: getattr(r, "rating", 0) == 5)] == ["ans-4"]


def test_session_latest_status_and_agreement(store: Store) -> None:
    store.append(SessionEvent(at=at(0), session_id="s1", activity="checkin", status="started"))
    store.append(answer(1))
    store.append(SessionEvent(at=at(5), session_id="s1", activity="checkin", status="paused", step="step2",
                              state={"partner": 1, "answers": [1, 2]}))
    store.append(SessionEvent(at=at(6), session_id="a1", activity="appreciation", status="completed"))
    assert [r.kind for r in store.session("s1")] == ["session", "answer", "session"]
    latest = store.latest_session_status("checkin")
    assert latest is not None and latest.status == "paused"
    assert latest.state == {"partner": 1, "answers": [1, 2]}
    assert store.latest_session_status("timeout") is None
    assert store.agreement() is None
    store.update_agreement(["Be kind"], "add", at(7))
    second = store.update_agreement(["Be kind", "Call when late"], "add", at(8))
    assert store.agreement() == second
    assert isinstance(second, AgreementVersion) and second.items == ("Be kind", "Call when late")


def test_records_survive_reopen_with_types_intact(tmp_path: Path) -> None:
    with Store.open(tmp_path) as first:
        first.update_agreement(["One", "Two"], "add", at(0))
        first.append(answer(1))
    with Store.open(tmp_path) as second:
        assert second.notices == []
        agreement = second.agreement()
        assert agreement is not None and agreement.items == ("One", "Two")
        assert second.query(StepAnswer) == [answer(1)]


def test_other_instance_appends_are_visible(tmp_path: Path) -> None:
    reader = Store.open(tmp_path)
    writer = Store.open(tmp_path)
    assert reader.query() == []
    writer.append(answer(1))
    assert [r.id for r in reader.query()] == ["ans-1"]
    reader.append(answer(2))
    assert [r.id for r in writer.query()] == ["ans-1", "ans-2"]
    reader.close()
    writer.close()


def test_keep_transcripts_false_strips_free_text(tmp_path: Path) -> None:
    with Store.open(tmp_path, keep_transcripts=False) as store:
        store.append(answer(1, text="something very private"))
        store.append(Commitment(at=at(1), session_id="s1", partner="Sam", text="walk on Sunday"))
        store.append(Appreciation(at=at(2), partner="Alex", prompt_id="daily", text="thanks for dinner"))
    raw = (tmp_path / "store.jsonl").read_text(encoding="utf-8")
    for secret in ("something very private", "walk on Sunday", "thanks for dinner"):
        assert secret not in raw
    with Store.open(tmp_path) as store:
        stored = store.query()
        assert [getattr(r, "text", "missing") for r in stored] == [None, None, None]
        assert stored[0].rating == 2  # outcomes are kept


def test_export_is_one_json_document_of_everything(store: Store) -> None:
    store.append_many(answer(n) for n in range(3))
    store.update_agreement(["Be kind"], "add", at(9))
    document = json.loads(json.dumps(store.export()))
    assert document["counts"] == {"answer": 3, "agreement": 1}
    assert [r["kind"] for r in document["records"]] == ["answer"] * 3 + ["agreement"]
    assert document["records"][-1]["items"] == ["Be kind"]
    assert all(r["version"] == 1 for r in document["records"])


def test_modes_are_private_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        directory = tmp_path / "nested" / "data"
        with Store.open(directory) as store:
            store.append(answer(1))
        (directory / "store.jsonl").write_bytes((directory / "store.jsonl").read_bytes() + b"{garbage}\n")
        with Store.open(directory) as store:
            assert store.notices  # recovery: a .corrupt- copy, a rewritten journal and a backup
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    names = sorted(p.name for p in directory.iterdir())
    assert "store.jsonl" in names and "store.jsonl.bak1" in names and any(".corrupt-" in n for n in names)
    for path in directory.iterdir():
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path.name


def test_forget_deletes_every_file(tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()  # not ours: must survive
    store = Store.open(tmp_path)
    store.append(answer(1))
    (tmp_path / "store.jsonl.corrupt-20260101T000000Z").write_bytes(b"x")
    store.forget()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["models"]
    with pytest.raises(StoreError):
        store.query()
    with Store.open(tmp_path) as fresh:
        assert fresh.query() == [] and fresh.notices == []


def test_newer_schema_is_refused_and_left_untouched(tmp_path: Path) -> None:
    content = seal(b'{"app":"couples-companion","schema":9}') + b'{"kind":"hologram","version":1}\n'
    (tmp_path / "store.jsonl").write_bytes(content)
    with pytest.raises(NewerSchemaError, match=r"newer version \(schema 9\); upgrade the assistant"):
        Store.open(tmp_path)
    assert (tmp_path / "store.jsonl").read_bytes() == content
    assert not list(tmp_path.glob("*.corrupt-*"))


def test_newer_record_version_is_refused(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.append(answer(1))
    line = {"kind": "answer", "version": 7, "at": at(0), "id": "x", "session_id": "s", "activity": "a",
            "step": "s"}
    with open(tmp_path / "store.jsonl", "a", encoding="utf-8") as f:
        f.write(seal(json.dumps(line, separators=(",", ":")).encode()).decode())
    with pytest.raises(NewerSchemaError, match="upgrade the assistant"):
        Store.open(tmp_path)


def _failing_write(monkeypatch: pytest.MonkeyPatch, store: Store) -> None:
    real_write = os.write

    def write(fd: int, data: bytes) -> int:
        if fd == store._fd:
            real_write(fd, bytes(data)[: len(data) // 2])  # half a line reaches the disk, then it is full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", write)


def test_disk_full_on_write_fails_clearly_and_keeps_earlier_data(tmp_path: Path, monkeypatch) -> None:
    store = Store.open(tmp_path)
    store.append_many(answer(n) for n in range(3))
    _failing_write(monkeypatch, store)
    with pytest.raises(StoreWriteError, match="disk is full"):
        store.append(answer(3))
    monkeypatch.undo()
    assert [r.id for r in store.query()] == ["ans-0", "ans-1", "ans-2"]
    store.append(answer(4))  # works again once there is space
    store.close()
    with Store.open(tmp_path) as again:
        assert again.notices == []
        assert [r.id for r in again.query()] == ["ans-0", "ans-1", "ans-2", "ans-4"]


def test_disk_full_on_fsync_fails_clearly_and_drops_the_record(tmp_path: Path, monkeypatch) -> None:
    store = Store.open(tmp_path)
    store.append(answer(0))

    def fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(StoreWriteError, match="Everything saved before is safe"):
        store.append(answer(1))
    monkeypatch.undo()
    store.close()
    with Store.open(tmp_path) as again:
        assert [r.id for r in again.query()] == ["ans-0"]


def test_unstorable_record_is_a_store_error(store: Store) -> None:
    with pytest.raises(StoreError):
        store.append(TimeOut(at=at(0), started_at=at(0), cooloff_s=float("nan")))
    assert store.query() == []


def test_lock_timeout_is_a_clear_error(tmp_path: Path) -> None:
    Store.open(tmp_path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time, filelock\n"
         "lock = filelock.FileLock(sys.argv[1], preserve_lock_file=True)\n"
         "lock.acquire(); print('locked', flush=True); time.sleep(30)", str(tmp_path / "store.lock")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(StoreLockTimeout, match="busy"):
            Store.open(tmp_path, lock_timeout=0.3)
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()
