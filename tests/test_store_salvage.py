"""Issue 13 #3, #4, #9: recovery never starts empty while a readable copy exists; per-record integrity."""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

import pytest
from store_helpers import answer, fill, tmpfs

from assistant.store import Store, StoreError
from assistant.store.journal import header_line

pytestmark = pytest.mark.usefixtures("private_umask")
DAY = 24 * 3600


def age_backup(directory: Path) -> None:
    """Make the newest backup two days old, so the next open writes a new one (a real daily rotation)."""
    old = time.time() - 2 * DAY
    if (directory / "store.jsonl.bak1").exists():
        os.utime(directory / "store.jsonl.bak1", (old, old))


def two_generations(directory: Path) -> None:
    """Journal with ans-0..39; bak2 holds ans-0..19 and bak1 ans-0..39."""
    with Store.open(directory) as store:
        store.append_many(answer(n) for n in range(20))
    Store.open(directory).close()
    with Store.open(directory) as store:
        store.append_many(answer(n) for n in range(20, 40))
    age_backup(directory)
    Store.open(directory).close()


def flip_in_line(path: Path, line_no: int, rng: random.Random) -> None:
    data = bytearray(path.read_bytes())
    starts = [0] + [i + 1 for i, b in enumerate(data) if b == ord("\n")]
    at = rng.randrange(starts[line_no], starts[line_no + 1] - 1)
    data[at] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


def ids(store: Store) -> list[str]:
    return [r.id for r in store.query()]


def test_journal_gone_and_newest_backup_damaged_restores_everything_readable(tmp_path: Path) -> None:
    two_generations(tmp_path)
    (tmp_path / "store.jsonl").unlink()
    flip_in_line(tmp_path / "store.jsonl.bak1", 5, random.Random(1))  # record ans-4, also in bak2
    with Store.open(tmp_path) as store:
        assert ids(store) == [f"ans-{n}" for n in range(40)]
        assert "40 records were restored from 2 backups" in store.notices[0]
    for _ in range(2):  # two daily rotations later, nothing old has gone
        age_backup(tmp_path)
        with Store.open(tmp_path) as store:
            assert ids(store) == [f"ans-{n}" for n in range(40)] and store.notices == []


def test_torn_backup_is_restored_not_an_empty_start(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.append_many(answer(n) for n in range(30))
    Store.open(tmp_path).close()
    backup = tmp_path / "store.jsonl.bak1"
    backup.write_bytes(backup.read_bytes()[:-40])  # cut inside the last record
    (tmp_path / "store.jsonl").unlink()
    with Store.open(tmp_path) as store:
        assert ids(store) == [f"ans-{n}" for n in range(29)]
        assert "29 records were restored from the backup" in store.notices[0]


def test_unreadable_backups_are_kept_aside_not_rotated_away(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.append_many(answer(n) for n in range(5))
    Store.open(tmp_path).close()
    (tmp_path / "store.jsonl.bak1").write_bytes(b"\x00" * 100)
    (tmp_path / "store.jsonl").unlink()
    with Store.open(tmp_path) as store:
        assert ids(store) == [] and "no copy of it could be read" in store.notices[0]
        store.append(answer(9))
    for _ in range(2):
        age_backup(tmp_path)
        Store.open(tmp_path).close()
    assert [p.read_bytes() for p in tmp_path.glob("store.jsonl.corrupt-*")] == [b"\x00" * 100]


@pytest.mark.parametrize("seed", range(20))
def test_journal_cut_short_gets_back_what_the_backup_holds(tmp_path: Path, seed: int) -> None:
    with Store.open(tmp_path) as store:
        store.append_many(answer(n) for n in range(30))
    Store.open(tmp_path).close()
    with Store.open(tmp_path) as store:
        store.append_many(answer(n) for n in range(30, 35))
    journal = tmp_path / "store.jsonl"
    backup_size = (tmp_path / "store.jsonl.bak1").stat().st_size
    journal.write_bytes(journal.read_bytes()[:random.Random(seed).randrange(0, backup_size)])
    with Store.open(tmp_path) as store:
        assert ids(store)[:30] == [f"ans-{n}" for n in range(30)]
        assert any("restored" in notice for notice in store.notices)


def test_flipped_bits_never_change_a_record_silently(tmp_path: Path) -> None:
    rng = random.Random(13)
    originals = {f"ans-{n}": answer(n) for n in range(12)}
    silent = 0
    for trial in range(150):
        directory = tmp_path / f"t{trial}"
        with Store.open(directory) as store:
            store.append_many(originals.values())
        flip_in_line(directory / "store.jsonl", rng.randrange(1, 13), rng)
        with Store.open(directory) as store:
            records = store.query()
            notices = store.notices
        silent += any(originals.get(r.id) != r for r in records)
        assert len(records) == 12 or notices, "a record went missing without a word"
    assert silent == 0


def test_a_flip_in_a_version_field_quarantines_one_record_not_the_store(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.append_many(answer(n) for n in range(5))
    journal = tmp_path / "store.jsonl"
    journal.write_bytes(journal.read_bytes().replace(b'"version":1', b'"version":3', 1))  # 0x31 -> 0x33
    with Store.open(tmp_path) as store:
        assert ids(store) == [f"ans-{n}" for n in range(1, 5)]
        assert "1 damaged line could not be read" in store.notices[0]
    assert len(list(tmp_path.glob("store.jsonl.corrupt-*"))) == 1  # quarantined, byte for byte


def test_a_schema_2_store_is_migrated_and_sealed(tmp_path: Path) -> None:
    lines = [b'{"kind":"answer","version":1,"at":"2026-01-05T19:00:00+00:00","id":"a%d","session_id":"s",'
             b'"activity":"checkin","step":"rating","rating":3}\n' % n for n in range(3)]
    (tmp_path / "store.jsonl").write_bytes(header_line(2) + b"".join(lines))
    with Store.open(tmp_path) as store:
        assert ids(store) == ["a0", "a1", "a2"]
    text = (tmp_path / "store.jsonl").read_text()
    assert text.count('"crc":"') == 4 and '"schema":3' in text
    flip_in_line(tmp_path / "store.jsonl", 2, random.Random(0))
    with Store.open(tmp_path) as store:
        assert ids(store) == ["a0", "a1", "a2"]  # the flipped line came back from the pre-migration backup
        assert "1 record came back from the backup" in store.notices[0]


def test_failed_recovery_on_a_full_disk_keeps_one_aside_copy_and_says_why(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        directory = disk / "data"
        with Store.open(directory) as store:
            store.append_many(answer(n, "x" * 200) for n in range(40))
        journal = directory / "store.jsonl"
        journal.write_bytes(journal.read_bytes().replace(b'"id":"ans-3"', b'"id":"ans-3', 1))
        fill(disk)
        for _ in range(3):
            with pytest.raises(StoreError, match="No space left on device"):
                Store.open(directory)
        assert len(list(directory.glob("store.jsonl.corrupt-*"))) == 1
        (disk / "filler").unlink()
        with Store.open(directory) as store:
            assert len(ids(store)) == 39


def test_the_notice_does_not_say_no_backup_when_the_backup_was_damaged(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.append_many(answer(n) for n in range(5))
    Store.open(tmp_path).close()
    (tmp_path / "store.jsonl.bak1").write_bytes(b"garbage\n")
    journal = tmp_path / "store.jsonl"
    journal.write_bytes(journal.read_bytes().replace(b'"id":"ans-2"', b'"id":"ans-2', 1))
    with Store.open(tmp_path) as store:
        assert "no backup yet" not in store.notices[0].lower()
        assert "could not be read from any copy" in store.notices[0]
