"""Issue 13 #6: outputs never replace a device/link/folder, are 0600 under any umask; forget deletes only
its own files (and the simulation outputs it wrote into the data dir); private text need not go in argv."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from store_helpers import answer, no_traceback, run_cli

from assistant.audio.convert import write_wav
from assistant.store import Store
from assistant.transcript import Transcript

pytestmark = pytest.mark.usefixtures("private_umask")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    with Store.open(tmp_path / "data") as store:
        store.append_many(answer(n) for n in range(3))
    return tmp_path / "data"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.mark.parametrize("command", [("export",), ("report", "--html")])
def test_outputs_refuse_a_device_a_link_and_a_fifo(data_dir: Path, tmp_path: Path, command: tuple[str, ...]) -> None:
    device = tmp_path / "full"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # a /dev/full of our own
    kept = tmp_path / "kept.txt"
    kept.write_text("someone's file")
    link = tmp_path / "link.json"
    link.symlink_to(kept)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for target in (device, link, fifo):
        result = run_cli(data_dir, *command, str(target))
        no_traceback(result)
        assert result.returncode == 1 and "not a regular file" in result.stderr
    assert stat.S_ISCHR(device.lstat().st_mode) and link.is_symlink() and stat.S_ISFIFO(fifo.lstat().st_mode)
    assert kept.read_text() == "someone's file"


def test_outputs_are_0600_under_umask_000(data_dir: Path, tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        assert run_cli(data_dir, "export", str(tmp_path / "e.json")).returncode == 0
        assert run_cli(data_dir, "report", "--html", str(tmp_path / "r.html")).returncode == 0
        write_wav(tmp_path / "say.wav", b"\0\0" * 160)
        transcript = Transcript(tmp_path / "transcript.jsonl")
        transcript.close()
    finally:
        os.umask(old)
    for name in ("e.json", "r.html", "say.wav", "transcript.jsonl"):
        assert mode(tmp_path / name) == 0o600, name


def test_forget_in_a_dir_without_a_store_deletes_nothing(tmp_path: Path) -> None:
    directory = tmp_path / "somewhere"
    directory.mkdir(mode=0o700)
    for name in ("store.txt", "store.notes", "store.jsonl.mine", "transcript.jsonl"):
        (directory / name).write_text("not the assistant's")
    result = run_cli(directory, "forget", "--yes")
    no_traceback(result)
    assert sorted(p.name for p in directory.iterdir()) == [
        "store.jsonl.mine", "store.notes", "store.txt", "transcript.jsonl"]


def test_forget_deletes_the_simulation_outputs_it_wrote_into_the_data_dir(data_dir: Path) -> None:
    Transcript(data_dir / "transcript.jsonl").close()
    (data_dir / "transcript.jsonl").write_text('{"who":"assistant"}\n')
    write_wav(data_dir / "assistant.wav", b"\0\0" * 160)
    write_wav(data_dir / "partners.wav", b"\0\0" * 160)
    (data_dir / "notes.txt").write_text("mine")
    (data_dir / "store.jsonl.mine").write_text("mine")
    result = run_cli(data_dir, "forget", "--yes")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in data_dir.iterdir()) == ["notes.txt", "store.jsonl.mine"]


def test_agreement_wording_from_stdin_keeps_it_out_of_argv(data_dir: Path) -> None:
    wording = "We tell each other when an old contact writes."
    result = run_cli(data_dir, "agreement", "add", input=wording.encode() + b"\nyes\nyes\n")  # both partners agree
    assert result.returncode == 0 and f"Added item 1: {wording}" in result.stdout
    assert wording not in " ".join(result.args)
    assert "visible to other users" not in result.stderr
    argv_form = run_cli(data_dir, "agreement", "add", "Phones", "stay", "face", "up.", input=b"yes\nyes\n")
    assert argv_form.returncode == 0 and "visible to other users" in argv_form.stderr
    listed = run_cli(data_dir, "agreement", "list")
    assert f"1. {wording}" in listed.stdout and "2. Phones stay face up." in listed.stdout
