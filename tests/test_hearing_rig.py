"""Hearing through a real sound server, wired as `run` wires it (assistant.live.open_audio): the microphone
(`room.monitor`) -> the front end (echo canceller fed by the speaker's played samples and the microphone's
capture times, webrtc-noise-gain, silero, endpointer) -> pocketsphinx -> the interpreter.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from speech_fixtures import synthesize

from assistant import pipeline
from assistant.audio.base import Clip
from assistant.audio.convert import write_wav
from assistant.audio.room import PartnerCue, PulseRoom
from assistant.clock import RealClock
from assistant.config import AudioSettings, Settings, SpeechSettings
from assistant.live import AudioEnds, Closable, open_audio
from assistant.timeout.bargein import BargeInWatcher

pytestmark = [pytest.mark.audio_rig, pytest.mark.speech]
ASSISTANT_LINE = ("Before we begin, here is how our check in works. I will ask each of you a few questions, "
                  "one at a time, and I keep only what you agree to keep.")
PARTNER_AT_S = 2.5
"""Seconds into the assistant's line when the partner speaks (the canceller has converged by then)."""


def rig_settings() -> Settings:
    return Settings(audio=AudioSettings(input_device="pulse", output_device="pulse"),
                    speech=SpeechSettings(engine="pocketsphinx"))


@pytest.fixture
def ends(room: PulseRoom) -> Iterator[AudioEnds]:
    closers: list[Closable] = []
    try:
        opened = open_audio(rig_settings(), RealClock(), closers)
        assert opened.sink.play(Clip(bytes(3200))).wait(10)  # the output stream runs (pulse stalls at first)
        yield opened
    finally:
        for closer in reversed(closers):
            closer.close()


def partner_wav(tmp_path: Path, text: str, voice: str) -> Path:
    path = tmp_path / f"{text.replace(' ', '_')}_{voice}.wav"
    write_wav(path, synthesize(text, voice=voice))
    return path


def speak_and_watch(ends: AudioEnds, room: PulseRoom, partner: Path | None):  # type: ignore[no-untyped-def]
    """Play the assistant's line through the speaker while the barge-in watcher listens through the front
    end; `partner` (a WAV) is played into the room PARTNER_AT_S into the line."""
    watcher = BargeInWatcher(ends.listener, pipeline.interpreter())
    line = Clip(synthesize(ASSISTANT_LINE, voice="en-us+m3"), ASSISTANT_LINE)
    playback = ends.sink.play(line)
    cue = PartnerCue(room, partner, playback, PARTNER_AT_S) if partner is not None else None
    event = watcher.watch(playback, line.text, line.duration)
    playback.wait(15)
    if cue is not None:
        cue.finish()
    return event, watcher, playback, line


# "Time out" said over the assistant's own voice through the room is a goal of issues 11/17 that is not met yet
# (scripts/bench --room prints the catch rate); a test asserting it passed or failed with the machine's load.


def test_the_assistant_s_own_line_alone_is_never_taken_as_a_command(ends: AudioEnds, room: PulseRoom) -> None:
    assert ends.listener.full_duplex  # the echo canceller is on: the microphone stays open while it speaks
    event, watcher, playback, line = speak_and_watch(ends, room, None)
    assert event is None, event
    assert not playback.stopped and playback.played_seconds == pytest.approx(line.duration, abs=0.05)


# Spoken consent end to end through the room (live_pipeline) is not reliable yet: the second partner's "yes"
# went unheard in one of two quiet runs. Issue 17 keeps it open; the bench's room session measures the turns.
