"""The speech front end with its real libraries on generated audio: VAD endpoints, echo cancellation, format."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.base import FRAME_BYTES
from assistant.audio.convert import rms_dbfs
from assistant.frontend import Endpointer, Event, FrontEndSettings, PassthroughFrontEnd, build_front_end
from assistant.frontend.echo import HISTORY, MARGIN, SpeexEchoCanceller
from assistant.simulate.acoustics import add_noise, noise_at_dbfs
from assistant.simulate.voices import speak

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import frontend_measure as fm  # noqa: E402

NO_ECHO = FrontEndSettings(echo="none")


def frames(pcm: bytes) -> list[bytes]:
    return fm.frames_of(pcm)


def events(pcm: bytes, kind: str) -> tuple[list[tuple[Event, float]], Endpointer]:
    """Endpointer events (with their audio time) for `pcm` through the configured front end."""
    front, endpointer = build_front_end(NO_ECHO), Endpointer(kind)
    seen = []
    for frame in frames(pcm):
        out = front.process(frame)
        event = endpointer.update(out.speech_probability, rms_dbfs(out.pcm))
        if event is not Event.NONE:
            seen.append((event, endpointer.frames * 0.03))
    return seen, endpointer


def speech_span(clean: bytes) -> tuple[float, float]:
    first, last = np.nonzero(fm.speech_frames(clean))[0][[0, -1]]
    return first * 0.03, (last + 1) * 0.03


@pytest.mark.parametrize("voice", ["en-gb-scotland+f2", "en-029+m4"])
def test_speech_in_pink_noise_has_one_onset_inside_it_and_an_end_after_it(voice: str) -> None:
    clean = speak("time out", voice=voice, rate=170, lead_s=0.8, tail_s=1.5)
    first, last = speech_span(clean)
    seen, endpointer = events(add_noise(clean, "pink", 10, seed=4), "command")
    assert [e for e, _ in seen] == [Event.ONSET, Event.END]
    onset_at, end_at = seen[0][1], seen[1][1]
    assert first <= onset_at <= last
    assert end_at > last
    assert endpointer.speech_end_s is not None and endpointer.speech_end_s < end_at


@pytest.mark.parametrize("noise", ["tv", "babble"])
def test_background_voices_do_not_hold_the_endpoint_open(noise: str) -> None:
    """TV and babble are speech to any VAD; the partner's end is still found, after their last word."""
    clean = speak("skip this", voice="en-us-nyc+f3", rate=160, lead_s=0.8, tail_s=2.0)
    _, last = speech_span(clean)
    seen, _ = events(add_noise(clean, noise, 10, seed=6), "command")
    ends = [at for event, at in seen if event is Event.END]
    assert len(ends) == 1 and ends[0] > last


def test_free_answers_wait_longer_than_short_ones() -> None:
    pcm = speak("we talked, and it went well", voice="en-us-nyc+m2", rate=150, lead_s=0.5, tail_s=2.0)
    short, _ = events(pcm, "command")
    free, _ = events(pcm, "free")
    assert free[-1][0] is Event.END and short[-1][0] is Event.END
    assert free[-1][1] > short[-1][1]


@pytest.mark.parametrize("level", [-41, -30])
def test_steady_fan_noise_never_opens_the_gate(level: int) -> None:
    seen, _ = events(noise_at_dbfs("fan", 8.0, level, seed=-level), "command")
    assert seen == []


def test_digital_silence_never_opens_the_gate() -> None:
    seen, _ = events(bytes(FRAME_BYTES * 200), "free")
    assert seen == []


@pytest.mark.parametrize("denoise", ["webrtc", "speex", "rnnoise", "none"])
def test_front_end_keeps_frame_length_and_format(denoise: str) -> None:
    clock = [0.0]
    front = build_front_end(FrontEndSettings(denoise=denoise), clock=lambda: clock[0])
    pcm = add_noise(speak("stop", voice="en-gb+f3", lead_s=0.2, tail_s=0.2), "babble", 10)
    front.played(speak("hello there", voice="en-us"), 0.1)
    for frame in frames(pcm):
        clock[0] += 0.03
        out = front.process(frame)
        assert isinstance(out.pcm, bytes) and len(out.pcm) == len(frame)
        assert 0.0 <= out.speech_probability <= 1.0


def test_echo_canceller_passes_audio_through_without_a_reference() -> None:
    clock = [0.0]
    canceller = SpeexEchoCanceller(lambda: clock[0])
    pcm = speak("skip this", voice="en-us+f2")
    out = []
    for frame in frames(pcm):
        clock[0] += 0.03
        out.append(canceller.process(frame))
    delay = 2 * fm.BLOCK_DELAY  # bytes: the stage's constant 10 ms delay
    assert b"".join(out)[delay:] == b"".join(frames(pcm))[:-delay]


@pytest.mark.speech  # espeak-ng renders the line and the partner (fm.echo_trial)
def test_echo_is_removed_while_the_partner_talks_at_0_db() -> None:
    trial = fm.echo_trial(fm.ASSISTANT_LINES[0], "time out", "en-us+f4", 0.0, seed=11)
    assert trial["erle_db"] > 10.0  # echo alone, after the first second
    assert trial["double_talk_erle_db"] > 10.0  # echo under the partner's words, partner kept


def test_identity_front_end_changes_nothing() -> None:
    front = PassthroughFrontEnd()
    frame = bytes(range(256)) * (FRAME_BYTES // 256) + bytes(FRAME_BYTES % 256)
    assert front.process(frame).pcm == frame
    assert isinstance(build_front_end(FrontEndSettings(vad="none")), PassthroughFrontEnd)


def test_gate_feeds_the_recogniser_only_the_utterance_with_its_pre_roll() -> None:
    from speech_fixtures import transcribe

    from assistant.frontend import SpeechGate
    from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

    gate = SpeechGate(build_front_end(NO_ECHO))
    gate.begin("command")
    clean = speak("stop", voice="en-gb+m3", rate=150, lead_s=1.0, tail_s=1.5)
    fed, ended = [], False
    for frame in frames(add_noise(clean, "pink", 20, seed=2)):
        step = gate.push(frame)
        fed.append(step.feed)
        if step.event is Event.END:
            ended = True
            break
    audio = b"".join(fed)
    assert ended and 0 < len(audio) < len(clean) // 2
    recognizer = PocketsphinxRecognizer()
    recognizer.set_phrases(["stop", "skip", "time out", "yes", "no"])
    texts = [u.text for u in transcribe(recognizer, audio + bytes(FRAME_BYTES * 30))]
    assert texts == ["stop"]


@pytest.mark.parametrize("late_s", [0.0, 0.15])
def test_echo_canceller_finds_the_echo_delay_of_the_room_and_device(late_s: float) -> None:
    """The speaker's play-out report is `late_s` ahead of what the microphone hears; alignment follows."""
    from assistant.simulate.acoustics import echo_of, pcm_of, room_impulse_response

    played = speak(fm.ASSISTANT_LINES[1], voice="en-us", rate=170, lead_s=0.0, tail_s=0.0)
    rir = room_impulse_response(seed=5)
    mic = echo_of(played, rir, 0.3 + late_s, len(played) // 2 + 16000)
    clock = [0.0]
    canceller = SpeexEchoCanceller(lambda: clock[0])
    canceller.played(played, 0.3)
    for frame in frames(pcm_of(mic * 3000 / (np.abs(mic).max() or 1.0))):
        clock[0] += 0.03
        canceller.process(frame)
    direct_path_s = int(np.argmax(np.abs(rir))) / 16000
    # the reference is aligned MARGIN ahead of the direct path
    assert abs(canceller.delay_s + MARGIN / 16000 - (late_s + direct_path_s)) < 0.005


class _Canceller(SpeexEchoCanceller):
    """The canceller on a settable clock."""

    def __init__(self) -> None:
        self.now = 0.0
        super().__init__(lambda: self.now)


class _FullHistory(_Canceller):
    """The canceller as it was: the microphone history kept on every frame, passthrough or not."""

    def _remember(self, frame: bytes, due: bool) -> None:
        self._mic = np.concatenate([self._mic, np.frombuffer(frame, dtype="<i2")])[-HISTORY:]


def _replay(canceller: _Canceller, mic: bytes, played: bytes,
            at: tuple[float, ...]) -> tuple[bytes, float]:
    """`mic` frame by frame, `played` reported 0.2 s before each time in `at`: (output, final alignment)."""
    out = []
    for k, frame in enumerate(frames(mic)):
        canceller.now = (k + 1) * 0.03
        for start in at:
            if k == round((start - 0.2) / 0.03):
                canceller.played(played, start)
        out.append(canceller.process(frame))
    return b"".join(out), canceller.delay_s


def test_echo_canceller_keeping_history_only_while_a_reference_is_due_changes_no_sample() -> None:
    """Replay: two playing episodes (delay measured, realigned, warmed up) with passthrough around and between
    them, through the canceller and through one that keeps the history on every frame: byte-identical."""
    from assistant.simulate.acoustics import echo_of, pcm_of, room_impulse_response

    played = speak(fm.ASSISTANT_LINES[1], voice="en-us", rate=170, lead_s=0.0, tail_s=0.0)
    seconds = len(played) / 32000
    second_at = 0.5 + seconds + 2.0
    total = int((second_at + seconds + 1.0) * 16000)
    rir = room_impulse_response(seed=5)
    echo = echo_of(played, rir, 0.5 + 0.12, total) + echo_of(played, rir, second_at + 0.05, total)
    mic = pcm_of(echo * 3000 / (np.abs(echo).max() or 1.0) + np.random.default_rng(3).normal(0, 300, total))
    runs = [_replay(canceller_class(), mic, played, (0.5, second_at))
            for canceller_class in (_Canceller, _FullHistory)]
    outputs, delays = [out for out, _ in runs], [delay for _, delay in runs]
    assert outputs[0] == outputs[1] and delays[0] == delays[1]
    assert outputs[0] != b"".join(frames(mic))  # the echo was cancelled, not passed through
