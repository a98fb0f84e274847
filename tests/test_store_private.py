"""Issue 13 #1: the data dir and its files are the user's own, 0700/0600, never a link; refused, not trusted."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from store_helpers import answer, no_traceback, run_cli

from assistant.store import Store, StoreError

pytestmark = pytest.mark.usefixtures("private_umask")
OTHER = 65534
"""Another local user (nobody)."""


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_a_new_data_dir_is_0700_and_its_files_0600_even_under_umask_000(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        with Store.open(tmp_path / "a" / "data") as store:
            store.append(answer(1))
        Store.open(tmp_path / "a" / "data").close()  # writes the first backup
    finally:
        os.umask(old)
    assert mode(tmp_path / "a" / "data") == 0o700
    assert {p.name: mode(p) for p in (tmp_path / "a" / "data").iterdir()} == {
        "store.jsonl": 0o600, "store.jsonl.bak1": 0o600, "store.lock": 0o600}


def test_an_existing_0755_dir_is_refused_with_the_fix_and_left_as_it_is(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    directory.mkdir(mode=0o755)
    directory.chmod(0o755)
    with pytest.raises(StoreError, match=r"mode 0755.*chmod 700"):
        Store.open(directory)
    assert mode(directory) == 0o755 and list(directory.iterdir()) == []  # not silently tightened, nothing made


def test_a_dir_owned_by_another_user_is_not_trusted(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    Store.open(directory).close()
    forged = directory / "store.jsonl"
    before = forged.read_bytes()
    os.chown(directory, OTHER, OTHER)
    with pytest.raises(StoreError, match="belongs to another user"):
        Store.open(directory)
    assert forged.read_bytes() == before


def test_a_foreign_owned_world_writable_journal_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    with Store.open(directory) as store:
        store.append(answer(1))
    journal = directory / "store.jsonl"
    os.chown(journal, OTHER, OTHER)
    with pytest.raises(StoreError, match="belongs to another user"):
        Store.open(directory)
    os.chown(journal, 0, 0)
    journal.chmod(0o666)
    with pytest.raises(StoreError, match=r"mode 0666.*chmod 600"):
        Store.open(directory)
    assert mode(journal) == 0o666


def test_a_planted_journal_symlink_receives_nothing(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    directory.mkdir(mode=0o700)
    trap = tmp_path / "attacker.txt"
    trap.write_bytes(b"")
    (directory / "store.jsonl").symlink_to(trap)
    with pytest.raises(StoreError, match="symbolic link"), Store.open(directory) as store:
        store.append(answer(1, "our private agreement"))
    assert trap.read_bytes() == b""


def test_a_data_dir_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(real)
    with pytest.raises(StoreError, match="symbolic link"):
        Store.open(tmp_path / "link")


def test_the_cli_says_so_in_one_line(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    directory.mkdir(mode=0o777)
    directory.chmod(0o777)
    result = run_cli(directory, "agreement", "list")
    no_traceback(result)
    assert result.returncode == 1 and "chmod 700" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
