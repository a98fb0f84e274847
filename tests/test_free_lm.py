"""The free-text language model: the estimator's arithmetic, the packaged mix, and what it hears on real audio.

Audio: espeak-ng en-us (the spoken bench's tuned voice) through the real pocketsphinx engine and Listener in a
free-text state with the sentinel pass, judged as the interpreter judges a free answer. The sentences are lines
of the spoken safety bench, which scripts/build_free_lm.py keeps out of the model's training text.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from pocketsphinx import Decoder, NGramModel
from safety_spoken import spoken_lines

from assistant.audio.base import ListenRequest
from assistant.audio.sources import ScriptedSource
from assistant.clock import VirtualClock
from assistant.danger import DangerDetector
from assistant.intents import IntentMatcher
from assistant.interpret import SENTINEL_INTENTS
from assistant.listener import Listener
from assistant.paths import dialogs_dir
from assistant.simulate import voices
from assistant.stt.free_lm import PACKAGED_LM, free_text_lm, general_lm
from assistant.stt.lm_estimate import backoff_prob, backoffs, mix, witten_bell

TOY = [["he", "hit", "me"], ["he", "hit", "the", "wall"], ["she", "hit", "me"], ["i", "am", "safe"]]


def test_witten_bell_gives_every_history_a_distribution_over_the_vocabulary() -> None:
    model = witten_bell(TOY)
    weights = backoffs(model)
    vocabulary = {gram[0] for gram in model if len(gram) == 1}
    for history in [("<s>",), ("hit",), ("he", "hit"), ("wall",), ("am", "safe")]:
        total = sum(backoff_prob(model, weights, (*history, word)) for word in vocabulary)
        assert math.isclose(total, 1.0, rel_tol=1e-9), history
    assert model[("he", "hit")] > model[("hit",)]  # context counts
    assert model[("he", "hit", "me")] < 1.0  # an unseen continuation keeps some mass


def test_the_mix_keeps_general_words_and_raises_the_domain_wordings() -> None:
    domain = witten_bell(TOY)

    def general(gram: tuple[str, ...]) -> float:
        return 0.01

    mixed = mix(domain, general, ["dishwasher", "he"], 0.5)
    assert mixed[("dishwasher",)] > 0.0 and mixed[("<s>",)] == 0.0
    assert mixed[("he", "hit")] == pytest.approx(0.5 * domain[("he", "hit")] + 0.005)
    assert math.isclose(sum(p for gram, p in mixed.items() if len(gram) == 1), 1.0, rel_tol=1e-9)


def test_free_listening_loads_the_packaged_mix_and_it_knows_both_languages() -> None:
    assert PACKAGED_LM.is_file() and free_text_lm() == str(PACKAGED_LM)
    decoder = Decoder(logfn="/dev/null")
    logmath = decoder.get_logmath()
    packaged = NGramModel(decoder.config, logmath, str(PACKAGED_LM))
    general = NGramModel(decoder.config, logmath, general_lm())
    # prob() takes the word first, then its history
    assert packaged.prob(["myself", "hurt", "to"]) > general.prob(["myself", "hurt", "to"])
    assert packaged.prob(["dishwasher"]) > packaged.prob(["zzzqqq"])  # ordinary words stay possible


@pytest.fixture(scope="module")
def hear() -> Callable[[str, str | None], tuple[str, str]]:
    """Speak a line in en-us and hear it in a free-text state with a fresh recogniser using `free_lm`."""
    from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

    detector = DangerDetector.load(dialogs_dir(), ("Alex", "Sam"))
    matcher = IntentMatcher.load()
    sentinel = tuple(dict.fromkeys([*matcher.phrases_for(SENTINEL_INTENTS), *detector.spoken_phrases()]))
    request = ListenRequest(kind="free", step="test.free_lm", phrases=(), sentinel=sentinel)

    def level_of(text: str, free_lm: str | None = None) -> tuple[str, str]:
        clock = VirtualClock()
        source = ScriptedSource(clock=clock)
        listener = Listener(source, PocketsphinxRecognizer(free_lm=free_lm), clock)
        source.push(voices.speak(text, voice="en-us", rate=130, pitch=40))
        heard = listener.listen(request)
        said = heard.utterance.text if heard else ""
        return said, "danger" if matcher.match(said, {"safety"}) == "safety" else detector.assess(said).level

    return level_of


def test_danger_sentences_it_was_not_trained_on_are_heard_more_often_than_with_the_general_model(hear) -> None:
    lines = spoken_lines(20)["danger"][:8]  # the spoken bench's lines: kept out of the training text
    mixed = [hear(line)[1] != "none" for line in lines]
    general = [hear(line, general_lm())[1] != "none" for line in lines]
    assert sum(mixed) >= 2 and sum(mixed) > sum(general), (mixed, general)


@pytest.mark.parametrize("line", ["I don't want to live anymore."])
def test_a_danger_sentence_it_was_not_trained_on_is_heard_as_danger(hear, line: str) -> None:
    said, level = hear(line)
    assert level in {"danger", "ambiguous"}, said


SHARED_PRONOUN = pytest.mark.xfail(strict=True, reason=(
    "heard right by the mixed model ('she controls the tv remote'), then taken by the sentinel pass as 'she is "
    "hurting me': its shared-word rule (sentinel_rule.FUNCTION_WORDS) counts 'she' as a content word; a "
    "standard stop-word list would mend this line but caught fewer danger lines on tuning (see FUNCTION_WORDS)"))


@pytest.mark.parametrize("line", ["The battery died halfway through the call.", "We need a break this weekend.",
                                  pytest.param("she controls the tv remote", marks=SHARED_PRONOUN)])
def test_everyday_sentences_are_not_stops(hear, line: str) -> None:
    said, level = hear(line)
    assert level != "danger", said
