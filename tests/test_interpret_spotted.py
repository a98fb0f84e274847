"""The interpreter applies a sentinel spotted inside free speech at the policy's threshold, like any utterance."""

from __future__ import annotations

from assistant.acceptance import KINDS, AcceptancePolicy
from assistant.intents import IntentMatcher
from assistant.interpret import GLOBAL_COMMANDS, Interpreter
from assistant.listening import Heard
from assistant.stt.base import Spotted, Utterance

POLICY = AcceptancePolicy({kind: 0.5 for kind in KINDS})


def _heard(spotted: Spotted | None) -> Heard:
    utterance = Utterance("we talked about the weekend and the kids", 0.9, 0.0, 3.0, spotted)
    return Heard(utterance, endpoint_at=3.0, listen_seconds=3.0)


def test_a_spotted_time_out_above_its_threshold_is_a_time_out():
    interpreter = Interpreter(IntentMatcher.load(), POLICY)
    decision = interpreter.decide(_heard(Spotted("time out", 0.8)), "free", GLOBAL_COMMANDS)
    assert (decision.intent, decision.reason) == ("time_out", "accepted")


def test_a_spotted_time_out_below_its_threshold_is_rejected_not_the_free_texts_score():
    interpreter = Interpreter(IntentMatcher.load(), POLICY)
    decision = interpreter.decide(_heard(Spotted("time out", 0.2)), "free", GLOBAL_COMMANDS)
    assert (decision.intent, decision.reason) == (None, "low_confidence")


def test_free_speech_without_a_spotted_sentinel_means_no_command():
    interpreter = Interpreter(IntentMatcher.load(), POLICY)
    assert interpreter.decide(_heard(None), "free", GLOBAL_COMMANDS).reason == "no_match"
