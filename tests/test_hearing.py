"""Hearing end to end without hardware: source -> the real front end (SpeechGate) -> pocketsphinx -> listener.

Scripted sources run on the virtual clock; the front end is the configured one (webrtc-noise-gain, silero),
built by the pipeline factory from settings as `run` builds it.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pytest
from speech_fixtures import synthesize

from assistant import pipeline
from assistant.audio.base import ListenRequest
from assistant.audio.convert import silence
from assistant.audio.sources import ScriptedSource
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary
from assistant.display import Display
from assistant.frontend import EndpointSettings, FrontEndSettings
from assistant.interpret import Question
from assistant.simulate.acoustics import add_noise, noise_at_dbfs
from assistant.store import Store
from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.typed_io import TypedListener

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import frontend_measure as fm  # noqa: E402

pytestmark = pytest.mark.speech
YES_NO = ListenRequest(kind="yes_no", step="s", phrases=("yes", "no", "stop"))
NO_ECHO = Settings(frontend=FrontEndSettings(echo="none"))


def speech_end_s(clean: bytes) -> float:
    """The true end of speech in a clean render: the end of its last frame within 35 dB of its loudest."""
    return float((np.nonzero(fm.speech_frames(clean))[0][-1] + 1) * 0.03)


def scripted(settings: Settings = NO_ECHO, recognizer: PocketsphinxRecognizer | None = None):  # type: ignore[no-untyped-def]
    clock = VirtualClock()
    source = ScriptedSource(clock=clock)
    hearer = pipeline.listener(source, settings, clock, recognizer=recognizer, engine="pocketsphinx")
    return hearer, source, clock


@pytest.mark.parametrize("level_dbfs", [-41, -35, -30])
def test_an_idle_listen_on_steady_fan_noise_returns_within_its_timeout(level_dbfs: int) -> None:
    hearer, source, clock = scripted()
    source.push(noise_at_dbfs("fan", 20.0, level_dbfs, seed=3))
    assert hearer.listen(YES_NO, timeout_s=5.0) is None
    assert 4.9 <= clock.monotonic() <= 5.1  # audio seconds read: the timeout, not the 20 s of noise
    assert hearer.frames_decoded == 0  # the recogniser never ran on the fan


def test_the_gate_s_end_ends_the_utterance_not_the_engine_s_trailing_silence() -> None:
    slow_engine = PocketsphinxRecognizer(trailing_silence=3.0)  # would wait 3 s of silence on its own
    hearer, source, clock = scripted(recognizer=slow_engine)
    speech = synthesize("yes", voice="en-gb-scotland+m3")
    source.push(silence(1.0) + speech + silence(6.0))
    heard = hearer.listen(YES_NO)
    assert heard is not None and heard.utterance.text == "yes"
    speech_ends = 1.0 + speech_end_s(speech)
    short = NO_ECHO.frontend.endpoint.short_hangover_ms / 1000
    assert speech_ends < heard.listen_seconds <= speech_ends + short + 0.15, heard.listen_seconds


def test_free_answers_get_the_longer_hang_over_from_settings() -> None:
    settings = Settings(frontend=FrontEndSettings(echo="none", endpoint=EndpointSettings(free_hangover_ms=900)))
    hearer, source, clock = scripted(settings)
    assert hearer.gate.settings.free_hangover_ms == 900 and not hearer.full_duplex
    speech = synthesize("we cooked dinner together", voice="en-us+f3")
    source.push(speech + silence(3.0))
    heard = hearer.listen(ListenRequest(kind="free", step="s"))
    assert heard is not None and heard.utterance.text
    speech_ends = speech_end_s(speech)
    assert speech_ends + 0.85 <= heard.listen_seconds <= speech_ends + 0.9 + 0.2, heard.listen_seconds


def test_speech_in_noise_is_heard_through_the_front_end() -> None:
    hearer, source, _ = scripted()
    source.push(add_noise(silence(0.8) + synthesize("no", voice="en-gb+f2"), "pink", 10.0, seed=5) + silence(1.0))
    heard = hearer.listen(YES_NO)
    assert heard is not None and heard.utterance.text == "no"


def test_the_pipeline_listens_full_duplex_only_when_the_front_end_cancels_echo() -> None:
    with_echo, _, _ = scripted(Settings())
    assert with_echo.full_duplex
    assert not scripted(Settings(frontend=FrontEndSettings(echo="none")))[0].full_duplex


def test_the_display_shows_what_is_said_and_what_the_interpreter_decided(tmp_path, private_umask) -> None:  # type: ignore[no-untyped-def]
    clock, shown = VirtualClock(), io.StringIO()
    library = DialogLibrary.load()
    store = Store.open(tmp_path / "data")
    typed = TypedListener(clock, stream=io.StringIO("yes\nbanana\n"), out=io.StringIO())
    conversation = pipeline.conversation(typed, lambda line: None, clock, Settings(), library, store,
                                         display=Display(stream=shown, keep_transcripts=False))
    line = library.render("common.way_out")
    question = Question(kind="yes_no", step="s", intents=("yes", "no"))
    assert conversation.ask(line, question).intent == "yes"
    assert conversation.hear(question).intent is None
    store.close()
    assert shown.getvalue().splitlines() == [f"assistant: {line.text}", "heard: (yes)", "heard: (not understood)"]
