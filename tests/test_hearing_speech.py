"""The real engines on generated corpus audio in held-out voices: scores separate commands from ordinary
speech, the stored thresholds accept the one and reject the other, the free LM loads lazily."""

from __future__ import annotations

import statistics

import pytest

from assistant.evaluation import corpus
from assistant.evaluation.calibrate import load_thresholds
from assistant.evaluation.corpus import Condition, Item, Sample
from assistant.evaluation.hearing import observe
from assistant.intents import IntentMatcher
from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

pytestmark = pytest.mark.speech
SPEC = corpus.load_spec()
VOICES = corpus.voices(SPEC, "held_out")[::7][:4]
"""A handful of held-out voices (never used to choose thresholds)."""
COMMANDS = [("time out", "time_out"), ("skip", "skip"), ("stop", "stop"), ("repeat", "repeat")]
ORDINARY = ["take the rubbish out tonight", "stop at the petrol station", "is the oven still on",
            "my mother called this morning"]
MATCHER = IntentMatcher.load()


@pytest.fixture(scope="module")
def recognizer() -> PocketsphinxRecognizer:
    return PocketsphinxRecognizer()


def _observe(recognizer, text: str, expected: str | None, voice: str, index: int):
    item = Item(text, "command", expected, "listed" if expected else "ordinary")
    return observe(recognizer, Sample(item, Condition(voice, 160, "clean", None), index), MATCHER)


@pytest.fixture(scope="module")
def observed(recognizer):
    commands = [_observe(recognizer, text, intent, voice, i)
                for i, voice in enumerate(VOICES) for text, intent in COMMANDS]
    ordinary = [_observe(recognizer, text, None, voice, i) for i, voice in enumerate(VOICES) for text in ORDINARY]
    return commands, ordinary


def test_scores_separate_commands_from_ordinary_sentences_on_average(observed):
    commands, ordinary = observed
    assert statistics.mean(o.score for o in commands) > statistics.mean(o.score for o in ordinary)


def test_the_interpreter_applies_the_stored_command_threshold_to_the_engines_utterances(observed):
    """The pipeline, not a tuned figure: each utterance the engine scored is taken by the one interpreter
    exactly when its score reaches assistant/acceptance.json's threshold (a time out: the sentinel's)."""
    from assistant.acceptance import AcceptancePolicy
    from assistant.interpret import GLOBAL_COMMANDS, Interpreter
    from assistant.listening import Heard
    from assistant.stt.base import Utterance

    policy = AcceptancePolicy.load()
    assert policy.thresholds["command"] == load_thresholds()["command"]
    interpreter = Interpreter(MATCHER, policy)
    commands, ordinary = observed
    scored = [o for o in commands + ordinary if o.intent not in (None, "safety")]
    assert scored, "the engine gave no intent at all"
    for o in scored:
        decision = interpreter.decide(Heard(Utterance(o.text, o.score, 0.0, 1.0), 0.0, 1.0), "command",
                                      GLOBAL_COMMANDS)
        taken = o.score >= policy.threshold("command", o.intent)
        assert (decision.intent == o.intent) == taken and (decision.intent is None) != taken, (o.text, o.score)


def test_free_language_model_loads_only_for_a_free_listen():
    recognizer = PocketsphinxRecognizer()
    recognizer.set_phrases(["yes", "no"])
    assert not recognizer._free_loaded
    recognizer.set_phrases(None)
    assert recognizer._free_loaded
