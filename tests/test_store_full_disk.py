"""Issue 13 #5: reading works on a full or read-only disk; writing fails in one line and loses nothing.

A real small tmpfs is filled to the last byte or remounted read-only (needs root, as this machine runs tests).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from store_helpers import answer, fill, no_traceback, remount_read_only, run_cli, tmpfs

from assistant.store import Store
from assistant.store.records import AgreementVersion

pytestmark = pytest.mark.usefixtures("private_umask")


def seed(directory: Path) -> None:
    with Store.open(directory) as store:
        store.append_many(answer(n) for n in range(20))
        store.append(AgreementVersion(at="2026-01-05T19:00:00+00:00", items=("Phones stay face up.",)))
    Store.open(directory).close()
    old = time.time() - 2 * 24 * 3600  # a backup is due on the next open
    os.utime(directory / "store.jsonl.bak1", (old, old))


def reads_work(directory: Path) -> None:
    listed = run_cli(directory, "agreement", "list")
    assert listed.returncode == 0 and "1. Phones stay face up." in listed.stdout, listed.stderr
    exported = run_cli(directory, "export", "-")
    assert exported.returncode == 0, exported.stderr
    assert len(json.loads(exported.stdout)["records"]) == 21
    report = run_cli(directory, "report")
    assert report.returncode == 0 and "Nothing has been recorded" not in report.stdout, report.stderr


def test_full_disk_reads_work_and_a_write_fails_in_one_line_losing_nothing(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        directory = disk / "data"
        seed(directory)
        before = (directory / "store.jsonl").read_bytes()
        fill(disk)
        reads_work(directory)
        wording = "We talk before we buy anything big. " * 300  # more than the journal's last page can take
        added = run_cli(directory, "agreement", "add", input=wording.encode())
        no_traceback(added)
        assert added.returncode == 1 and "disk is full" in added.stderr.lower(), added.stderr
        assert len([line for line in added.stderr.splitlines() if line.startswith("Error")]) == 1
        assert (directory / "store.jsonl").read_bytes() == before


def test_read_only_disk_reads_work_writes_and_forget_say_why(tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        directory = disk / "data"
        seed(directory)
        before = sorted(p.name for p in directory.iterdir())
        remount_read_only(disk)
        reads_work(directory)
        for args in (("agreement", "add"), ("forget", "--yes")):
            result = run_cli(directory, *args, input=b"We talk first.\n")
            no_traceback(result)
            assert result.returncode == 1 and "read-only" in result.stderr.lower(), result.stderr
        assert sorted(p.name for p in directory.iterdir()) == before
