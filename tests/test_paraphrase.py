"""Paraphrased commands through the interpreter (assistant/paraphrase.py): tuning-half wordings, and the traps."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import pipeline
from assistant.dialog.schema import Step
from assistant.intents import IntentError, IntentMatcher
from assistant.interpret import GLOBAL_COMMANDS
from assistant.listening import Heard
from assistant.paraphrase import Paraphrases, Wording
from assistant.stt.base import Utterance
from assistant.stt.wyoming_engine import WyomingRecognizer
from assistant.timeout.bargein import BARGE_IN_INTENTS

INTERPRETER = pipeline.interpreter()


def heard(text: str, confidence: float = 1.0) -> Heard:
    return Heard(Utterance(text, confidence, 0.0, 0.0), 0.0, 0.0)


def command(text: str) -> str | None:
    return INTERPRETER.decide(heard(text), "command", GLOBAL_COMMANDS).intent


@pytest.mark.parametrize(("text", "intent"), [
    ("can we take a time out", "time_out"), ("i need a breather", "time_out"),
    ("let's pause for a minute", "time_out"), ("can we have a break", "time_out"),
    ("could you repeat that", "repeat"), ("can you say that again", "repeat"),
    ("skip this one", "skip"), ("let's skip it", "skip"), ("can we go back", "back"),
    ("stop please", "stop"), ("what can i say here", "help"), ("help me", "help"),
])
def test_tuning_paraphrases_are_understood_at_a_command_step(text: str, intent: str) -> None:
    assert command(text) == intent


@pytest.mark.parametrize("text", [
    "time out for the kids", "i need a break from work emails", "he's taking a break from work",
    "give the dog a break from the lead", "don't stop", "no need for a break", "we don't need a break",
    "never stop", "please don't skip this", "stop by the shop on the way home", "what time is it",
    "can you help me with the shopping", "let's go back to that restaurant", "i'll be back later",
])
def test_everyday_sentences_and_negations_are_not_commands(text: str) -> None:
    assert command(text) is None


def test_time_out_traps_do_not_stop_the_assistant_while_it_speaks() -> None:
    for text in ("time out for the kids", "i need a break from work emails", "no need for a break"):
        decision = INTERPRETER.decide_under_voice(heard(text), "barge_in", BARGE_IN_INTENTS)
        assert decision.intent is None, text
    assert INTERPRETER.decide_under_voice(heard("can we take a time out"), "barge_in",
                                          BARGE_IN_INTENTS).intent == "time_out"


def test_a_step_understands_paraphrased_answers_and_options() -> None:
    yes_no = Step(id="q", say=["?"], listen="yes_no")
    assert INTERPRETER.interpret(heard("no thank you"), yes_no).intent == "no"
    assert INTERPRETER.interpret(heard("yeah that's right"), yes_no).intent == "yes"
    ready = Step(id="r", say=["?"], listen="ready")
    assert INTERPRETER.interpret(heard("i'm ready"), ready).intent == "ready"
    assert INTERPRETER.interpret(heard("i'm not ready"), ready).trigger == "no_match"
    choice = Step(id="c", say=["?"], listen="choice", options={"keep": ["keep"], "change": ["change"]})
    event = INTERPRETER.interpret(heard("we should change that"), choice)
    assert (event.trigger, event.answer and event.answer.key) == ("answer", "change")
    assert INTERPRETER.interpret(heard("can we skip this"), choice).trigger == "skip"


def test_a_free_answer_with_a_command_word_stays_an_answer() -> None:
    free = Step(id="f", say=["?"], listen="free")
    event = INTERPRETER.interpret(heard("i was upset when you didn't stop to help"), free)
    assert event.trigger == "answer"
    assert INTERPRETER.interpret(heard("could you repeat that"), free).trigger == "repeat"


def test_a_paraphrase_needs_the_kinds_confidence() -> None:
    yes_no = Step(id="q", say=["?"], listen="yes_no")
    assert INTERPRETER.interpret(heard("could you repeat that", 0.1), yes_no).trigger == "no_match"


def test_grammars_keep_the_listed_phrasings() -> None:
    phrases = INTERPRETER.phrases_for(GLOBAL_COMMANDS)
    assert "pause please" in phrases and not any("breather" in p for p in phrases)
    assert set(phrases) == set(IntentMatcher.load().phrases_for([*GLOBAL_COMMANDS]))


def test_paraphrases_never_decide_safety_or_ratings() -> None:
    matcher, wording = IntentMatcher.load(), Wording.load()
    paraphrases = Paraphrases(matcher.intents, wording)
    assert paraphrases.match("he hurts me") is None and paraphrases.match("a four please") is None
    assert Paraphrases({"hurt": ["he hurt me"]}, wording).match("he hurts me") == "hurt"  # the same rule elsewhere


def test_a_bad_paraphrases_file_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "paraphrases.yaml"
    path.write_text("function_words: [a, not]\nnegators: [not]\nsynonyms: []\n", encoding="utf-8")
    with pytest.raises(IntentError, match=r"paraphrases.yaml: negators: \['not'\]"):
        Wording.load(path)
    path.write_text("function_words: a\nnegators: [not]\n", encoding="utf-8")
    with pytest.raises(IntentError, match="paraphrases.yaml: function_words: expected a non-empty list"):
        Wording.load(path)


def test_a_wyoming_transcript_that_paraphrases_a_listed_phrase_counts_as_heard() -> None:
    engine = WyomingRecognizer("tcp://127.0.0.1:9")  # no connection: only the transcript's reading is tested
    engine.set_phrases(INTERPRETER.phrases_for(BARGE_IN_INTENTS))
    worded = engine._utterance("Can we take a time out?")
    assert (worded.text, worded.confidence) == ("can we take a time out", 1.0)
    assert INTERPRETER.decide_under_voice(Heard(worded, 0.0, 0.0), "barge_in", BARGE_IN_INTENTS).intent == "time_out"
    for everyday in ("time out for the kids", "take the bins out", "don't stop"):
        assert engine._utterance(everyday).confidence == 0.0, everyday
    assert engine._utterance("time out").text == "time out"  # a listed phrase as before
