"""Barge-in on real audio: a partner's "time out" stops playback; the assistant's own voice does not."""

from __future__ import annotations

from pathlib import Path

from speech_fixtures import synthesize

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
          later_starts: bool = False) -> tuple[BargeInWatcher, WavPlayback]:
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
                             later_starts=later_starts)
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
