"""Engine and disk faults end in a clear message, never a traceback: TTS hang -> text, model missing ->
the fix named, disk full -> the write fails clearly and earlier data is intact."""

from __future__ import annotations

import errno
import os
import sys
import time
from pathlib import Path

import pytest

from assistant.audio.base import Clip
from assistant.config import Settings, VoiceSettings
from assistant.store.errors import StoreWriteError
from assistant.store.records import SafetyEvent
from assistant.store.store import Store
from assistant.stt.factory import create_recognizer
from assistant.stt.models import ModelError
from assistant.tts.worker import FallbackSpeaker, SpeechWorker

HANG = (sys.executable, "-c", "import time; time.sleep(60)")


class Collect:
    """A sink that keeps what it is given."""

    def __init__(self) -> None:
        self.clips: list[Clip] = []

    def play(self, clip: Clip):  # type: ignore[no-untyped-def]
        self.clips.append(clip)

    def close(self) -> None:
        pass


def test_a_hanging_tts_worker_falls_back_to_text_quickly() -> None:
    worker = SpeechWorker(VoiceSettings(tts_timeout_s=0.5), command=HANG)
    audio, text = Collect(), Collect()
    speaker = FallbackSpeaker(worker, audio, text)  # type: ignore[arg-type]
    began = time.monotonic()
    try:
        speaker.say("first line", "common.help")
        speaker.say("second line", "common.stopped")
    finally:
        speaker.close()
    assert time.monotonic() - began < 5
    assert speaker.degraded and audio.clips == []
    assert [(c.text, c.dialog_id) for c in text.clips] == [("first line", "common.help"),
                                                          ("second line", "common.stopped")]
    assert worker.pid is None


@pytest.mark.parametrize("make", ["missing", "empty", "corrupt"])
def test_a_missing_or_corrupt_speech_model_names_the_fix(tmp_path: Path, make: str) -> None:
    model = tmp_path / "vosk-model"
    if make != "missing":
        model.mkdir()
    if make == "corrupt":
        (model / "am").write_text("not a directory")
        (model / "conf").mkdir()
    settings = Settings.model_validate({"speech": {"engine": "vosk", "model_path": str(model)}})
    with pytest.raises(ModelError) as caught:
        create_recognizer(settings)
    assert str(model) in str(caught.value) and "assistant models download" in str(caught.value)


def test_disk_full_while_writing_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open(tmp_path / "store")
    store.append(SafetyEvent(at="2026-01-05T19:00:00+00:00", activity="before"))

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, "write", full)
        patch.setattr(os, "fsync", full)
        with pytest.raises(StoreWriteError, match="disk is full"):
            store.append(SafetyEvent(at="2026-01-05T19:01:00+00:00", activity="lost"))
    assert [r.activity for r in store.query(SafetyEvent)] == ["before"]  # type: ignore[attr-defined]
    store.close()
    with Store.open(tmp_path / "store") as reopened:
        assert [r.activity for r in reopened.query(SafetyEvent)] == ["before"]  # type: ignore[attr-defined]
        reopened.append(SafetyEvent(at="2026-01-05T19:02:00+00:00", activity="after"))
        assert len(reopened.query(SafetyEvent)) == 2
