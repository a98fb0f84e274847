"""Barge-in on real audio: a partner's "time out" stops playback; the assistant's own voice does not, neither
where it says the phrase nor where what the canceller left of it decodes as one (own words)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from speech_fixtures import synthesize

from assistant import pipeline
from assistant.audio.base import Clip
from assistant.audio.sinks import WavFileSink, WavPlayback
from assistant.audio.sources import ScriptedSource
from assistant.clock import VirtualClock
from assistant.intents import IntentMatcher
from assistant.interpret import Interpreter
from assistant.listener import Listener
from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.timeout.bargein import BargeInWatcher, DuplexClock


def watch(tmp_path: Path, clip_text: str, heard: bytes, clip_pcm: bytes, interpreter: Interpreter | None = None,
          later_starts: bool = False, own_words: bool = True) -> tuple[BargeInWatcher, WavPlayback]:
    """Play `clip_pcm` into a WAV sink while the watcher listens (real front end and pocketsphinx); `heard` is
    injected into the microphone as the clip starts."""
    duplex = DuplexClock(VirtualClock())
    source = ScriptedSource(clock=duplex)
    injected: list[bool] = []

    def hook(playback: WavPlayback, played: float) -> None:
        if not injected:
            injected.append(True)
            source.inject(heard)

    sink = WavFileSink(tmp_path / "a.wav", clock=duplex, on_progress=hook)
    listener = Listener(source, PocketsphinxRecognizer(), duplex)
    watcher = BargeInWatcher(listener, interpreter or Interpreter(IntentMatcher.load()), duplex,
                             later_starts=later_starts, own_words=own_words)
    playback = sink.play(Clip(clip_pcm, clip_text))
    assert isinstance(playback, WavPlayback)
    watcher.watch(playback, clip_text, len(clip_pcm) / 32000)
    sink.close()
    return watcher, playback


def test_partner_time_out_stops_playback(tmp_path: Path) -> None:
    partner = synthesize("time out", voice="en-us+m3")
    clip = bytes(32000 * 6)
    watcher, playback = watch(tmp_path, "Let's look at the boundaries you agreed on.", partner, clip)
    (event,) = watcher.events
    assert event.intent == "time_out" and playback.stopped
    assert playback.played_seconds < 3.0


def test_own_voice_saying_time_out_is_rejected(tmp_path: Path) -> None:
    own = synthesize("time out")  # the echo of the assistant's own line, heard as it is played
    watcher, playback = watch(tmp_path, "Time out.", own, own)
    assert watcher.events == []
    assert not playback.stopped and any("own voice" in r for r in watcher.rejected)


LINE = ("I'm a companion for your practice, not a therapist. This report is something to bring to your couples "
        "therapist, not a verdict on either of you.")
RESIDUE_DB = -12.0
"""What an unconverged canceller leaves of the line (the room trials: -3 to -15 dB)."""


def _residue(start_s: float, length_s: float) -> bytes:
    """A stretch of LINE in another espeak voice than the tests' partners, as the canceller's residue."""
    pcm = np.frombuffer(synthesize(LINE, voice="en-029+f4"), dtype="<i2") * 10 ** (RESIDUE_DB / 20)
    return bytes(9600) + pcm[int(start_s * 16000):int((start_s + length_s) * 16000)].astype("<i2").tobytes() \
        + bytes(25600)


def test_residue_heard_as_a_command_is_explained_by_the_lines_own_words(tmp_path: Path) -> None:
    residue = _residue(5.0, 2.5)  # "...therapist. This report is something..." at -12 dB
    before, _ = watch(tmp_path, LINE, residue, bytes(32000 * 8), pipeline.interpreter(), own_words=False)
    assert [e.intent for e in before.events] == ["time_out"]  # the grammar alone takes our own voice
    after, playback = watch(tmp_path, LINE, residue, bytes(32000 * 8), pipeline.interpreter())
    assert after.events == [] and not playback.stopped
    assert any(r.startswith("own words:") for r in after.rejected)


def test_a_partners_time_out_beats_the_lines_own_words(tmp_path: Path) -> None:
    for voice in ("en-us+m3", "en-us+f3"):
        watcher, playback = watch(tmp_path, LINE, synthesize("time out", voice=voice), bytes(32000 * 8),
                                  pipeline.interpreter())
        assert [e.intent for e in watcher.events] == ["time_out"] and playback.stopped, voice
