"""Re-judge every tuning corpus line and every string of the product's dialog files: the rules alone against the
shipped detector (rules + second signal), to show what a change of the second signal moves.

A danger or ambiguous corpus line raised from "none" is a gain; an everyday corpus line or a dialog-file string
raised is a regression (the product's own words, spoken back or echoed, must stay quiet); nothing may go down
(the second signal only raises "none"). The check-in answers' tuning half (tests/corpus/checkin_answers.yaml) counts
as everyday: `checkin_flagged` is every calm question or stop the shipped detector gives them (rules included).
`python scripts/safety_rejudge.py [--list] [--checkin-heldout]` prints the counts (`--list`: also the raised
dialog-file strings, which are the product's own text, never a user's; `--checkin-heldout`: also the held-out
half's counts, aggregate only, to be measured once).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from danger_corpus import EVERY_TUNING_FILE, checkin_half, read_corpus  # noqa: E402

from assistant.danger import DangerDetector  # noqa: E402
from assistant.danger.lexicon import LEVELS  # noqa: E402

PARTNERS = ("Alex", "Sam")
SKIPPED = {"safety_lexicon.yaml", "blame_lexicon.yaml"}
"""Rule files, not text the product says."""


def strings(node: object) -> Iterator[str]:
    """Every string value (not key) in a YAML tree."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def dialog_strings() -> list[str]:
    """The distinct strings of dialogs/**/*.yaml (rule files left out)."""
    found: dict[str, None] = {}
    for path in sorted((ROOT / "dialogs").rglob("*.yaml")):
        if path.name not in SKIPPED:
            found.update(dict.fromkeys(strings(yaml.safe_load(path.read_text(encoding="utf-8")))))
    return list(found)


def main() -> None:
    rules = DangerDetector.load(ROOT / "dialogs", PARTNERS, second_signal=False)
    shipped = DangerDetector.load(ROOT / "dialogs", PARTNERS)
    counts: Counter[str] = Counter()
    raised_dialog: list[str] = []
    texts = [(kind, line) for path in EVERY_TUNING_FILE for kind, lines in read_corpus(path).items()
             for line in lines] + [("dialog", text) for text in dialog_strings()]
    texts += [("checkin", text) for text in checkin_half(held_out=False)]
    if "--checkin-heldout" in sys.argv[1:]:
        texts += [("checkin_heldout", text) for text in checkin_half(held_out=True)]
    for kind, text in texts:
        before, after = rules.assess(text).level, shipped.assess(text).level
        counts[f"{kind}_n"] += 1
        if kind.startswith("checkin") and after != "none":
            counts[f"{kind}_flagged"] += 1
        if LEVELS.index(after) < LEVELS.index(before):
            counts[f"{kind}_lowered"] += 1
        elif after != before:
            counts[f"{kind}_raised"] += 1
            if kind == "dialog":
                raised_dialog.append(text)
    print(f"{len(texts)} texts re-judged: " + ", ".join(f"{key} {value}" for key, value in sorted(counts.items())))
    if "--list" in sys.argv[1:]:
        print("\n".join(raised_dialog))


if __name__ == "__main__":
    main()
