"""Decoding a free answer during its hang-over (`free_decode_after_ms`): the same words and decisions as decoding
it after the end, through the real front end, endpointer and pocketsphinx on espeak-ng speech."""

from __future__ import annotations

import pytest

from assistant.audio.base import ListenRequest
from assistant.audio.convert import silence
from assistant.audio.sources import ScriptedSource
from assistant.clock import VirtualClock
from assistant.dialog.library import DialogLibrary
from assistant.dialog.schema import Step
from assistant.frontend import FrontEndSettings, SpeechGate, build_front_end
from assistant.frontend.settings import EndpointSettings
from assistant.intents import IntentMatcher
from assistant.interpret import Interpreter
from assistant.listener import Listener
from assistant.simulate import voices
from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

ANSWERS = [("we cooked dinner together", "and talked about the week"), ("i don't feel safe", ""),
           ("i felt listened to", "when you called me at lunch"), ("he is hurting me", "every day"),
           ("we were both tired", ""), ("i need a time out", "")]
"""Free answers, some in two parts: espeak-ng's own edges leave a pause between them that the endpointer counts
as 390-510 ms of silence (long enough to decode early, shorter than the hang-over: speech resumes)."""


def answer(first: str, rest: str, voice: str) -> bytes:
    pcm = voices.speak(first, voice=voice, tail_s=0.0)
    if rest:
        pcm += voices.speak(rest, voice=voice, lead_s=0.0, tail_s=0.0)
    return pcm + silence(1.0)


def hear_all(decode_after_ms: int | None, step: Step, kind: str = "free") -> tuple[list[tuple[str, str]], Listener]:
    """(words, trigger) for every answer in two voices, one listener throughout (its state carried);
    `decode_after_ms` None: the default settings."""
    clock = VirtualClock()
    source = ScriptedSource(clock=clock)
    endpoint = EndpointSettings() if decode_after_ms is None else EndpointSettings(free_decode_after_ms=decode_after_ms)
    gate = SpeechGate(build_front_end(FrontEndSettings(echo="none")), endpoint)
    listener = Listener(source, PocketsphinxRecognizer(), clock, gate=gate)
    interpreter = Interpreter(IntentMatcher.load())
    request = ListenRequest(kind=kind, step=step.id, phrases=interpreter.phrases(step),
                            sentinel=interpreter.sentinel(step))
    found = []
    for voice in ("en-us", "en-gb-scotland"):
        for first, rest in ANSWERS:
            source.push(answer(first, rest, voice))
            heard = listener.listen(request)
            assert heard is not None
            found.append((heard.utterance.text, interpreter.interpret(heard, step).trigger))
    return found, listener


@pytest.fixture(scope="module")
def steps() -> dict[str, Step]:
    found: dict[str, Step] = {}
    for step in DialogLibrary.load().scripts["checkin"].steps:
        found.setdefault(step.listen, step)
    return found


def test_the_default_decodes_free_answers_early() -> None:
    assert EndpointSettings().free_decode_after_ms > 0


def test_free_answers_decoded_early_are_heard_and_decided_as_after_the_end(steps: dict[str, Step]) -> None:
    after_end, _ = hear_all(0, steps["free"])
    early, listener = hear_all(None, steps["free"])
    assert early == after_end
    assert listener.early_decodes >= len(early)  # every answer was decoded during its hang-over...
    assert listener.taken_back >= 2  # ...and the pauses inside answers were taken back and decoded again
    assert any(trigger for _, trigger in early)  # the danger lines reach the interpreter's decision either way


def test_closed_steps_never_decode_early(steps: dict[str, Step]) -> None:
    _, listener = hear_all(None, steps["yes_no"], kind="yes_no")
    assert listener.early_decodes == 0 and listener.taken_back == 0
