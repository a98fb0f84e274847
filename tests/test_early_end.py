"""Early endpointing on a complete phrase: a closed step ends after a short pause only on a whole listed phrase.

The rule (assistant/stt/complete.py) and the Listener through the real front end and pocketsphinx, as the
pipeline factory builds them, on the virtual clock.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from speech_fixtures import synthesize
from test_hearing import NO_ECHO, scripted, speech_end_s

from assistant import pipeline
from assistant.audio.base import ListenRequest
from assistant.audio.convert import silence
from assistant.config import Settings
from assistant.danger import DangerDetector
from assistant.interpret import GLOBAL_COMMANDS
from assistant.paths import dialogs_dir
from assistant.stt.complete import CompletePhrase, listed_intents

PHRASES = ("yes", "yes please", "no", "time out", "help", "help line", "i don't feel safe", "i don't feel safe at home",
           "keep", "keep them")


def with_early(ms: int) -> Settings:
    endpoint = replace(NO_ECHO.frontend.endpoint, early_hangover_ms=ms)
    return NO_ECHO.model_copy(update={"frontend": NO_ECHO.frontend.model_copy(update={"endpoint": endpoint})})


def test_only_a_whole_listed_phrase_that_begins_no_longer_one_is_complete() -> None:
    rule = CompletePhrase(PHRASES, listed_intents())
    assert rule.complete("yes") and rule.complete("<s> time out </s>") and rule.complete("i don't feel safe at home")
    assert rule.complete("i don't feel safe")  # whatever listed words follow, it is a safety phrase
    assert not rule.complete("time")  # half of "time out"
    assert not rule.complete("help")  # "help line" means something else: wait for the rest
    assert not rule.complete("keep")  # no listed meaning (a choice wording): wait
    assert not rule.complete("yes what it")  # garbage after the phrase
    assert not rule.complete("")


def closed_steps_phrases() -> tuple[str, ...]:
    return pipeline.interpreter().phrases_for([*GLOBAL_COMMANDS, "yes", "no"])


@pytest.mark.parametrize("said,voice", [("yes", "en-gb-scotland+m3"), ("no", "en-us+f3")])
def test_a_complete_short_answer_ends_the_listen_sooner_with_the_same_words(said: str, voice: str) -> None:
    speech = synthesize(said, voice=voice)
    heard = {}
    for early_ms in (0, 150):
        hearer, source, _ = scripted(with_early(early_ms))
        source.push(silence(1.0) + speech + silence(3.0))
        got = hearer.listen(ListenRequest(kind="yes_no", step="s", phrases=closed_steps_phrases()))
        assert got is not None and hearer.last_end is not None
        assert hearer.last_end.early is bool(early_ms)
        heard[early_ms] = (got.utterance.text, got.listen_seconds)
    meaning = listed_intents()
    assert meaning(heard[150][0]) == meaning(heard[0][0]) == said  # the same answer ("no" or "nope": no)
    assert heard[150][1] <= heard[0][1] - 0.1  # at least 100 ms of the 300 ms hang-over saved
    assert heard[150][1] > 1.0 + speech_end_s(speech)  # never before the end of the word


def test_time_out_is_not_ended_at_time_and_a_danger_statement_reaches_the_danger_check() -> None:
    phrases = closed_steps_phrases()
    detector = DangerDetector.load(dialogs_dir())
    for said, voice in (("time out", "en-us+m3"), ("i don't feel safe", "en-gb+f2")):
        hearer, source, _ = scripted(with_early(150))
        speech = synthesize(said, voice=voice)
        source.push(silence(1.0) + speech + silence(3.0))
        got = hearer.listen(ListenRequest(kind="yes_no", step="s", phrases=phrases))
        assert got is not None and got.listen_seconds > 1.0 + speech_end_s(speech)
        if said == "time out":
            assert got.utterance.text == "time out"
        else:
            assert detector.assess(got.utterance.text).level != "none", got.utterance.text


def test_a_free_answer_never_ends_early() -> None:
    hearer, source, _ = scripted(with_early(150))
    source.push(synthesize("yes we cooked dinner together", voice="en-us+f3") + silence(3.0))
    got = hearer.listen(ListenRequest(kind="free", step="s"))
    assert got is not None and hearer.last_end is not None and not hearer.last_end.early
