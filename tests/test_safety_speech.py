"""Safety phrases spoken by espeak-ng voices through the real pipeline (pocketsphinx -> Listener ->
Interpreter) trigger the safety response in every listening state; ordinary heated sentences do not.

Voices: en-us at pitches 40/65 and rates 130/170. In free-text steps the pocketsphinx language model alone
does not decode these phrases from synthetic speech; its second pass through a sentinel grammar does.
"""

from __future__ import annotations

import itertools

import pytest

from assistant.audio.base import ListenRequest
from assistant.audio.sources import ScriptedSource
from assistant.clock import VirtualClock
from assistant.dialog.library import DialogLibrary
from assistant.dialog.schema import Step
from assistant.intents import IntentMatcher
from assistant.interpret import Interpreter
from assistant.listener import Listener
from assistant.simulate import voices

VOICES = list(itertools.product((40, 65), (130, 170)))
"""(pitch, rate) of the four en-us voices."""
ROBUST = ["i want to hurt myself", "i don't want to live", "i want to kill myself", "i want to die",
          "i might hurt myself", "i don't feel safe", "i am not safe", "i feel unsafe",
          "he is hurting me", "she is hurting me", "i am afraid of him"]
"""Safety phrasings recognised in every voice by the pocketsphinx grammars (measured). Left out, known
confusions: "he hurt me" heard as the choice option "keep them", "she hurt me" as "three", "i am afraid of
her" as "a three" (short phrases lose to options/ratings in some voices)."""
HEATED = ["you never listen to me", "i am so angry right now", "stop interrupting me", "why did you do that",
          "you hurt my feelings"]


class Pipeline:
    """One listening state of the check-in over pocketsphinx, fed espeak-ng speech."""

    def __init__(self, step: Step) -> None:
        from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

        self.step = step
        self.clock = VirtualClock()
        self.source = ScriptedSource(clock=self.clock)
        self.listener = Listener(self.source, PocketsphinxRecognizer(), self.clock)
        self.interpreter = Interpreter(IntentMatcher.load())

    def trigger(self, text: str, pitch: int, rate: int) -> tuple[str, str]:
        self.source.push(voices.speak(text, voice="en-us", rate=rate, pitch=pitch))
        request = ListenRequest(kind=self.step.listen, step=self.step.id,
                                phrases=self.interpreter.phrases(self.step),
                                sentinel=self.interpreter.sentinel(self.step))
        heard = self.listener.listen(request)
        return self.interpreter.interpret(heard, self.step).trigger, heard.utterance.text if heard else ""


@pytest.fixture(scope="module")
def steps() -> dict[str, Step]:
    script = DialogLibrary.load().scripts["checkin"]
    found: dict[str, Step] = {}
    for step in script.steps:
        found.setdefault(step.listen, step)
    return found


@pytest.fixture(scope="module", params=["yes_no", "rating", "choice"])
def pipeline(request: pytest.FixtureRequest, steps: dict[str, Step]) -> Pipeline:
    return Pipeline(steps[request.param])


def test_safety_phrases_trigger_in_every_voice_and_grammar_state(pipeline: Pipeline):
    misses = []
    for phrase in ROBUST:
        for pitch, rate in VOICES:
            trigger, text = pipeline.trigger(phrase, pitch, rate)
            if trigger != "safety":
                misses.append((phrase, pitch, rate, text))
    assert not misses, f"{pipeline.step.listen}: not recognised as safety: {misses}"


def test_every_safety_phrasing_is_speakable_and_mostly_recognised(pipeline: Pipeline):
    """All phrasings in dialogs/commands.yaml, including the weaker ones ("he hit me", "i'm scared of her"):
    at least 75% of all renditions (measured 79-85%), and the ROBUST list is all of them but the weak ones."""
    phrasings = IntentMatcher.load().phrases_for(["safety"])
    assert set(ROBUST) <= set(phrasings)
    rates = {p: sum(pipeline.trigger(p, pitch, rate)[0] == "safety" for pitch, rate in VOICES) for p in phrasings}
    print(pipeline.step.listen, {p: n for p, n in rates.items() if n < len(VOICES)})
    assert sum(rates.values()) / (len(VOICES) * len(rates)) >= 0.75, rates


def test_heated_sentences_do_not_trigger_safety(steps: dict[str, Step]):
    wrong = []
    for kind in ("yes_no", "rating", "choice", "free"):
        pipeline = Pipeline(steps[kind])
        for sentence in HEATED:
            for pitch, rate in VOICES:
                trigger, text = pipeline.trigger(sentence, pitch, rate)
                if trigger == "safety":
                    wrong.append((kind, sentence, pitch, rate, text))
    assert not wrong


def test_safety_phrases_in_a_free_text_answer(steps: dict[str, Step]):
    """The free-text model misses these; the sentinel grammar pass of pocketsphinx catches them."""
    pipeline = Pipeline(steps["free"])
    misses = [(p, pitch, rate, text) for p in ROBUST for pitch, rate in VOICES
              for trigger, text in [pipeline.trigger(p, pitch, rate)] if trigger != "safety"]
    print(f"free text: {len(misses)} of {len(ROBUST) * len(VOICES)} missed: {misses}")
    assert len(misses) <= len(ROBUST) * len(VOICES) // 10, misses
