"""The real pocketsphinx engine on espeak-ng speech (no mocks)."""

from __future__ import annotations

import pytest
from speech_fixtures import synthesize, transcribe

from assistant.audio.convert import silence
from assistant.intents import IntentMatcher
from assistant.simulate.voices import speak
from assistant.stt.pocketsphinx_engine import PhraseError, PocketsphinxRecognizer

MATCHER = IntentMatcher.load()
COMMANDS = [(phrase, name) for name in MATCHER.intents if name != "safety" for phrase in MATCHER.phrases_for([name])]
"""Every command phrasing; safety phrasings have their own, per-voice rates in test_safety_speech.py."""
DISTRACTORS = ["what time is it", "take it out of the oven", "i think dinner is ready in ten minutes",
               "did you call your mother"]


@pytest.fixture(scope="module")
def commands_recognizer() -> PocketsphinxRecognizer:
    recognizer = PocketsphinxRecognizer()
    recognizer.set_phrases(MATCHER.phrases_for())
    return recognizer


@pytest.mark.parametrize("phrase,intent", COMMANDS)
def test_every_command_phrasing_is_recognised(commands_recognizer, phrase, intent):
    utterances = transcribe(commands_recognizer, synthesize(phrase))
    assert [MATCHER.match(u.text) for u in utterances] == [intent], [u.text for u in utterances]
    assert utterances[0].confidence >= 0.5


@pytest.mark.parametrize("sentence", DISTRACTORS)
def test_distractors_give_no_intent(commands_recognizer, sentence):
    utterances = transcribe(commands_recognizer, synthesize(sentence))
    assert utterances, "speech was not detected at all"
    assert [MATCHER.match(u.text) for u in utterances] == [None], [u.text for u in utterances]


def test_timings_count_samples_fed():
    recognizer = PocketsphinxRecognizer()
    recognizer.set_phrases(["yes", "no", "stop"])
    pcm = silence(1.0) + synthesize("yes") + silence(1.0) + synthesize("stop")
    utterances = transcribe(recognizer, pcm)
    assert [u.text for u in utterances] == ["yes", "stop"]
    first, second = utterances
    assert 1.0 < first.start < first.end < second.start < second.end <= len(pcm) / 32000
    assert first.start == pytest.approx(1.3, abs=0.2)


def test_reset_drops_the_current_utterance_and_keeps_the_clock():
    recognizer = PocketsphinxRecognizer()
    recognizer.set_phrases(["yes", "no"])
    speech = synthesize("yes")
    assert recognizer.accept(speech[: len(speech) // 2]) is None
    recognizer.reset()
    assert recognizer.flush() is None
    utterances = transcribe(recognizer, synthesize("no"))
    assert [u.text for u in utterances] == ["no"]
    assert utterances[0].start > len(speech) // 2 / 32000


def test_switching_phrase_sets_reuses_compiled_grammars():
    recognizer = PocketsphinxRecognizer()
    recognizer.set_phrases(["yes", "no"])
    recognizer.set_phrases(["stop", "help"])
    recognizer.set_phrases(["no", "yes"])
    assert len(recognizer._searches) == 2
    assert [u.text for u in transcribe(recognizer, synthesize("no"))] == ["no"]


def test_free_text_mode_hears_something():
    recognizer = PocketsphinxRecognizer()
    recognizer.set_phrases(None)
    utterances = transcribe(recognizer, synthesize("we need a break"))
    assert len(utterances) == 1 and utterances[0].text


def test_unknown_word_in_phrases_is_a_clear_error():
    recognizer = PocketsphinxRecognizer()
    with pytest.raises(PhraseError, match="zzyzxq"):
        recognizer.set_phrases(["yes", "zzyzxq now"])


def test_silence_gives_nothing():
    recognizer = PocketsphinxRecognizer()
    assert transcribe(recognizer, silence(2.0)) == []


def test_the_sentinel_second_look_leaves_the_cepstral_mean_as_one_look_does():
    """A free answer decoded twice (free text, then the sentinel grammar) must not count its audio twice."""
    plain, watched = PocketsphinxRecognizer(), PocketsphinxRecognizer()
    plain.set_phrases(None)
    watched.set_phrases(None, sentinel=MATCHER.phrases_for(["time_out", "safety"]))
    pcm = synthesize("we went for a long walk by the river on sunday afternoon and then we had lunch together")
    heard = [u.text for u in transcribe(plain, pcm)]
    assert [u.text for u in transcribe(watched, pcm)] == heard
    assert watched.cepstral_mean() == pytest.approx(plain.cepstral_mean())
    assert plain.cepstral_mean() != PocketsphinxRecognizer().cepstral_mean()


def test_an_answer_ended_early_is_heard_and_leaves_the_state_as_one_ended_after_its_hang_over():
    """`finish_early` 300 ms into the silence after each answer, then the end: the same words and sentinel verdict
    as ending it only then, and the next answer starts from the same cepstral mean (the one-word grammar took the
    frames between, so the sentinel pass saw the same audio from the same state)."""
    sentinel = MATCHER.phrases_for(["time_out", "safety"])
    after_end, early = PocketsphinxRecognizer(), PocketsphinxRecognizer()
    for recognizer in (after_end, early):
        recognizer.set_phrases(None, sentinel=sentinel)
    for text in ("we cooked dinner together", "he is hurting me", "she controls the tv remote"):
        speech, rest = speak(text, voice="en-gb-scotland", tail_s=0.0), silence(1.0)
        heard = transcribe(after_end, speech + rest)
        assert [u for u in (early.accept(speech), early.accept(rest[:9600])) if u] == []  # 300 ms of silence
        assert early.finish_early() is not None
        assert transcribe(early, rest[9600:]) == heard
        assert early.cepstral_mean() == pytest.approx(after_end.cepstral_mean(), abs=1e-3)
