"""Through a real sound server: a private PulseAudio with a virtual room (tests/conftest.py `room`).

The speaker and the microphone are the real SpeakerSink and MicrophoneSource on PortAudio's ALSA `pulse` device;
the microphone is `room.monitor`, so it hears the assistant's voice and the partners' `paplay` like a laptop would.
"""

from __future__ import annotations

import random
import subprocess
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from speech_fixtures import synthesize

from assistant.audio import quiet
from assistant.audio.base import Clip, ListenRequest
from assistant.audio.capture import MicRecorder, locate
from assistant.audio.convert import write_wav
from assistant.audio.devices import AudioDeviceError
from assistant.audio.microphone import MicrophoneSource
from assistant.audio.reconnect import Reopener, open_microphone
from assistant.audio.room import PulseRoom
from assistant.audio.speaker import SpeakerSink
from assistant.clock import RealClock
from assistant.listener import Listener

pytestmark = pytest.mark.audio_rig
ALIGNMENT_TOLERANCE_S = 0.015
"""Reported play-out time vs. where the room monitor captured it, both on time.monotonic(): within 15 ms, less
than a block (measured: median 0.1 ms, worst -12.8 ms over 115 blocks)."""
BLOCK_S = 0.020
YES_NO = ListenRequest(kind="yes_no", step="consent", phrases=("yes", "no"))
"""The speaker's block (its default block_ms)."""


def noise_burst(seconds: float, seed: int = 1) -> bytes:
    """Band-limited noise: one unmistakable correlation peak."""
    rng = np.random.default_rng(seed)
    samples = np.convolve(rng.normal(0, 6000, int(seconds * 16000)), np.ones(4) / 4, mode="same")
    return np.clip(samples, -32768, 32767).astype("<i2").tobytes()


def as_array(pcm: bytes) -> np.ndarray:
    return np.frombuffer(pcm, dtype="<i2")


def partner_says(room: PulseRoom, tmp_path: Path, text: str, voice: str = "en-gb") -> subprocess.Popen[bytes]:
    wav = tmp_path / f"{text.replace(' ', '_')}.wav"
    write_wav(wav, synthesize(text, voice=voice))
    return room.play(wav)


@pytest.fixture
def speaker_and_ear(room: PulseRoom):  # type: ignore[no-untyped-def]
    played: list[tuple[bytes, float]] = []
    speaker = SpeakerSink("pulse", on_played=lambda pcm, at: played.append((pcm, at)))
    # The ear opens once the room has started: a monitor opened during the null sink's start-up stall (0.1-2 s,
    # which the speaker's clock waits out) dates its first frames up to 0.4 s wrong, and it is the instrument here.
    assert speaker.wait_settled(5)
    mic = MicrophoneSource("pulse")
    ear = MicRecorder(mic).start()
    assert ear.covers(time.monotonic() + 0.2)
    yield speaker, ear, played
    ear.stop()
    mic.close()
    speaker.close()


def test_the_room_hears_the_clip_when_the_speaker_says_it_plays(speaker_and_ear) -> None:  # type: ignore[no-untyped-def]
    speaker, ear, played = speaker_and_ear
    clip = Clip(noise_burst(0.5))
    playback = speaker.play(clip)
    assert playback.wait(5) and playback.error is None and playback.started_at is not None
    assert b"".join(pcm for pcm, _ in played) == clip.pcm  # the exact echo reference
    assert ear.covers(playback.ends_at + 0.3)  # type: ignore[operator]
    assert ear.mic.overflows == 0 and speaker.underruns == 0
    offset, score = locate(ear.samples(), as_array(clip.pcm))
    assert score > 0.9  # the clip is there, intact
    heard_at = ear.time_of(offset)
    assert abs(heard_at - playback.started_at) <= ALIGNMENT_TOLERANCE_S, (heard_at, playback.started_at)
    for pcm, at in played:  # every reported block, not only the first
        block_offset, _ = locate(ear.samples(), as_array(pcm)) if len(pcm) >= 160 else (offset, 1.0)
        assert abs(ear.time_of(block_offset) - at) <= ALIGNMENT_TOLERANCE_S
    assert ear.mic.overflows == 0 and speaker.underruns == 0


def test_a_clip_played_at_open_waits_for_the_stream_clock_and_is_dated_right(room: PulseRoom) -> None:
    """Opening does not wait for the device; a clip played at once is held until the stream clock has settled
    (past the null sink's start-up stall), and the times reported for it are where the room hears it."""
    played: list[tuple[bytes, float]] = []
    began = time.monotonic()
    speaker = SpeakerSink("pulse", on_played=lambda pcm, at: played.append((pcm, at)))
    lead_s, burst = 2.5, noise_burst(0.5, seed=2)  # the ear joins the room during the lead (the room shifts then)
    playback = speaker.play(Clip(bytes(int(lead_s * 16000) * 2) + burst))
    mic = MicrophoneSource("pulse")
    ear = MicRecorder(mic).start()
    try:
        assert playback.wait_started(5) and playback.started_at is not None
        assert speaker.settled_after_s is not None and playback.started_at >= began + speaker.settled_after_s
        assert playback.wait(10) and ear.covers(playback.started_at + lead_s + 0.8)
        offset, score = locate(ear.samples(), as_array(burst))
        assert score > 0.9
        heard_at = ear.time_of(offset)
        assert abs(heard_at - (playback.started_at + lead_s)) <= ALIGNMENT_TOLERANCE_S, speaker.settled_after_s
        assert b"".join(pcm for pcm, _ in played) == playback.clip.pcm and speaker.underruns == 0
    finally:
        ear.stop()
        mic.close()
        speaker.close()


def test_a_minute_of_lines_with_gaps_never_underruns(speaker_and_ear) -> None:  # type: ignore[no-untyped-def]
    speaker, ear, played = speaker_and_ear
    lines = [synthesize(text) for text in ("Welcome back. Shall we begin?", "Take a slow breath in.",
                                           "Thank you. Now the other partner, please.", "Okay.")]
    xruns_before = quiet.alsa_xruns
    rng = random.Random(7)
    began = time.monotonic()
    sent = 0
    timeline = []
    while time.monotonic() - began < 60:
        pcm = rng.choice(lines)
        assert speaker.play(Clip(pcm)).wait(15)
        sent += len(pcm)
        timeline.append((round(time.monotonic() - began, 1), speaker.underruns, quiet.alsa_xruns - xruns_before))
        time.sleep(rng.uniform(0.1, 2.0))  # the partner's turn: the speaker idles
    assert ear.covers(time.monotonic())
    assert (speaker.underruns, quiet.alsa_xruns - xruns_before, ear.mic.overflows) == (0, 0, 0), timeline
    assert sum(len(pcm) for pcm, _ in played) == sent
    assert len(ear.samples()) >= 59 * 16000  # the microphone ran the whole minute without a gap


def test_the_counters_see_a_starved_output(room: PulseRoom) -> None:
    """Control for the test above: the old way (a blocking stream written only while speaking) starves."""
    import sounddevice as sd

    assert quiet.install_alsa_handler()
    xruns_before = quiet.alsa_xruns
    with sd.RawOutputStream(device="pulse", samplerate=16000, channels=1, dtype="int16", blocksize=320) as stream:
        for _ in range(3):
            stream.write(bytes(640 * 5))
            time.sleep(0.5)  # a gap between lines
            stream.write(bytes(640))
    assert quiet.alsa_xruns > xruns_before


def test_a_partner_s_yes_played_into_the_room_is_heard(room: PulseRoom, tmp_path: Path) -> None:
    from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

    mic = MicrophoneSource("pulse")
    listener = Listener(mic, PocketsphinxRecognizer(), RealClock(), silence_timeout_s=8.0)
    threading.Timer(0.3, partner_says, (room, tmp_path, "yes")).start()  # answers once the assistant listens
    heard = listener.listen(YES_NO)
    mic.close()
    assert heard is not None and heard.utterance.text == "yes"
    assert mic.overflows == 0


def test_barge_in_stops_the_speaker_within_a_block(speaker_and_ear, room: PulseRoom, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    speaker, ear, played = speaker_and_ear
    line = Clip(synthesize("Before we start, here is how our check in works, step by step, and what I keep."))
    playback = speaker.play(line)
    assert ear.covers(time.monotonic() + 0.8)
    partner = partner_says(room, tmp_path, "time out")
    stop_at = time.monotonic()  # the moment the barge-in is decided (the caller's recogniser is not under test)
    playback.stop()
    assert playback.wait(1)
    # the clip is dropped at the next callback; PortAudio asks for blocks once per host period (<= the latency)
    assert time.monotonic() - stop_at <= speaker.latency
    assert playback.stopped and 0.5 < playback.played_seconds < line.duration / 2
    reference = b"".join(pcm for pcm, _ in played)
    assert reference == line.pcm[:len(reference)]  # what the echo canceller gets is exactly what was played
    assert partner.wait(10) == 0
    assert ear.covers(time.monotonic())
    recording = ear.samples()
    offset, score = locate(recording, as_array(reference[-8000:]))  # the last 0.25 s the room heard of us
    assert score > 0.8
    silent_from = ear.time_of(offset + 4000)  # where the room stopped hearing us
    assert playback.ends_at is not None
    assert abs(silent_from - playback.ends_at) <= ALIGNMENT_TOLERANCE_S, (silent_from, playback.ends_at)
    # (how long the device buffer still sounds after a stop is a bench figure: scripts/bench --room)
    assert silent_from > stop_at
    after = recording[offset + 4000 + 160:]
    assert float(np.sqrt(np.mean(after.astype(np.float64) ** 2))) > 300  # the partner is heard, not cut


def test_the_microphone_is_reopened_when_the_room_goes_and_comes_back(room: PulseRoom, tmp_path: Path) -> None:
    from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

    listener = Listener(open_microphone("pulse"), PocketsphinxRecognizer(), RealClock(), silence_timeout_s=8.0)
    threading.Timer(0.5, room.remove_room).start()  # the source disappears mid-listen
    with pytest.raises(AudioDeviceError, match="stopped"):
        listener.listen(YES_NO)
    listener.source.close()
    threading.Timer(1.0, room.add_room).start()
    reopener = Reopener(lambda: open_microphone("pulse"), RealClock(), first_s=0.25, cap_s=1.0)
    source = reopener.reopen(lambda: False)
    assert source is not None
    listener.source = source
    threading.Timer(0.3, partner_says, (room, tmp_path, "yes")).start()
    heard = listener.listen(YES_NO)
    source.close()
    assert heard is not None and heard.utterance.text == "yes"
