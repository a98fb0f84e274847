"""The hearing corpus: a fixed split with no overlap, and every intent paraphrased in both halves."""

from __future__ import annotations

from assistant.evaluation import corpus
from assistant.intents import IntentMatcher

SPEC = corpus.load_spec()


def test_voice_halves_share_neither_accent_nor_variant():
    tuning, held_out = corpus.voices(SPEC, "tuning"), corpus.voices(SPEC, "held_out")
    assert len(tuning) + len(held_out) >= 30
    accents = [{v.split("+")[0] for v in half} for half in (tuning, held_out)]
    variants = [{v.split("+")[1] for v in half} for half in (tuning, held_out)]
    assert not accents[0] & accents[1] and not variants[0] & variants[1]


def test_phrase_halves_do_not_overlap():
    halves = [{(i.kind, i.text) for i in corpus.items(SPEC, split) if i.source != "listed"}
              for split in corpus.SPLITS]
    assert halves[0] and halves[1] and not halves[0] & halves[1]


def test_every_intent_has_six_paraphrases_beyond_the_command_file():
    listed = {p for phrasings in IntentMatcher.load().intents.values() for p in phrasings}
    for intent, halves in SPEC["paraphrases"].items():
        new = [p for split in corpus.SPLITS for p in halves[split] if p not in listed]
        assert len(new) >= 6, intent


def test_enough_ordinary_sentences_and_ratings_in_several_wordings():
    ordinary = [s for split in corpus.SPLITS for s in SPEC["ordinary"][split]]
    assert len(ordinary) >= 60 and len(set(ordinary)) == len(ordinary)
    ratings = [r for split in corpus.SPLITS for r in SPEC["ratings"][split]]
    assert {r["value"] for r in ratings} == {1, 2, 3, 4, 5}


def test_sampling_is_deterministic_and_stays_in_its_half():
    first, again = corpus.samples("held_out", spec=SPEC), corpus.samples("held_out", spec=SPEC)
    assert first == again
    held_out_voices = set(corpus.voices(SPEC, "held_out"))
    assert {s.condition.voice for s in first} <= held_out_voices
    assert {s.condition.noise for s in first} >= {"clean", "pink", "babble", "tv", "assistant"}
