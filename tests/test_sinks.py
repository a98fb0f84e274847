"""Sinks: text, session WAV file (with clock-driven playback and barge-in), speaker with a faked stream."""

from __future__ import annotations

import io
import threading
import time
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sounddevice as sd

from assistant.audio import devices
from assistant.audio.base import Clip, ListenRequest
from assistant.audio.convert import rms_dbfs
from assistant.audio.devices import AudioDeviceError
from assistant.audio.sinks import MultiSink, SpeakerSink, TextSink, WavFileSink, WavPlayback
from assistant.audio.sources import ScriptedSource
from assistant.clock import VirtualClock


def wav_bytes(path: Path) -> bytes:
    """Exact frames of a 16 kHz mono int16 file (read_wav rescales by 32767/32768)."""
    with wave.open(str(path), "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (16000, 1, 2)
        return wav.readframes(wav.getnframes())


def tone(seconds: float, freq: float = 440.0) -> bytes:
    t = np.arange(int(seconds * 16000)) / 16000
    return (0.3 * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2").tobytes()


def test_text_sink_prints_lines() -> None:
    out = io.StringIO()
    sink = TextSink(out)
    playback = sink.play(Clip(tone(0.5), "  Welcome back.  ", "greeting"))
    assert playback.wait(0) and playback.played_seconds == pytest.approx(0.5)
    sink.play(Clip(b"", "   "))
    sink.play(Clip(b"", "Ready?"))
    assert out.getvalue() == "assistant: Welcome back.\nassistant: Ready?\n"


def test_wav_sink_without_clock_appends_and_keeps_header_valid(tmp_path: Path) -> None:
    path = tmp_path / "session" / "assistant.wav"
    sink = WavFileSink(path)
    a, b = tone(0.5), tone(0.25, 880)
    assert sink.play(Clip(a, "one", "d.one")).wait()
    with wave.open(str(path), "rb") as wav:  # readable before close: header patched after each clip
        assert wav.getnframes() == 8000 and wav.getframerate() == 16000
    sink.play(Clip(b, "two", "d.two"))
    sink.close()
    sink.close()  # idempotent
    assert wav_bytes(path) == a + b
    assert sink.timeline == [(0.0, 0.5, "one", "d.one"), (0.5, 0.75, "two", "d.two")]
    with pytest.raises(ValueError, match="closed"):
        sink.play(Clip(a))


def test_wav_sink_with_clock_advances_time(tmp_path: Path) -> None:
    clock = VirtualClock()
    sink = WavFileSink(tmp_path / "a.wav", clock=clock)
    playback = sink.play(Clip(tone(1.0), "hello"))
    assert clock.monotonic() == 0.0  # play() returns at once
    assert playback.wait(timeout=0.1) is False
    assert clock.monotonic() == pytest.approx(0.1) and playback.played_seconds == pytest.approx(0.1)
    assert playback.wait() is True
    assert clock.monotonic() == pytest.approx(1.0) and playback.played_seconds == pytest.approx(1.0)
    sink.close()
    assert wav_bytes(tmp_path / "a.wav") == tone(1.0)


def test_wav_sink_stop_truncates_at_the_stop_point(tmp_path: Path) -> None:
    clock = VirtualClock()

    def hook(playback: WavPlayback, seconds: float) -> None:
        if seconds >= 0.4:
            playback.stop()

    sink = WavFileSink(tmp_path / "a.wav", clock=clock, on_progress=hook)
    clip = Clip(tone(2.0), "a long explanation", "explain")
    playback = sink.play(clip)
    assert isinstance(playback, WavPlayback) and playback.wait() is True
    assert playback.played_seconds == pytest.approx(0.4) and playback.stopped
    assert clock.monotonic() == pytest.approx(0.4)
    sink.play(Clip(tone(0.1), "next")).wait()
    sink.close()
    audio = wav_bytes(tmp_path / "a.wav")
    assert audio == clip.pcm[:12800] + tone(0.1)
    assert sink.timeline[0][:2] == (0.0, pytest.approx(0.4)) and sink.timeline[1][2] == "next"


def test_barge_in_loop_with_scripted_source(tmp_path: Path) -> None:
    """The pattern a dialog loop can use: listen in small slices while the clip plays."""
    clock = VirtualClock()
    source = ScriptedSource(clock=None)
    source.begin(ListenRequest("free"))

    spoke: list[float] = []

    def partner_speaks_at_700ms(playback: WavPlayback, seconds: float) -> None:
        if seconds >= 0.7 - 1e-6 and not spoke:
            spoke.append(seconds)
            source.inject(tone(0.3, 300))

    sink = WavFileSink(tmp_path / "a.wav", clock=clock, on_progress=partner_speaks_at_700ms)
    playback = sink.play(Clip(tone(3.0), "a long prompt"))
    while not playback.wait(0.03):
        frame = source.read()
        if frame is not None and rms_dbfs(frame) > -30:
            playback.stop()
    assert 0.7 <= playback.played_seconds <= 0.8
    sink.close()
    assert 0.7 <= sink.timeline[0][1] <= 0.8


def test_multi_sink_writes_and_prints(tmp_path: Path) -> None:
    out = io.StringIO()
    sink = MultiSink(WavFileSink(tmp_path / "a.wav"), TextSink(out))
    playback = sink.play(Clip(tone(0.3), "Take a breath."))
    assert playback.wait() and playback.played_seconds == pytest.approx(0.3)
    sink.close()
    assert out.getvalue() == "assistant: Take a breath.\n"
    assert wav_bytes(tmp_path / "a.wav") == tone(0.3)


# --- speaker ----------------------------------------------------------------------------------------

def test_speaker_on_this_machine_lists_what_exists() -> None:
    with pytest.raises(AudioDeviceError, match=r"Output devices: none found \(are speakers"):
        SpeakerSink()


class FakeOutputStream:
    """Stands in for sd.RawOutputStream: refuses 16 kHz; a thread pulls blocks through the callback at 4x real
    time, like a device; `fail_after` bytes end the stream as an unplugged device does."""

    instances: list[FakeOutputStream] = []

    def __init__(self, *, samplerate: int, blocksize: int, callback: Any, finished_callback: Any,
                 **kwargs: Any) -> None:
        if samplerate == 16000:
            raise sd.PortAudioError("Error opening RawOutputStream: Invalid sample rate [PaErrorCode -9997]")
        self.samplerate, self.blocksize, self.latency = samplerate, blocksize, 0.0
        self.asked_latency = kwargs.get("latency")
        self.callback, self.finished_callback = callback, finished_callback
        self.written = bytearray()
        self.fail_after: int | None = None
        self.active = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        FakeOutputStream.instances.append(self)

    def start(self) -> None:
        self.active = True
        self.thread.start()

    def _run(self) -> None:
        while self.active:
            if self.fail_after is not None and len(self.written) >= self.fail_after:
                self.active = False
                self.finished_callback()
                return
            block = bytearray(2 * self.blocksize)
            self.callback(block, self.blocksize, None, sd.CallbackFlags())
            self.written += block
            time.sleep(self.blocksize / self.samplerate / 4)  # 4x faster than real time

    def stop(self) -> None:
        self.active = False
        if self.thread.is_alive() and self.thread is not threading.current_thread():
            self.thread.join()

    def close(self) -> None:
        self.stop()


@pytest.fixture
def speaker(monkeypatch: pytest.MonkeyPatch) -> Any:
    fake = [{"index": 1, "name": "HDMI 0", "max_input_channels": 0, "max_output_channels": 2,
             "default_samplerate": 48000.0}]
    monkeypatch.setattr(sd, "query_devices", lambda *a, **k: fake)
    monkeypatch.setattr(devices, "_default_index", lambda kind: 1)
    monkeypatch.setattr(sd, "RawOutputStream", FakeOutputStream)
    FakeOutputStream.instances.clear()
    return FakeOutputStream


def test_speaker_resamples_plays_in_order_and_reports_what_it_played(speaker: Any) -> None:
    played: list[tuple[bytes, float]] = []
    sink = SpeakerSink("hdmi", on_played=lambda pcm, at: played.append((pcm, at)))
    stream = speaker.instances[-1]
    assert sink.rate == 48000 and stream.blocksize == 960
    first, second = sink.play(Clip(tone(0.5))), sink.play(Clip(tone(0.25, 880)))
    assert second.wait(5) and first.wait(0)
    assert first.played_seconds == pytest.approx(0.5) and second.played_seconds == pytest.approx(0.25)
    assert b"".join(pcm for pcm, _ in played) == tone(0.5) + tone(0.25, 880)  # the exact echo reference
    times = [at for _, at in played]
    assert times == sorted(times) and first.started_at == times[0]
    loud = np.abs(np.frombuffer(bytes(stream.written), dtype="<i2")) > 1000
    assert loud.sum() == pytest.approx(0.75 * 48000 * 0.9, rel=0.1)  # the clips, resampled, among silence
    sink.close()


def test_speaker_asks_the_configured_output_latency_else_the_default(speaker: Any) -> None:
    from assistant.audio.speaker import DEFAULT_LATENCY_S
    from assistant.config import AudioSettings

    SpeakerSink("hdmi", latency_s=AudioSettings(output_latency_ms=300).output_latency_s).close()
    SpeakerSink("hdmi", latency_s=AudioSettings().output_latency_s).close()
    assert [stream.asked_latency for stream in speaker.instances] == [0.3, DEFAULT_LATENCY_S]
    with pytest.raises(ValueError, match="output_latency_ms"):
        AudioSettings.model_validate({"output_latency_ms": 5})  # as a settings file is read


def test_speaker_stop_cuts_within_a_block(speaker: Any) -> None:
    played: list[bytes] = []
    sink = SpeakerSink(on_played=lambda pcm, at: played.append(pcm))
    playback = sink.play(Clip(tone(4.0)))  # takes 1 s with the 4x fake
    deadline = time.monotonic() + 30
    while playback.played_seconds < 0.2:  # playing for a while (a condition, not a guessed sleep)
        assert time.monotonic() < deadline, "playback never started"
        time.sleep(0.005)
    stopped_at = time.monotonic()
    playback.stop()
    assert playback.wait(1)
    assert time.monotonic() - stopped_at < 0.5  # the rest of the clip would take ~0.9 s more
    assert playback.stopped and 0.2 <= playback.played_seconds < 1.0
    assert b"".join(played) == tone(4.0)[:len(b"".join(played))]
    assert len(b"".join(played)) == pytest.approx(playback.played_seconds * 32000, abs=4)
    sink.close()


def test_speaker_keeps_the_device_fed_between_clips(speaker: Any) -> None:
    sink = SpeakerSink()
    stream = speaker.instances[-1]
    sink.play(Clip(tone(0.1))).wait(2)
    before = len(stream.written)
    deadline = time.monotonic() + 30
    while len(stream.written) - before < 4 * 2 * stream.blocksize:  # no clip: silent blocks keep coming
        assert time.monotonic() < deadline, "the device starved between clips"
        time.sleep(0.005)
    assert not any(stream.written[before:])  # and they are silence
    sink.close()


def test_speaker_device_error_ends_playback_and_reopens(speaker: Any) -> None:
    sink = SpeakerSink()
    speaker.instances[-1].fail_after = len(speaker.instances[-1].written) + 9600 * 2
    broken = sink.play(Clip(tone(2.0)))
    assert broken.wait(2) and "stream stopped" in (broken.error or "")
    assert 0 < broken.played_seconds < 2.0
    ok = sink.play(Clip(tone(0.1)))
    assert ok.wait(2) and ok.error is None and len(speaker.instances) == 2
    sink.close()
