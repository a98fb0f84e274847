from pathlib import Path

import pytest

from assistant.intents import IntentError, IntentMatcher, rating


@pytest.fixture(scope="module")
def matcher() -> IntentMatcher:
    return IntentMatcher.load()


def test_every_phrasing_maps_to_its_intent(matcher):
    for name, phrasings in matcher.intents.items():
        for phrasing in phrasings:
            assert matcher.match(phrasing) == name, phrasing


@pytest.mark.parametrize("text,intent", [
    ("Time out!", "time_out"), ("um, pause please", "time_out"),
    ("okay I think we need a break now", "time_out"),
    ("yes", "yes"), ("Yes, please.", "yes"), ("no", "no"), ("go back", "back"),
    ("we need more time", "more_time"),
    ("remind me later", "later"), ("continue check in", "resume"), ("what can I say", "help"),
    ("honestly i want to kill myself", "safety"), ("I'm afraid of him.", "safety"),
])
def test_match(matcher, text, intent):
    assert matcher.match(text) == intent


@pytest.mark.parametrize("text", ["what time is it", "take it out of the oven",
                                  "stop by the store later today", "yes i think so but no", "", "please",
                                  "the break room"])
def test_distractors_have_no_intent(matcher, text):
    assert matcher.match(text) is None


def test_allowed_restricts_but_safety_is_always_on(matcher):
    assert matcher.match("yes", allowed={"no"}) is None
    assert matcher.match("we need a time out", allowed={"yes"}) is None
    assert matcher.match("we need a time out", allowed={"yes", "time_out"}) == "time_out"
    assert matcher.match("i don't feel safe", allowed={"yes"}) == "safety"


@pytest.mark.parametrize("text,value", [("three", 3), ("3", 3), ("a four", 4), ("five out of five", 5),
                                        ("um two please", 2), ("one", 1), ("six", None), ("three four", None),
                                        ("what time is it", None), ("maybe a one", 1), ("i'd say a four", 4),
                                        ("about a three out of five", 3), ("a four five", None)])
def test_rating(matcher, text, value):
    assert rating(text) == value
    assert (matcher.match(text) == "rating") == (value is not None)


def test_phrases_for_are_speakable_and_restricted(matcher):
    phrases = matcher.phrases_for(["yes", "rating"])
    assert "yes" in phrases and "three" in phrases and "3" not in phrases
    assert "time out" not in phrases
    with pytest.raises(KeyError):
        matcher.phrases_for(["nonsense"])


@pytest.mark.parametrize("content,fragment", [
    ("intents: [a, b]", "intents"),
    ("intents:\n  yes: [yes]\n", "True"),
    ("intents:\n  stop: []\n", "intents.stop"),
    ("intents:\n  stop: [stop, {a: 1}]\n", "intents.stop[1]"),
    ("intents:\n  stop: [stop]\n  halt: [stop]\n", "also a phrasing"),
    ("intents: {stop: [stop", "cannot read"),
])
def test_malformed_file_names_file_and_field(tmp_path: Path, content, fragment):
    path = tmp_path / "commands.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(IntentError) as error:
        IntentMatcher.load(path)
    assert str(path) in str(error.value) and fragment in str(error.value)


def test_one_word_spellings_match_their_two_word_phrases() -> None:
    from assistant.intents import IntentMatcher

    matcher = IntentMatcher.load()
    assert matcher.match("Timeout!") == "time_out"
    assert matcher.match("i need a timeout please") == "time_out"
    assert matcher.match("resume checkin") == "resume"
