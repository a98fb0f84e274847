"""SIGKILL at random moments and concurrent readers: zero lost, zero corrupt, no torn reads."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.store import Store, snapshot
from assistant.store.records import StepAnswer

KILLS = 200
FRESH_EVERY = 40
"""A new data dir every so many kills keeps the journal (and each open) small enough for ~30 s in all."""

WRITER = r"""
import os, sys, time
from pathlib import Path
from assistant.store import Store, snapshot
from assistant.store.records import StepAnswer

directory, tag, batch, chunked = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
pause = float(sys.argv[5])
if sys.argv[6] == "1":  # snapshots from 20 records on: kills also land while one is written or read
    from assistant.store import snapshot
    snapshot.MIN_RECORDS = snapshot.REFRESH_AFTER = 20
if chunked:  # short writes, as near a full disk or on power loss: a kill can land in the middle of a line
    real_write = os.write
    def write(fd, data):
        if fd != 1:
            time.sleep(0.0003)
            data = bytes(data)[:50]
        return real_write(fd, data)
    os.write = write
store = Store.open(directory)
os.write(1, b"ready\n")
n = 0
while True:
    # lines of varying length, some crossing 4 KiB page boundaries; the text is checkable from the id
    group = [StepAnswer(at="2026-01-05T19:00:00+00:00", id=f"{tag}-{k}", session_id=tag, activity="checkin",
                        step="s", rating=k % 5 + 1, text=f"{k}:" + "x" * (1 + (k * 37) % 600))
             for k in range(n, n + batch)]
    if batch == 1:
        store.append(group[0])
    else:
        store.append_many(group)
    os.write(1, "".join(f"{r.id}\n" for r in group).encode())  # acknowledged: append returned
    n += batch
    if pause:
        time.sleep(pause)
"""


def expected_text(record_id: str) -> str:
    n = int(record_id.rsplit("-", 1)[1])
    return f"{n}:" + "x" * (1 + (n * 37) % 600)


def spawn(directory: Path, tag: str, batch: int = 1, chunked: bool = False,
          pause: float = 0.0, snapshots: bool = False) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(directory), tag, str(batch), str(int(chunked)),
                             str(pause), str(int(snapshots))],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def check_store(directory: Path, acknowledged: set[str]) -> int:
    with Store.open(directory) as store:
        assert store.notices == [], store.notices  # a torn last line is silent; anything else is corruption
        records = store.query()
    ids = [r.id for r in records]
    assert len(ids) == len(set(ids)), "duplicate records"
    missing = acknowledged - set(ids)
    assert not missing, f"lost {len(missing)} acknowledged records"
    for record in records:
        assert isinstance(record, StepAnswer) and record.text == expected_text(record.id)
    assert not list(directory.glob("*.corrupt-*"))
    return len(ids)


@pytest.mark.slow
@pytest.mark.parametrize("snapshots", [False, True])
def test_sigkill_at_random_moments_loses_nothing_acknowledged(tmp_path: Path, snapshots: bool,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    if snapshots:
        monkeypatch.setattr(snapshot, "MIN_RECORDS", 20)
        monkeypatch.setattr(snapshot, "REFRESH_AFTER", 20)
    rng = random.Random(20260105)
    acknowledged: set[str] = set()
    directory = tmp_path / "kill-0"
    kills_mid_append = torn = 0
    for kill in range(KILLS):
        if kill % FRESH_EVERY == 0:
            directory, acknowledged = tmp_path / f"kill-{kill}", set()
        child = spawn(directory, f"k{kill}", batch=rng.choice((1, 1, 1, 3)), chunked=kill % 2 == 1,
                      snapshots=snapshots)
        assert child.stdout is not None
        if rng.random() < 0.9:  # most kills land in the append loop; some during start-up and recovery
            assert child.stdout.readline() == b"ready\n", child.stderr.read() if child.stderr else ""
            time.sleep(rng.uniform(0.0, 0.025))
        else:
            time.sleep(rng.uniform(0.0, 0.08))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate()
        assert child.returncode == -signal.SIGKILL, err.decode(errors="replace")
        acks = [line for line in out.decode().split("\n")[:-1] if line != "ready"]  # complete lines only
        acknowledged.update(acks)
        kills_mid_append += bool(acks)
        torn += (directory / "store.jsonl").read_bytes()[-1:] != b"\n"
        check_store(directory, acknowledged)
    assert kills_mid_append >= KILLS // 2  # the kills really did interrupt appending
    assert torn >= KILLS // 10  # ... and often in the middle of a line
    assert not snapshots or (directory / snapshot.SNAPSHOT).exists()


@pytest.mark.slow
def test_reader_process_never_sees_a_partial_batch(tmp_path: Path) -> None:
    """A writer process appends batches of 5 with append_many; every query sees whole batches only.

    The writer writes each batch in 50-byte pieces and pauses 1 ms between batches (still ~1000x faster
    than speech): the lock polls, so a writer in a tight loop could starve a reader until its lock timeout.
    """
    Store.open(tmp_path).close()
    writer = spawn(tmp_path, "w", batch=5, chunked=True, pause=0.001)
    assert writer.stdout is not None and writer.stdout.readline() == b"ready\n"
    reader = Store.open(tmp_path)
    seen, queries, deadline = 0, 0, time.monotonic() + 3.0
    try:
        while seen < 400 and time.monotonic() < deadline:
            records = reader.query(StepAnswer)
            queries += 1
            assert len(records) % 5 == 0, f"partial batch visible: {len(records)} records"
            assert len(records) >= seen
            assert [r.id for r in records] == [f"w-{n}" for n in range(len(records))]
            assert all(r.text == expected_text(r.id) for r in records[seen:])
            seen = len(records)
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.communicate()
        reader.close()
    assert seen >= 50 and queries >= 10


def test_threads_share_one_store_safely(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    errors: list[BaseException] = []

    def write(tag: str) -> None:
        try:
            for n in range(100):
                store.append(StepAnswer(at="2026-01-05T19:00:00+00:00", id=f"{tag}-{n}", session_id=tag,
                                        activity="checkin", step="s", text=expected_text(f"{tag}-{n}")))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(f"t{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        assert all(r.text == expected_text(r.id) for r in store.query())
    for thread in threads:
        thread.join()
    store.close()
    assert not errors
    assert check_store(tmp_path, {f"t{i}-{n}" for i in range(4) for n in range(100)}) == 400


@pytest.mark.slow
def test_killed_writer_does_not_block_or_confuse_a_running_reader(tmp_path: Path) -> None:
    """A long-lived reader (like `assistant run`) keeps working across a writer being killed mid-stream."""
    reader = Store.open(tmp_path)
    acknowledged: set[str] = set()
    for round_ in range(5):
        child = spawn(tmp_path, f"r{round_}")
        assert child.stdout is not None and child.stdout.readline() == b"ready\n"
        time.sleep(0.02)
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate()
        acknowledged.update(line for line in out.decode().split("\n")[:-1])
        assert acknowledged <= {r.id for r in reader.query()}
        reader.append(StepAnswer(at="2026-01-05T19:00:00+00:00", id=f"reader-{round_}", session_id="x",
                                 activity="checkin", step="s", text=expected_text(f"reader-{round_}")))
    reader.close()
    check_store(tmp_path, acknowledged | {f"reader-{n}" for n in range(5)})
