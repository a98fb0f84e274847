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


# --- disk full during a session and in the always-on loop -----------------------------------------------

def _disk_full(*args: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_disk_full_mid_checkin_is_told_plainly_and_earlier_answers_survive(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from safety_helpers import conversation, library, settings

    from assistant.clock import VirtualClock
    from assistant.sessions import new_checkin, run_session
    from assistant.store.records import SessionEvent, StepAnswer

    clock = VirtualClock()
    store = Store.open(tmp_path / "store")
    conv, said = conversation(["thank you for dinner", "you made me laugh"], clock)
    real_say = conv.say_line

    def say_line(line):  # type: ignore[no-untyped-def]
        real_say(line)
        if line.dialog_id == "checkin.appreciations" and line.slots.get("partner") == "Sam":
            monkeypatch.setattr(os, "write", _disk_full)  # the disk fills while Sam answers
            monkeypatch.setattr(os, "fsync", _disk_full)

    conv.say_line = say_line
    session = new_checkin(store, library(), settings(), clock)
    assert run_session(conv, session) == "paused"
    assert session.model.state == "paused" and session.model.pause_reason == "store"
    assert said[-1].dialog_id == "common.store_write_failed"
    assert "everything saved before is safe" in said[-1].text.lower()
    assert conv.transcript.turns[-1].dialog_id == "common.store_write_failed"
    monkeypatch.undo()
    store.close()
    with Store.open(tmp_path / "store") as reopened:
        answers = [a for a in reopened.query(StepAnswer) if isinstance(a, StepAnswer)]
        assert [(a.partner, a.text) for a in answers] == [("Alex", "thank you for dinner")]
        assert [e.status for e in reopened.query(SessionEvent)] == ["started"]  # type: ignore[attr-defined]


def test_assistant_run_keeps_running_when_the_disk_is_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import datetime, timezone

    from safety_helpers import conversation, settings

    from assistant import paths
    from assistant.clock import VirtualClock
    from assistant.dialog.library import DialogLibrary
    from assistant.intents import IntentMatcher
    from assistant.schedule.companion import Companion
    from assistant.schedule.resilient import FaultLog, keep_running
    from assistant.schedule.scheduler import Scheduler
    from assistant.simulate.calendar import TypedTurns
    from assistant.store.records import Consent, PromptEvent

    utc = timezone.utc
    clock = VirtualClock(datetime(2026, 5, 20, 19, 58, tzinfo=utc))  # the 20:00 appreciation comes due
    store = Store.open(tmp_path / "store")
    store.append(Consent(at=clock.now().isoformat(), partners=("Alex", "Sam")))
    conf = settings()
    replies = iter(["start check in"])
    conv, said = conversation([], clock)
    conv.listener = TypedTurns(clock, lambda request, now: next(replies, None)  # type: ignore[assignment]
                               if request.kind == "command" else None, utc)
    companion = Companion(conv, DialogLibrary.load(seed=0), store, conf, clock,
                          Scheduler.from_settings(store, clock, conf.schedule, utc),
                          IntentMatcher.load(paths.dialogs_dir() / "activation.yaml"), utc)
    monkeypatch.setattr(os, "write", _disk_full)
    monkeypatch.setattr(os, "fsync", _disk_full)
    log = FaultLog()
    end = clock.monotonic() + 15 * 60
    keep_running(companion, lambda: clock.monotonic() >= end, None, printer=print, store_retry_s=60, log=log)
    monkeypatch.undo()
    assert companion.sessions_run == [("start_checkin", "paused")]  # the check-in could not even start
    assert log.store_failures >= 3 and log.notices == ["common.store_write_failed"]
    ids = [line.dialog_id for line in said]
    assert ids.count("common.store_write_failed") == 2  # once for the check-in, once for the loop
    assert said[ids.index("common.store_write_failed")].text in capsys.readouterr().err
    store.close()
    with Store.open(tmp_path / "store") as reopened:
        assert len(reopened.query(Consent)) == 1 and reopened.query(PromptEvent) == []
