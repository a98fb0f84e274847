"""WAV and scripted sources, and the microphone (real no-device path, faked stream for resampling)."""

from __future__ import annotations

import subprocess
import threading
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import sounddevice as sd

from assistant.audio import devices
from assistant.audio.base import FRAME_BYTES, SAMPLE_RATE, ListenRequest
from assistant.audio.devices import AudioDeviceError
from assistant.audio.microphone import MicrophoneSource
from assistant.audio.sources import ScriptedSource, WavSource
from assistant.clock import VirtualClock


def sine(freq: float, seconds: float, rate: int = SAMPLE_RATE, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * freq * t) * 32767).astype("<i2")


def peak_hz(pcm: bytes, rate: int = SAMPLE_RATE) -> float:
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[int(np.argmax(spectrum))])


def read_all(source: Any) -> list[bytes]:
    frames = []
    while (frame := source.read()) is not None:
        frames.append(frame)
    return frames


@pytest.mark.parametrize("sox_args", [
    ["-r", "8000", "-c", "2", "-b", "16"],
    ["-r", "44100", "-c", "1", "-b", "16"],
    ["-r", "8000", "-c", "1", "-b", "8"],
    ["-r", "48000", "-c", "1", "-b", "24"],  # sox writes WAVE_FORMAT_EXTENSIBLE
    ["-r", "22050", "-c", "2", "-b", "32"],
])
def test_wav_source_converts_any_format(tmp_path: Path, sox_args: list[str]) -> None:
    path = tmp_path / "tone.wav"
    subprocess.run(["sox", "-n", *sox_args, str(path), "synth", "1.0", "sine", "440", "vol", "0.5"],
                   check=True)
    clock = VirtualClock()
    source = WavSource(path, clock=clock)
    source.begin(ListenRequest("free"))
    frames = read_all(source)
    assert all(len(f) == FRAME_BYTES for f in frames)
    assert len(frames) == -(-SAMPLE_RATE // (FRAME_BYTES // 2))  # ceil(16000 / 480) = 34
    assert source.read() is None
    audio = b"".join(frames)
    assert abs(peak_hz(audio) - 440) < 5
    level = np.abs(np.frombuffer(audio, dtype="<i2")).max()
    assert 0.4 * 32767 < level < 0.6 * 32767
    assert clock.monotonic() == pytest.approx(len(frames) * 0.03)


def test_wav_source_reads_24_bit_pcm(tmp_path: Path) -> None:
    path = tmp_path / "tone24.wav"
    tone = sine(440, 0.5, rate=48000).astype(np.int32) << 8
    raw = tone.astype("<i4").tobytes()
    packed = b"".join(raw[i:i + 3] for i in range(0, len(raw), 4))  # low 3 bytes of each sample
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(3)
        wav.setframerate(48000)
        wav.writeframes(packed)
    audio = b"".join(read_all(WavSource(path)))
    assert abs(peak_hz(audio) - 440) < 5
    assert WavSource(path).duration == pytest.approx(0.5, abs=0.001)


def test_wav_source_pads_the_last_frame(tmp_path: Path) -> None:
    path = tmp_path / "short.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(np.full(1000, 1234, dtype="<i2").tobytes())
    frames = read_all(WavSource(path))
    assert len(frames) == 3
    last = np.frombuffer(frames[2], dtype="<i2")
    assert (abs(last[:40] - 1234) <= 1).all() and (last[40:] == 0).all()  # convert scales by 32767/32768


def test_scripted_source_turn_order_on_begin_and_inject() -> None:
    turn_a, turn_b = sine(300, 0.09).tobytes(), sine(600, 0.06).tobytes()
    supplied: list[ListenRequest] = []

    def on_begin(request: ListenRequest) -> bytes | None:
        supplied.append(request)
        return sine(900, 0.03).tobytes() if request.kind == "rating" else None

    clock = VirtualClock()
    source = ScriptedSource(clock=clock, on_begin=on_begin)
    source.push(turn_a)
    source.push(turn_b)
    assert source.read() is None  # nothing before begin()
    source.begin(ListenRequest("command", step="open"))
    first = source.read()
    assert first == turn_a[:FRAME_BYTES]
    source.inject(b"\x01\x00" * 10)  # barge-in audio comes first, padded to a frame
    injected = source.read()
    assert injected is not None and injected[:20] == b"\x01\x00" * 10
    assert injected[20:] == bytes(FRAME_BYTES - 20)
    assert source.read() == turn_a[FRAME_BYTES:2 * FRAME_BYTES]
    source.begin(ListenRequest("yes_no"))  # drops the rest of turn A
    assert b"".join(read_all(source)) == turn_b
    source.begin(ListenRequest("rating", step="rate"))
    assert b"".join(read_all(source)) == sine(900, 0.03).tobytes()
    source.begin(ListenRequest("free"))
    assert source.read() is None
    assert [r.kind for r in supplied] == ["rating", "free"]
    assert [r.kind for r in source.requests] == ["command", "yes_no", "rating", "free"]
    assert clock.monotonic() == pytest.approx(0.03 * 3 + 0.06 + 0.03)


def test_scripted_source_discard_drops_injected_audio_only() -> None:
    source = ScriptedSource()
    source.push(sine(300, 0.06).tobytes())
    source.begin(ListenRequest("free"))
    source.inject(sine(500, 0.3).tobytes())
    source.discard_pending()
    assert len(read_all(source)) == 2


# --- microphone -------------------------------------------------------------------------------------

def test_microphone_on_this_machine_lists_what_exists() -> None:
    with pytest.raises(AudioDeviceError, match=r"Input devices: none found \(is a microphone connected\?"):
        MicrophoneSource()
    with pytest.raises(AudioDeviceError, match="No input device matches 'USB'"):
        MicrophoneSource("USB")


class FakeInputStream:
    """Stands in for sd.RawInputStream: refuses 16 kHz like many USB microphones."""

    instances: list[FakeInputStream] = []

    def __init__(self, *, samplerate: int, callback: Any, blocksize: int, **kwargs: Any) -> None:
        if samplerate == 16000:
            raise sd.PortAudioError("Error opening RawInputStream: Invalid sample rate [PaErrorCode -9997]")
        self.samplerate, self.callback, self.blocksize, self.kwargs = samplerate, callback, blocksize, kwargs
        self.active = False
        FakeInputStream.instances.append(self)

    def start(self) -> None:
        self.active = True

    def stop(self) -> None:
        self.active = False

    def close(self) -> None:
        pass


@pytest.fixture
def usb_mic(monkeypatch: pytest.MonkeyPatch) -> FakeInputStream:
    fake = [{"index": 3, "name": "USB PnP Sound Device", "max_input_channels": 1, "max_output_channels": 0,
             "default_samplerate": 48000.0}]
    monkeypatch.setattr(sd, "query_devices", lambda *a, **k: fake)
    monkeypatch.setattr(devices, "_default_index", lambda kind: 3)
    monkeypatch.setattr(sd, "RawInputStream", FakeInputStream)
    FakeInputStream.instances.clear()
    return FakeInputStream  # type: ignore[return-value]


def test_microphone_resamples_when_16k_is_refused(usb_mic: Any) -> None:
    mic = MicrophoneSource("usb", block_ms=30, read_timeout_s=0.05)
    stream = usb_mic.instances[-1]
    assert mic.rate == 48000 and stream.samplerate == 48000 and stream.blocksize == 1440
    assert (stream.kwargs["dtype"], stream.kwargs["channels"], stream.kwargs["device"]) == ("int16", 1, 3)
    tone = sine(440, 1.0, rate=48000)

    def feed() -> None:  # the PortAudio thread
        for start in range(0, len(tone), 1440):
            block = tone[start:start + 1440].tobytes()
            stream.callback(block, len(block) // 2, None, sd.CallbackFlags())

    feeder = threading.Thread(target=feed)
    feeder.start()
    feeder.join()
    frames = read_all(mic)
    assert all(len(f) == FRAME_BYTES for f in frames)
    total = sum(len(f) for f in frames) // 2
    assert 15000 <= total <= 16000  # one second at 16 kHz, minus the resampler's delay
    audio = b"".join(frames)
    assert abs(peak_hz(audio) - 440) < 5
    assert mic.overflows == 0
    mic.close()


def test_microphone_discard_overflow_and_unplug(usb_mic: Any) -> None:
    mic = MicrophoneSource(3, block_ms=30, max_buffer_s=0.12, read_timeout_s=0.05)
    stream = usb_mic.instances[-1]
    block = sine(440, 0.03, rate=48000).tobytes()
    for _ in range(6):  # the queue holds 4 blocks: 2 are dropped, never blocking the callback
        stream.callback(block, 1440, None, sd.CallbackFlags())
    assert mic.overflows == 2
    mic.discard_pending()
    assert mic.read() is None
    stream.active = False  # device unplugged: the stream stops
    with pytest.raises(AudioDeviceError, match="unplugged"):
        mic.read()
