"""Text-to-speech with the real pyttsx3/espeak-ng, the worker's watchdog, the fallback and `assistant say`."""

from __future__ import annotations

import io
import sys
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from assistant.audio.base import Clip
from assistant.audio.convert import rms_dbfs
from assistant.audio.sinks import TextSink, WavFileSink
from assistant.cli import cli
from assistant.config import VoiceSettings
from assistant.tts.base import TTSError
from assistant.tts.pyttsx3_engine import Pyttsx3Engine
from assistant.tts.worker import FallbackSpeaker, SpeechWorker


def voice_settings(**values: object) -> VoiceSettings:
    return VoiceSettings.model_validate(values)


SENTENCE = "Thank you both for coming back to the conversation tonight."  # 10 words


def speech_span(pcm: bytes) -> float:
    """Seconds between the first and last 10 ms window louder than -40 dBFS."""
    samples = np.frombuffer(pcm, dtype="<i2")
    loud = [i for i in range(0, len(samples) - 160, 160) if rms_dbfs(samples[i:i + 160].tobytes()) > -40]
    return (loud[-1] - loud[0]) / 16000 if loud else 0.0


@pytest.fixture(scope="module")
def engine() -> Any:
    eng = Pyttsx3Engine("en-us", 160, 1.0)
    yield eng
    eng.close()


def test_engine_renders_plausible_16k_speech(engine: Pyttsx3Engine) -> None:
    clip = engine.synthesize(SENTENCE, "welcome")
    assert clip.text == SENTENCE and clip.dialog_id == "welcome"
    assert len(clip.pcm) % 2 == 0
    assert 2.0 < clip.duration < 6.0  # 10 words at 160 wpm is about 3.75 s
    assert 1.5 < speech_span(clip.pcm) <= clip.duration
    assert rms_dbfs(clip.pcm) > -35


def test_rate_setting_changes_duration() -> None:
    slow, fast = Pyttsx3Engine("en-us", 100), Pyttsx3Engine("en-us", 300)
    try:
        assert slow.synthesize(SENTENCE).duration > 1.8 * fast.synthesize(SENTENCE).duration
        quiet = Pyttsx3Engine("en-us", 160, volume=0.2)
        assert rms_dbfs(quiet.synthesize(SENTENCE).pcm) < rms_dbfs(slow.synthesize(SENTENCE).pcm) - 8
        quiet.close()
    finally:
        slow.close()
        fast.close()


def test_blank_text_never_reaches_the_engine(engine: Pyttsx3Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    class Exploding:
        def __getattr__(self, name: str) -> Any:
            raise AssertionError(f"engine.{name} called for blank text")

    monkeypatch.setattr(engine, "_engine", Exploding())
    assert engine.synthesize("  \n\t ", "x") == Clip(b"", "  \n\t ", "x")
    worker = SpeechWorker(voice_settings(), command=["false"])
    assert worker.synthesize("").pcm == b"" and worker.pid is None


def test_render_ends_on_espeaks_own_signal_and_a_silent_engine_fails(engine: Pyttsx3Engine,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """No file and no polling: the render ends when espeak-ng says the message is over; an engine that
    never calls back fails after `patience_s` instead of stalling (the old 2 s wait, then a re-render)."""
    chunks = list(engine.stream(SENTENCE))
    assert len(chunks) >= 2 and abs(len(b"".join(chunks)) - len(engine.render(SENTENCE))) < 3200
    monkeypatch.setattr(engine._espeak, "Synth", lambda text, flags=0: 0)  # accepted, renders nothing
    with pytest.raises(TTSError, match="produced no audio"):
        engine.render("Hello there.")
    monkeypatch.setattr(engine, "_patience_s", 0.3)
    monkeypatch.setattr(engine._espeak, "Synchronize", lambda: time.sleep(2))  # and never finishes
    with pytest.raises(TTSError, match="produced nothing for 0.3 s"):
        engine.render("Hello there.")


# --- worker -----------------------------------------------------------------------------------------

def patched_child(code: str) -> list[str]:
    """The real child program with its render patched by `code` (fault injection)."""
    return [sys.executable, "-c", "import os, sys, time\nimport assistant.tts.pyttsx3_engine as m\n"
            "from assistant.tts.child import run_child\n"
            "real = m.Pyttsx3Engine.stream\n" + code + "\nsys.exit(run_child())"]


def test_worker_renders_in_a_child_and_caches() -> None:
    worker = SpeechWorker(voice_settings(), cache_size=2)
    try:
        clip = worker.synthesize(SENTENCE, "welcome")
        child = worker.pid
        assert child is not None and child != __import__("os").getpid()
        assert clip.dialog_id == "welcome" and 2.0 < clip.duration < 6.0 and rms_dbfs(clip.pcm) > -35
        worker._child.kill()  # a cached line needs no worker
        assert worker.synthesize(SENTENCE, "again") == Clip(clip.pcm, SENTENCE, "again")
        assert worker.pid is None
        worker.synthesize("One.")
        worker.synthesize("Two.")  # evicts SENTENCE (LRU of 2)
        assert len(worker._cache) == 2 and all(key[0] != SENTENCE for key in worker._cache)
    finally:
        worker.close()
    assert worker.pid is None


def test_worker_hang_raises_within_timeout_then_recovers() -> None:
    command = patched_child("def stream(self, text):\n    if text == 'hang':\n        time.sleep(600)\n"
                            "    yield from real(self, text)\nm.Pyttsx3Engine.stream = stream")
    # The worker reads its timeout at each exchange: start-up (a loaded machine may take seconds) waits for
    # the ready handshake; only the hung line runs under the 1 s watchdog (a restart's handshake included).
    patient, watchdog = voice_settings(tts_timeout_s=120.0), voice_settings(tts_timeout_s=1.0)
    worker = SpeechWorker(patient, command=command)
    try:
        worker.start()
        first = worker.pid
        worker.settings = watchdog
        began = time.monotonic()
        with pytest.raises(TTSError, match="failed twice: no answer within 1 s"):
            worker.synthesize("hang")
        elapsed = time.monotonic() - began
        assert 2.0 <= elapsed < 3.0 + 5.0  # two 1 s waits (+ at most 1 s of restart) + kill and spawn
        assert worker.restarts == 1 and worker.pid is None
        worker.settings = patient
        assert worker.synthesize("Hello again.").duration > 0.3  # a fresh child serves the next line
        assert worker.pid not in (None, first)
    finally:
        worker.close()


def test_worker_crash_restarts_once(tmp_path: Path) -> None:
    marker = tmp_path / "crashed"
    command = patched_child("def stream(self, text):\n"
                            f"    if text != 'Ready.' and not os.path.exists({str(marker)!r}):\n"
                            f"        open({str(marker)!r}, 'w').close(); os._exit(3)\n"
                            "    yield from real(self, text)\nm.Pyttsx3Engine.stream = stream")
    worker = SpeechWorker(voice_settings(tts_timeout_s=5.0), command=command)
    try:
        clip = worker.synthesize("Still here.")
        assert marker.exists() and worker.restarts == 1 and clip.duration > 0.3
    finally:
        worker.close()


def test_worker_that_never_starts(tmp_path: Path) -> None:
    worker = SpeechWorker(voice_settings(tts_timeout_s=0.5), command=[sys.executable, "-c", "import time; "
                                                                      "time.sleep(600)"])
    began = time.monotonic()
    with pytest.raises(TTSError, match="failed twice"):
        worker.synthesize("Hello.")
    assert time.monotonic() - began < 3.0 and worker.pid is None
    broken = SpeechWorker(voice_settings(), command=[sys.executable, "-c", "print('not json')"])
    with pytest.raises(TTSError, match="failed twice: unreadable answer"):
        broken.synthesize("Hello.")


def test_voice_names_resolve_and_unknown_voice_falls_back(caplog: pytest.LogCaptureFixture) -> None:
    engines = [Pyttsx3Engine(name) for name in ("en-us", "gmw/en-us", "English (America)")]
    assert {e.voice for e in engines} == {"gmw/en-us"}
    unknown = Pyttsx3Engine("no-such-voice-xx")
    assert unknown.voice is None and "unknown voice 'no-such-voice-xx'" in caplog.text
    assert unknown.synthesize("Hello there.").duration > 0.3
    for eng in [*engines, unknown]:
        eng.close()


def test_fallback_speaker_prints_when_tts_fails(tmp_path: Path) -> None:
    class Broken:
        calls = 0

        def synthesize(self, text: str, dialog_id: str = "") -> Clip:
            Broken.calls += 1
            raise TTSError("espeak hung")

        def close(self) -> None:
            pass

    out = io.StringIO()
    wav = WavFileSink(tmp_path / "a.wav")
    speaker = FallbackSpeaker(Broken(), wav, TextSink(out))
    assert speaker.say("Let's pause for twenty minutes.", "timeout.start").wait()
    speaker.say("Breathe in.")
    assert out.getvalue() == "assistant: Let's pause for twenty minutes.\nassistant: Breathe in.\n"
    assert speaker.degraded and Broken.calls == 1 and wav.timeline == []
    speaker.close()


# --- CLI --------------------------------------------------------------------------------------------

@pytest.mark.speech  # through the CLI: the lane rule cannot see it
def test_say_writes_a_wav_file(tmp_path: Path) -> None:
    out = tmp_path / "say.wav"
    result = CliRunner().invoke(cli, ["say", "Good", "evening", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with wave.open(str(out), "rb") as wav:
        assert wav.getframerate() == 16000 and wav.getnchannels() == 1 and wav.getnframes() > 8000


def test_say_without_output_device_prints_the_text() -> None:
    result = CliRunner().invoke(cli, ["say", "Good evening"])
    assert result.exit_code == 0
    assert result.stdout == "assistant: Good evening\n"
    assert "No audio output device found" in result.stderr and "Printing the text instead" in result.stderr
