"""Barge-in from later starts, on real audio: a partner's "time out" that follows the canceller's residue of the
assistant's own voice in one utterance is caught; the residue alone is never taken."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_timeout_bargein import watch

from assistant import pipeline
from assistant.audio.sinks import WavPlayback
from assistant.audio.sources import ScriptedSource
from assistant.clock import VirtualClock
from assistant.listener import Listener
from assistant.simulate.voices import _espeak, silence
from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.timeout.bargein import BARGE_IN_INTENTS, BargeInWatcher
from assistant.timeout.later_start import later_start

LINE = "Before we begin, here is how our check in works."
RESIDUE_DB = -12.0
"""Level of the canceller's residue relative to the line (an unconverged canceller leaves -3 to -15 dB)."""


def _scaled(pcm: bytes, db: float) -> bytes:
    return (np.frombuffer(pcm, dtype="<i2") * 10 ** (db / 20)).astype("<i2").tobytes()


@pytest.fixture(scope="module")
def recognizer() -> PocketsphinxRecognizer:
    engine = PocketsphinxRecognizer()
    engine.set_phrases(list(pipeline.interpreter().phrases_for(BARGE_IN_INTENTS)))
    return engine


def residue() -> bytes:
    return _scaled(_espeak("here is how our check in works", "en-us+m3", 150, 50), RESIDUE_DB)


def test_a_phrase_after_residue_is_found_from_a_later_start(recognizer: PocketsphinxRecognizer) -> None:
    phrases = set(pipeline.interpreter().phrases_for(BARGE_IN_INTENTS))
    partner = _espeak("time out", "en-us", 150, 50)
    utterance = silence(0.3) + residue() + partner + silence(0.3)
    whole = recognizer.decode_again(utterance)
    assert whole is not None and whole.text not in phrases  # the whole utterance is garbage to the grammar
    found = later_start(recognizer.decode_again, utterance, phrases)
    assert found is not None and found.text == "time out" and found.confidence >= 0.8


@pytest.mark.parametrize("voice", ["en-us+m3", "en-gb+m1", "en-us+f2", "en-029+f4"])
def test_residue_alone_is_never_taken(recognizer: PocketsphinxRecognizer, voice: str) -> None:
    phrases = set(pipeline.interpreter().phrases_for(BARGE_IN_INTENTS))
    own = _espeak("I will ask each of you a few questions, one at a time, and I keep only what you agree to keep.",
                  voice, 150, 50)
    for db in (-3.0, -12.0):
        assert later_start(recognizer.decode_again, silence(0.3) + _scaled(own, db) + silence(0.3), phrases) is None


def test_decode_again_leaves_the_live_state(recognizer: PocketsphinxRecognizer) -> None:
    mean = recognizer.cepstral_mean()
    recognizer.decode_again(residue())
    assert recognizer.cepstral_mean() == mean


def _watch(tmp_path: Path, heard: bytes, later_starts: bool) -> tuple[BargeInWatcher, WavPlayback]:
    """The line (8 s of silence played) watched with the companion's own interpreter while `heard` arrives."""
    return watch(tmp_path, LINE, heard, bytes(32000 * 8), pipeline.interpreter(), later_starts)


def test_the_watcher_takes_a_later_start_only_when_the_whole_utterance_matched_nothing() -> None:
    heard = silence(0.3) + residue() + _espeak("time out", "en-us", 150, 50) + silence(0.3)
    listener = Listener(ScriptedSource(clock=VirtualClock()), PocketsphinxRecognizer(), VirtualClock())
    watcher = BargeInWatcher(listener, pipeline.interpreter(), later_starts=False)
    listener.set_phrases(watcher.phrases())
    whole = listener.recognizer.decode_again(heard)  # type: ignore[attr-defined]
    assert whole is not None and whole.text not in watcher.phrases()
    listener.utterance_audio = heard  # what the gate fed the recogniser for that utterance
    assert watcher._accept(whole, 0.0, LINE, 8.0, 2.0) is None
    watcher.later_starts = True
    assert watcher._accept(whole, 0.0, LINE, 8.0, 2.0) == "time_out"
    assert watcher.heard[-1] == "later start accepted: time out"


def test_later_starts_add_no_stop_of_the_assistants_own_line(tmp_path: Path) -> None:
    line = "I will ask each of you a few questions, one at a time, and I keep only what you agree to keep."
    for voice in ("en-us+m3", "en-029+f4"):
        own = _scaled(_espeak(line, voice, 150, 50), -3.0) + silence(0.8)  # an unconverged canceller: the line
        before, _ = _watch(tmp_path, own, later_starts=False)
        after, _ = _watch(tmp_path, own, later_starts=True)
        assert [e.text for e in after.events] == [e.text for e in before.events], list(after.heard)
        assert not any(h.startswith("later start accepted") for h in after.heard)
