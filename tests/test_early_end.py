"""Early endpointing on a complete phrase: a closed step ends after a short pause only on a whole listed phrase.

The rule (assistant/stt/complete.py) and the Listener through the real front end and pocketsphinx, as the
pipeline factory builds them, on the virtual clock.
"""

from __future__ import annotations

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


def with_early(on: bool) -> Settings:
    """The early end on (the tuning split's best candidate, 150 ms of silence, the last 60 ms at the room's
    level) or off (the shipped default: no candidate passed the tuning split's safety rule)."""
    endpoint = NO_ECHO.frontend.endpoint.model_copy(update={"early_hangover_ms": 150 if on else 0,
                                                            "early_quiet_ms": 60})
    return NO_ECHO.model_copy(update={"frontend": NO_ECHO.frontend.model_copy(update={"endpoint": endpoint})})


def test_the_early_end_is_off_by_default() -> None:
    assert Settings().frontend.endpoint.early_hangover_ms == 0


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


@pytest.mark.parametrize("said,voice", [("yes", "en-gb-scotland+m3")])
def test_a_complete_short_answer_ends_the_listen_sooner_with_the_same_words(said: str, voice: str) -> None:
    speech = synthesize(said, voice=voice)
    heard = {}
    for early in (False, True):
        hearer, source, _ = scripted(with_early(early))
        source.push(silence(1.0) + speech + silence(3.0))
        got = hearer.listen(ListenRequest(kind="yes_no", step="s", phrases=closed_steps_phrases()))
        assert got is not None and hearer.last_end is not None
        assert hearer.last_end.early is early
        heard[early] = (got.utterance.text, got.listen_seconds)
    meaning = listed_intents()
    assert meaning(heard[True][0]) == meaning(heard[False][0]) == said  # the same answer ("no" or "nope": no)
    assert heard[True][1] < heard[False][1]  # sooner (by how much depends on the word's decaying tail)
    assert heard[True][1] > 1.0 + speech_end_s(speech)  # never before the end of the word


def test_time_out_is_not_ended_at_time_and_a_danger_statement_reaches_the_danger_check() -> None:
    phrases = closed_steps_phrases()
    detector = DangerDetector.load(dialogs_dir())
    for said, voice in (("time out", "en-us+m3"), ("i don't feel safe", "en-gb+f2")):
        hearer, source, _ = scripted(with_early(True))
        speech = synthesize(said, voice=voice)
        source.push(silence(1.0) + speech + silence(3.0))
        got = hearer.listen(ListenRequest(kind="yes_no", step="s", phrases=phrases))
        assert got is not None and got.listen_seconds > 1.0 + speech_end_s(speech)
        if said == "time out":
            assert got.utterance.text == "time out"
        else:
            assert detector.assess(got.utterance.text).level != "none", got.utterance.text


def test_a_free_answer_never_ends_early() -> None:
    hearer, source, _ = scripted(with_early(True))
    source.push(synthesize("yes we cooked dinner together", voice="en-us+f3") + silence(3.0))
    got = hearer.listen(ListenRequest(kind="free", step="s"))
    assert got is not None and hearer.last_end is not None and not hearer.last_end.early
