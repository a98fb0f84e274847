"""The hearing corpus: items from tests/corpus/hearing.yaml, voices and conditions, split tuning/held-out.

An item is what is said and what it should mean in one listening kind; a sample is an item in one voice,
rate and acoustic condition. Sampling is deterministic by seed, so the same split gives the same audio.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.intents import IntentMatcher

_LOGGER = logging.getLogger(__name__)

CORPUS_FILE = Path(__file__).resolve().parents[2] / "tests" / "corpus" / "hearing.yaml"
SPLITS = ("tuning", "held_out")
KINDS = ("command", "yes_no", "rating", "choice", "ready", "free", "barge_in")
"""Listening kinds, each with its own acceptance threshold."""
KIND_TARGETS: dict[str, tuple[str, ...]] = {
    "command": ("time_out", "repeat", "skip", "back", "help", "stop"),
    "yes_no": ("yes", "no"), "rating": ("rating",), "choice": ("keep", "change"),
    "ready": ("ready", "more_time"), "free": ("time_out", "safety"), "barge_in": ("time_out", "stop"),
}
"""Intents a kind's positive items carry."""
BARGE_IN_SNR_DB = 0.0
"""Partner's speech level relative to the assistant's voice in barge-in samples."""
CHOICE_OPTIONS = {"keep": ("keep", "keep them", "they are fair", "still fair"),
                  "change": ("change", "change them", "not fair")}
"""The boundary-review choice (dialogs/checkin.yaml) used as the choice kind's grammar."""


@dataclass(frozen=True)
class Item:
    """Something a partner says, and what it should mean."""

    text: str
    kind: str
    """Listening kind it is said in (one of KINDS)."""
    expected: str | None
    """Intent it means; None for an ordinary sentence or a free answer that must not trigger anything."""
    source: str
    """"listed" (a commands.yaml phrasing), "paraphrase", "rating", "ordinary", "free" or "sentinel"."""
    rating: int | None = None


@dataclass(frozen=True)
class Condition:
    """How an item is heard: voice, rate and acoustic condition."""

    voice: str
    rate: int
    noise: str
    """"clean", "pink", "babble" or "tv"."""
    snr_db: float | None
    reverb: bool = False

    @property
    def label(self) -> str:
        """Short description for tables."""
        noise = "clean" if self.noise == "clean" else f"{self.noise}@{self.snr_db:g}dB"
        return f"{self.voice} {self.rate}wpm {noise}{' reverb' if self.reverb else ''}"


@dataclass(frozen=True)
class Sample:
    """One item in one condition."""

    item: Item
    condition: Condition
    seed: int


def load_spec(path: Path = CORPUS_FILE) -> dict[str, Any]:
    """The corpus file as data; ValueError names the file on a malformed one."""
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read the hearing corpus: {exc}") from exc
    for key in ("voices", "paraphrases", "ratings", "ordinary", "free_answers", "sentinel_inserts"):
        if key not in spec:
            raise ValueError(f"{path}: missing section {key!r}")
    return dict(spec)


def voices(spec: dict[str, Any], split: str) -> list[str]:
    """espeak-ng voice names (accent+variant) of one half of the split."""
    table = spec["voices"]
    return [f"{accent}+{variant}" for accent in table[f"{split}_accents"] for variant in table[f"{split}_variants"]]


def items(spec: dict[str, Any], split: str, matcher: IntentMatcher | None = None) -> list[Item]:
    """Every item of one half: listed phrasings (both halves), paraphrases, ratings, ordinary, free answers."""
    matcher = matcher or IntentMatcher.load()
    found: list[Item] = []
    for kind in KINDS:
        if kind == "free":
            continue
        for intent in KIND_TARGETS[kind]:
            listed = CHOICE_OPTIONS.get(intent) or (matcher.intents.get(intent, ()) if intent != "rating" else ())
            said = [p for p in listed if not any(ch.isdigit() for ch in p)]
            found += [Item(p, kind, intent, "listed") for p in _half(said, split)]
            found += [Item(p, kind, intent, "paraphrase") for p in spec["paraphrases"].get(intent, {}).get(split, [])]
        found += [Item(s, kind, None, "ordinary") for s in spec["ordinary"][split]]
    for rated in spec["ratings"][split]:
        found.append(Item(str(rated["text"]), "rating", "rating", "rating", int(rated["value"])))
    answers, inserts = spec["free_answers"][split], spec["sentinel_inserts"][split]
    found += [Item(a, "free", None, "free") for a in answers]
    found += [Item(s, "free", None, "ordinary") for s in spec["ordinary"][split]]
    for index, answer in enumerate(answers):
        for offset, (insert, meant) in enumerate(inserts.items()):
            spoken = f"{answer} {insert}" if (index + offset) % 2 else f"{insert} {answer}"
            found.append(Item(spoken, "free", str(meant), "sentinel"))
    return found


def _half(listed: list[str] | tuple[str, ...], split: str) -> list[str]:
    """Listed phrasings alternate between halves, so the held-out half also reports listed wordings."""
    return [p for i, p in enumerate(listed) if (i % 2 == 0) == (split == "tuning")] or list(listed[:1])


def conditions(spec: dict[str, Any], split: str, count: int, seed: int) -> list[Condition]:
    """`count` conditions drawn evenly: a third clean, the rest noise types x SNRs, some reverberant."""
    rng = random.Random(f"{seed}:{split}:conditions")
    table, noisy = spec["voices"], spec.get("conditions", {})
    noises, snrs = noisy.get("noises", ["pink"]), noisy.get("snr_db", [10])
    cells = [("clean", None)] * len(noises) + [(n, float(s)) for n in noises for s in snrs]
    names, rates = voices(spec, split), table["rates"]
    chosen = []
    for index in range(count):
        noise, snr = cells[index % len(cells)]
        reverb = rng.random() < float(noisy.get("reverb_share", 0.0))
        chosen.append(Condition(names[rng.randrange(len(names))], rates[rng.randrange(len(rates))], noise, snr,
                                reverb))
    rng.shuffle(chosen)
    return chosen


def samples(split: str, per_item: int = 1, kinds: tuple[str, ...] = KINDS, spec: dict[str, Any] | None = None,
            seed: int | None = None) -> list[Sample]:
    """Each item of `kinds` in `per_item` conditions of the same half of the split."""
    spec = spec or load_spec()
    seed = int(spec.get("seed", 0)) if seed is None else seed
    chosen = [item for item in items(spec, split) if item.kind in kinds]
    drawn = conditions(spec, split, len(chosen) * per_item, seed)
    return [Sample(item, _for_kind(item, drawn[i * per_item + k]), seed * 100003 + i * per_item + k)
            for i, item in enumerate(chosen) for k in range(per_item)]


def _for_kind(item: Item, condition: Condition) -> Condition:
    """Barge-in is heard over the assistant's own voice at equal level (0 dB), as an echo would be."""
    if item.kind != "barge_in":
        return condition
    return Condition(condition.voice, condition.rate, "assistant", BARGE_IN_SNR_DB, condition.reverb)
