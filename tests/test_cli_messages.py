"""Issue 13 #7: what used to be a traceback is one line naming the file and what to do."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
import wave
from datetime import datetime, timezone
from pathlib import Path

import filelock
import pytest
from store_helpers import no_traceback, run_cli

from assistant.audio.base import ListenRequest
from assistant.audio.convert import read_wav
from assistant.clock import VirtualClock
from assistant.dialog.library import check
from assistant.simulate import voices
from assistant.simulate.scenario import ScenarioError, load_scenario
from assistant.store import Store
from assistant.typed_io import TypedListener

pytestmark = pytest.mark.usefixtures("private_umask")
PRIVATE = "--version"
"""A partner's line that looks like an option; it must never be echoed in an error."""


def test_non_utf8_agreement_wording_is_one_line_and_nothing_is_saved(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    Store.open(directory).close()
    piped = run_cli(directory, "agreement", "add", input=b"caf\xe9 every friday\n")
    env = {**os.environ, "ASSISTANT_CONFIG": str(tmp_path / "none.toml")}
    argv = subprocess.run([sys.executable, "-m", "assistant", "--data-dir", str(directory), "agreement", "add",
                           b"caf\xe9"], capture_output=True, env=env, check=False)
    for code, err in ((piped.returncode, piped.stderr), (argv.returncode, argv.stderr.decode())):
        assert code == 1 and "not valid UTF-8" in err.replace("not UTF-8", "not valid UTF-8"), err
        assert "Traceback" not in err
    with Store.open(directory) as store:
        assert store.agreement() is None


def test_a_typed_answer_that_is_not_utf8_is_refused_and_the_next_one_is_heard() -> None:
    stream = io.TextIOWrapper(io.BytesIO(b"\xff\xfe\n4\n"), encoding="utf-8")
    out = io.StringIO()
    listener = TypedListener(VirtualClock(datetime(2026, 1, 5, tzinfo=timezone.utc)), stream, out)
    request = ListenRequest(kind="rating")
    assert listener.listen(request) is None
    heard = listener.listen(request)
    assert heard is not None and heard.utterance.text == "4"
    assert "not UTF-8" in out.getvalue()


@pytest.mark.parametrize("command", ["checkin", "timeout", "run"])
def test_a_store_lock_held_over_10_s_is_one_line(tmp_path: Path, command: str) -> None:
    directory = tmp_path / "data"
    Store.open(directory).close()
    with filelock.FileLock(directory / "store.lock"):
        started = time.monotonic()
        result = run_cli(directory, "--io", "text", command, input=b"")
        waited = time.monotonic() - started
    no_traceback(result)
    assert result.returncode == 1 and "kept the store busy for more than 10 s" in result.stderr
    assert [line for line in result.stderr.splitlines() if line.strip()] == [result.stderr.strip()]
    assert 10 <= waited < 30


@pytest.mark.parametrize(("width", "channels"), [(3, 1), (4, 1), (2, 2), (3, 2)])
def test_a_wav_cut_inside_a_sample_is_read(tmp_path: Path, width: int, channels: int) -> None:
    path = tmp_path / "cut.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(22050)
        wav.writeframes(bytes(width * channels * 2205))
    path.write_bytes(path.read_bytes()[:-1])  # the header still promises the last byte
    pcm = read_wav(path)
    assert 3150 <= len(pcm) <= 3210 and len(pcm) % 2 == 0


def scenario(tmp_path: Path, wav: str) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(f"turns:\n  - say: hello\n  - wav: {wav}\n")
    return path


def test_scenario_wavs_are_checked_when_the_scenario_loads(tmp_path: Path) -> None:
    (tmp_path / "folder.wav").mkdir()
    (tmp_path / "notes.wav").write_text("not audio")
    for wav, why in (("missing.wav", "does not exist"), ("folder.wav", "is not a file"),
                     ("notes.wav", "is not a WAV file")):
        with pytest.raises(ScenarioError, match=rf"scenario.yaml: turns.1.wav: .*{why}"):
            load_scenario(scenario(tmp_path, wav))
    result = run_cli(tmp_path / "data", "simulate", str(scenario(tmp_path, "missing.wav")),
                     "--out", str(tmp_path / "out"))
    no_traceback(result)
    assert result.returncode == 1 and "turns.1.wav" in result.stderr


def test_a_bad_voice_is_one_line_that_never_echoes_the_line(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="nosuchvoice") as caught:
        voices.speak(PRIVATE, voice="nosuchvoice")
    assert PRIVATE not in str(caught.value)
    assert len(voices.speak(PRIVATE + " ", voice="en-us")) > 32000  # said as words, not run as an option


def fake_espeak(tmp_path: Path, body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stand-in espeak-ng on PATH (the one external program at this edge)."""
    binary = tmp_path / "bin" / "espeak-ng"
    binary.parent.mkdir(exist_ok=True)
    binary.write_text(f"#!/bin/sh\n{body}\n")
    binary.chmod(0o700)
    monkeypatch.setenv("PATH", str(binary.parent))


@pytest.mark.parametrize(("body", "why"), [("exit 3", "exit code 3"), ("echo 'Error: broken' >&2; exit 1", "broken"),
                                           ("exec /bin/sleep 30", "did not answer")])
def test_espeak_failing_or_hanging_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str,
                                               why: str) -> None:
    fake_espeak(tmp_path, body, monkeypatch)
    monkeypatch.setattr(voices, "TIMEOUT_S", 1.0)
    with pytest.raises(ScenarioError, match=why) as caught:
        voices.speak(f"{PRIVATE} {why}")
    assert PRIVATE not in str(caught.value)


def test_espeak_missing_is_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(ScenarioError, match="espeak-ng is not installed"):
        voices.speak(f"{PRIVATE} missing")


def test_yaml_nested_3000_deep_is_one_line(tmp_path: Path) -> None:
    deep = "a: " + "[" * 3000 + "]" * 3000 + "\n"
    (tmp_path / "scenario.yaml").write_text(deep)
    with pytest.raises(ScenarioError, match="nested too deeply"):
        load_scenario(tmp_path / "scenario.yaml")
    folder = tmp_path / "dialogs"
    folder.mkdir()
    (folder / "checkin.yaml").write_text(deep)
    assert any("checkin.yaml: nested too deeply" in problem for problem in check(folder))
