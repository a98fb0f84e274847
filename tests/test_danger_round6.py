"""Issue 12, round 6: structures added for how people disclose (idiom, texting, reported threats, coercion over
money, contraception and the children) and the everyday repair talk that must stay quiet. Each case is a new
wording, not a line of a corpus: it checks the structure, not one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.danger import DangerDetector

DIALOGS = Path(__file__).resolve().parent.parent / "dialogs"


@pytest.fixture(scope="module")
def detector() -> DangerDetector:
    return DangerDetector.load(DIALOGS, partners=("Alex", "Sam"))


@pytest.mark.parametrize(("text", "level"), [
    # British/Irish/Australian idiom: strike verbs, blows as nouns with any intensifier, slang for suicide
    ("my fella booted me in the ribs", "danger"), ("she lamped me at the wedding", "danger"),
    ("he gave me a proper belting", "danger"), ("i got a thumping off my husband", "danger"),
    ("my ex is handy with her fists", "danger"), ("thinking of topping myself", "danger"),
    ("I topped myself up with coffee", "none"), ("she decked me out in sequins for the party", "none"),
    # reported threats: any verb of saying, body parts as the object, "do me in", the children
    ("he messaged me that i would end up in the river", "danger"), ("she swore she would break my jaw", "danger"),
    ("my husband said he'll do me in", "danger"), ("he'll run off with our kids to his mum in Spain", "ambiguous"),
    # coercion: contraception, money, tracking, cover stories
    ("he hides my contraceptive pill", "danger"), ("he won't let me go on birth control", "danger"),
    ("my boyfriend took out a credit card in my name", "ambiguous"),
    ("he makes me keep on my location all day", "ambiguous"),
    ("found a tracker taped inside my handbag", "danger"), ("i told school i fell down the stairs", "ambiguous"),
    # typed without apostrophes or in texting spellings
    ("id rather be dead", "danger"), ("show my id at the door", "none"), ("imma end it tonite", "ambiguous"),
])
def test_round6_structures(detector: DangerDetector, text: str, level: str) -> None:
    assert detector.assess(text).level == level


@pytest.mark.parametrize("text", [
    "he'd be dead pleased if you rang", "my sister will kill me if I forget her birthday",
    "you'll kill me with all these questions", "he locked us out by mistake", "the baby's cot isn't safe anymore",
    "she hurt me deeply when she lied", "my nan won't let me leave without eating",
    "i want to disappear to the coast for a weekend",
    "we went out for a curry and he cut me out of the bill", "it started with a walk and now we run together",
])
def test_round6_everyday_talk_stays_quiet(detector: DangerDetector, text: str) -> None:
    assert detector.assess(text).level == "none", detector.explain(text)
