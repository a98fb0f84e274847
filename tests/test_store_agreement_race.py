"""Issue 13 #2: parallel `agreement add|edit|remove` never lose an item or hand out the same number twice."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from store_helpers import no_traceback, run_cli

from assistant.store import Store
from assistant.store.records import AgreementVersion

pytestmark = pytest.mark.usefixtures("private_umask")

WRITER = r"""
import io
import sys
from assistant.cli import cli
directory, tag, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.stdin = io.StringIO("yes\nyes\n" * rounds)  # both partners agree to each change
for n in range(rounds):
    try:  # the real command, in-process: open, read-modify-write, close (as `assistant agreement add` does)
        cli.main(["--data-dir", directory, "agreement", "add", f"{tag} item {n}"], standalone_mode=False)
    except SystemExit:
        pass
"""


def test_parallel_adds_keep_every_item_with_distinct_numbers(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    Store.open(directory).close()
    env = {**os.environ, "ASSISTANT_CONFIG": str(tmp_path / "none.toml")}
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, str(directory), f"w{k}", "20"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for k in range(6)]
    said = []
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err.decode()
        said += re.findall(r"Added item (\d+):", out.decode())  # after the piped answers' prompts
    assert len(said) == 120
    numbers = sorted(int(number) for number in said)
    assert numbers == list(range(1, 121))  # no two runs said "Added item 12"
    with Store.open(directory) as store:
        items = store.agreement().items  # type: ignore[union-attr]
        versions = store.query(AgreementVersion)
    assert sorted(items) == sorted(f"w{k} item {n}" for k in range(6) for n in range(20))
    assert len(versions) == 120


def test_remove_and_edit_race_an_add_without_losing_it(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    with Store.open(directory) as store:
        store.update_agreement([f"item {n}" for n in range(10)], "add", "2026-01-05T19:00:00+00:00")
    adds = subprocess.Popen([sys.executable, "-c", WRITER, str(directory), "new", "10"],
                            env={**os.environ, "ASSISTANT_CONFIG": str(tmp_path / "none.toml")},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    for _ in range(3):
        no_traceback(run_cli(directory, "agreement", "remove", "1", input=b"yes\nyes\n"))
        no_traceback(run_cli(directory, "agreement", "edit", "1", input=b"edited\nyes\nyes\n"))
    adds.communicate(timeout=300)
    with Store.open(directory) as store:
        items = store.agreement().items  # type: ignore[union-attr]
    assert [item for item in items if item.startswith("new ")] == [f"new item {n}" for n in range(10)]
    assert len(items) == 10 - 3 + 10
