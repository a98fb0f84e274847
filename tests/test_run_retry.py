"""`assistant run` with a microphone but (for a while) no speaker: each retry must not load the speech model
again. Fakes only at the hardware edge (microphone, speaker device); the store, pipeline, pocketsphinx and TTS
worker are real."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.audio.base import FRAME_BYTES, ListenRequest
from assistant.audio.devices import AudioDeviceError
from assistant.audio.sinks import WavFileSink
from assistant.cli import cli
from assistant.store.records import Consent
from assistant.store.store import Store

MISSING_SPEAKER_ATTEMPTS = 3


class QuietMicrophone:
    """A microphone hearing a quiet room; after `frames` reads the user presses Ctrl-C."""

    def __init__(self, device: object = None, frames: int = 200) -> None:
        self.left = frames

    def begin(self, request: ListenRequest) -> None:
        """Nothing to select."""

    def read(self) -> bytes:
        self.left -= 1
        if self.left < 0:
            raise KeyboardInterrupt  # what `run`'s SIGINT/SIGTERM handler raises
        return bytes(FRAME_BYTES)

    def discard_pending(self) -> None:
        """Nothing buffered."""

    def close(self) -> None:
        """Nothing held."""


@pytest.mark.slow
def test_retries_while_the_speaker_is_missing_load_the_model_once(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.stt import factory

    loads: list[str] = []
    real_create = factory.create_recognizer

    def counting_create(*args, **kwargs):  # type: ignore[no-untyped-def]
        loads.append("load")
        return real_create(*args, **kwargs)

    speaker_attempts: list[int] = []

    def speaker(device: object = None, on_played: object = None, latency_s: object = None) -> WavFileSink:
        speaker_attempts.append(1)
        if len(speaker_attempts) <= MISSING_SPEAKER_ATTEMPTS:
            raise AudioDeviceError("No audio output device found: (test) none plugged in")
        return WavFileSink(tmp_path / "speaker.wav")

    monkeypatch.setattr(factory, "create_recognizer", counting_create)
    monkeypatch.setattr("assistant.audio.microphone.MicrophoneSource", QuietMicrophone)
    monkeypatch.setattr("assistant.live.SpeakerSink", speaker)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "named.toml").write_text('partners = ["Alex", "Sam"]\n', encoding="utf-8")  # set up already
    monkeypatch.setenv("ASSISTANT_CONFIG", str(tmp_path / "named.toml"))
    data = tmp_path / "data"
    with Store.open(data) as store:
        store.append(Consent(at="2026-01-01T09:00:00+00:00", partners=("Alex", "Sam")))

    result = CliRunner().invoke(cli, ["--data-dir", str(data), "--engine", "pocketsphinx", "run",
                                      "--retry-seconds", "0.05"])

    assert result.exit_code == 0, result.output
    assert "Stopped. Everything is saved." in result.output
    assert result.output.count("Looking again") == MISSING_SPEAKER_ATTEMPTS
    assert len(speaker_attempts) == MISSING_SPEAKER_ATTEMPTS + 1
    assert loads == ["load"]  # once for the process, not once per attempt
