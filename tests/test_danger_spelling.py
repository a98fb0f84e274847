"""Issue 12, round 3: typed typos of the lexicon's own words are mended (never an English word into a danger
word), learners' and typists' verb forms are inflections, and a few structures the third tuning corpus showed."""

from __future__ import annotations

import gzip
import json
from importlib import resources
from pathlib import Path

import pytest

from assistant.danger import DangerDetector
from assistant.danger.spelling import TypoMender, english_words

DIALOGS = Path(__file__).resolve().parent.parent / "dialogs"


@pytest.fixture(scope="module")
def detector() -> DangerDetector:
    return DangerDetector.load(DIALOGS, partners=("Alex", "Sam"))


def test_the_english_word_list_ships_with_the_package() -> None:
    words = set(english_words())
    assert len(words) > 100_000 and {"kiss", "hunt", "slapped"} <= words


@pytest.mark.parametrize(("typed", "mended"), [("slaped", "slapped"), ("husbnd", "husband"), ("kiked", "kicked"),
                                               ("strangeld", "strangled")])
def test_a_typo_one_edit_from_one_lexicon_word_is_mended(detector: DangerDetector, typed: str, mended: str) -> None:
    assert detector.clauses(f"he {typed} me") == [f"he {mended} me"]


@pytest.mark.parametrize("word", ["kiss", "hunt", "hits", "punshed", "hti"])
def test_english_words_ambiguous_typos_and_short_words_are_left_alone(detector: DangerDetector, word: str) -> None:
    assert detector.clauses(f"he {word} me") == [f"he {word} me"]  # punshed: punched or pushed; hti: too short


def test_without_an_english_list_nothing_is_mended() -> None:
    mender = TypoMender({"hurt", "slapped"}, keep=(), english=[])
    assert not mender.active and mender.mend("slaped") == "slaped" and mender.mend("hunt") == "hunt"
    with_list = TypoMender({"hurt", "slapped"}, keep=(), english=["hunt", "kiss"])
    assert with_list.mend("slaped") == "slapped" and with_list.mend("hunt") == "hunt"


@pytest.mark.parametrize(("text", "level"), [
    ("he slaped me", "danger"), ("my husbnd hit me again", "danger"), ("he hitted me yesterday", "danger"),
    ("he has been chokin me when he drinks", "danger"), ("he kisses me goodnight", "none"),
    ("he kept going even though I told him to stop", "danger"),  # "even though" does not end the clause
    ("my friend saw him push me into the wall", "danger"), ("my bf roughs me up when he's drunk", "danger"),
    ("she knocked me out of the tournament", "none"), ("he gave me a kick up the backside to apply", "none"),
    ("I got choked up reading your letter", "none"), ("she took my whole paycheck", "ambiguous"),
])
def test_structures(detector: DangerDetector, text: str, level: str) -> None:
    assert detector.assess(text).level == level


def test_the_word_list_scan_reads_what_the_json_parser_reads():
    """english_words() scans the list without the JSON parser (which held the interpreter lock): same words."""
    packed = resources.files("spellchecker").joinpath("resources", "en.json.gz").read_bytes()
    assert list(english_words()) == list(json.loads(gzip.decompress(packed)))
