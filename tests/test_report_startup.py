"""Issue 16 (felt speed of `report`): what was cut from its start-up and its fifty-year path keeps its behaviour.

The report reads only dialogs/report.yaml; the store reads its files whole at once; the snapshot's XXH3 digests
still catch a flipped bit, and a snapshot of the older SHA-256 format is read around and rewritten; streaks are
the same runs of days as before.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from store_helpers import T0

from assistant import paths
from assistant.dialog.schema import DialogError
from assistant.report import Words
from assistant.store import Store, journal, private, snapshot
from assistant.store.codec import seal, to_dict, unseal
from assistant.store.records import Appreciation
from assistant.streaks import runs

pytestmark = pytest.mark.usefixtures("private_umask")


def test_the_report_reads_only_report_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(paths.dialogs_dir() / "report.yaml", tmp_path / "report.yaml")
    (tmp_path / "checkin.yaml").write_text("script: [unclosed\n", encoding="utf-8")  # another file, broken
    monkeypatch.setenv(paths.ENV_DIALOGS, str(tmp_path))
    words = Words()
    assert words.text("title") == "How you two are doing"
    assert words.count("n_days", 1) == "1 day" and words.count("n_days", 3) == "3 days"
    assert set(words.library.prompts) == {f"report.{key}" for key in _report_keys()}


def test_a_broken_report_yaml_is_one_line_naming_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "report.yaml").write_text("prompts:\n  title: []\n", encoding="utf-8")
    monkeypatch.setenv(paths.ENV_DIALOGS, str(tmp_path))
    with pytest.raises(DialogError, match=r"report\.yaml: prompts: title: needs at least one variant"):
        Words()


def _report_keys() -> set[str]:
    import yaml

    return set(yaml.safe_load((paths.dialogs_dir() / "report.yaml").read_text(encoding="utf-8"))["prompts"])


def _runs_by_definition(days: list[date]) -> list[tuple[date, date]]:
    found: list[tuple[date, date]] = []
    for one in sorted(set(days)):
        if found and one - found[-1][1] == timedelta(days=1):
            found[-1] = (found[-1][0], one)
        else:
            found.append((one, one))
    return found


@given(st.lists(st.integers(0, 90), max_size=60))
def test_runs_are_the_consecutive_days(offsets: list[int]) -> None:
    days = [date(2026, 12, 1) + timedelta(days=n) for n in offsets]
    assert runs(days) == _runs_by_definition(days)


@pytest.mark.parametrize("size", [0, 1, 65_535, 65_536, 1_048_577, 3_000_001])
def test_files_are_read_whole_at_once(tmp_path: Path, size: int) -> None:
    data = os.urandom(size)
    path = tmp_path / "f"
    path.write_bytes(data)
    path.chmod(0o600)
    assert private.read_private(path) == data
    fd = os.open(path, os.O_RDONLY)
    try:
        assert private.read_from(fd, 0) == data
        assert private.read_from(fd, size // 3) == data[size // 3:]
    finally:
        os.close(fd)


def _history(directory: Path, n: int = 1200) -> None:
    with Store.open(directory) as store:
        store.append_many([Appreciation(at=(T0 + timedelta(hours=i)).isoformat(), id=f"a{i}", partner="Sam",
                                        prompt_id="daily") for i in range(n)])
    Store.open(directory).close()  # writes the snapshot


def test_a_flipped_bit_in_the_journal_before_the_snapshot_end_is_noticed(tmp_path: Path) -> None:
    _history(tmp_path)
    meta = json.loads(unseal((tmp_path / snapshot.SNAPSHOT).read_bytes().split(b"\n", 1)[0] + b"\n"))
    journal_bytes = (tmp_path / journal.JOURNAL).read_bytes()
    assert meta["journal_digest"] == snapshot.digest(journal_bytes[:meta["end"]])
    assert snapshot.load(tmp_path, journal_bytes) is not None
    damaged = bytearray(journal_bytes)
    damaged[meta["end"] // 2] ^= 0x01
    assert snapshot.load(tmp_path, bytes(damaged)) is None  # not used: the journal is read whole and mended


def test_a_snapshot_of_the_sha256_format_is_read_around_and_rewritten(tmp_path: Path) -> None:
    _history(tmp_path)
    path = tmp_path / snapshot.SNAPSHOT
    head, payload = path.read_bytes().split(b"\n", 1)
    meta = json.loads(unseal(head + b"\n"))
    meta["snapshot"] = 1  # as the previous program wrote it
    path.write_bytes(seal(json.dumps(meta).encode()) + payload)
    expected = [to_dict(r) for r in journal.parse_journal((tmp_path / journal.JOURNAL).read_bytes()).records]
    assert snapshot.load(tmp_path, (tmp_path / journal.JOURNAL).read_bytes()) is None
    with Store.open(tmp_path) as store:
        assert [to_dict(r) for r in store.query()] == expected
    rewritten = json.loads(unseal(path.read_bytes().split(b"\n", 1)[0] + b"\n"))
    assert rewritten["snapshot"] == snapshot.FORMAT == 2
