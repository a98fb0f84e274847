"""Blaming wording: second-person absolutes, mind-reading and labels (dialogs/blame_lexicon.yaml).

Used by the interpreter to tag a free answer whose wording blames, so a check-in step can offer one gentle
impact-not-intent coaching prompt. Rules are structure read from data: a "you" subject, then within the same
clause and a few words an absolute, a mind-reading claim or a character label; plus fixed blame frames.

Valence, not exceptions: a clause whose sentiment is clearly positive is praise, not blame ("you always make me
laugh"). The sentiment comes from VADER (vaderSentiment: a 7,500-word human-rated valence lexicon with negation
and intensifier rules), so "you never make me smile" stays negative; `praise_valence` is chosen on the tuning
split and stored in the lexicon file with the figures that chose it.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant import paths
from assistant.safe_yaml import load_mapping

_LOGGER = logging.getLogger(__name__)

LEXICON = "blame_lexicon.yaml"


class BlameLexiconError(ValueError):
    """The lexicon file cannot be used (message names the file and field)."""


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class BlameCheck:
    """Decides whether a free answer's wording blames the partner; `explain` names the rule."""

    window: int
    contractions: dict[str, str]
    subjects: tuple[tuple[str, ...], ...]
    not_after: frozenset[str]
    clause_breaks: frozenset[str]
    markers: dict[str, tuple[tuple[str, ...], ...]]
    label_verbs: frozenset[str]
    traits: frozenset[str]
    frames: tuple[tuple[str, ...], ...]
    praise_valence: float = 1.01
    """A clause whose VADER compound valence is at least this is praise, never coached (1.01: rule off)."""

    @classmethod
    def load(cls, path: Path | None = None) -> BlameCheck:
        """Read the lexicon (default: dialogs/blame_lexicon.yaml); BlameLexiconError names file and field."""
        path = path or paths.dialogs_dir() / LEXICON
        data = load_mapping(path, BlameLexiconError, "the top level must be a mapping")

        def phrases(field: str, value: object = None) -> tuple[tuple[str, ...], ...]:
            items = data.get(field) if value is None else value
            if not isinstance(items, list) or not all(isinstance(i, str) and i.strip() for i in items):
                raise BlameLexiconError(f"{path}: {field}: must be a list of words or phrases")
            return tuple(_words(i.lower()) for i in items)

        markers = data.get("markers")
        window = data.get("window")
        contractions = data.get("contractions")
        if not isinstance(markers, dict) or not markers:
            raise BlameLexiconError(f"{path}: markers: must map a name to a list of phrases")
        if not isinstance(window, int) or not 1 <= window <= 10:
            raise BlameLexiconError(f"{path}: window: must be a whole number from 1 to 10")
        if not isinstance(contractions, dict) or not all(isinstance(v, str) for v in contractions.values()):
            raise BlameLexiconError(f"{path}: contractions: must map a word to its expansion")
        praise = data.get("praise_valence", 1.01)
        if isinstance(praise, bool) or not isinstance(praise, (int, float)) or not 0.0 < praise <= 1.01:
            raise BlameLexiconError(f"{path}: praise_valence: must be a number above 0 and at most 1")
        single = {name: frozenset(w for (w,) in phrases(name) if w) for name in
                  ("not_after", "clause_breaks", "label_verbs", "traits")}
        return cls(window, {str(k).lower(): v.lower() for k, v in contractions.items()}, phrases("subjects"),
                   single["not_after"], single["clause_breaks"],
                   {str(name): phrases(f"markers.{name}", value) for name, value in markers.items()},
                   single["label_verbs"], single["traits"], phrases("frames"), float(praise))

    def normalise(self, text: str) -> tuple[str, ...]:
        """Lower case, punctuation dropped (apostrophes kept), contractions expanded."""
        words = re.sub(r"[^a-z' ]+", " ", text.lower().replace("\u2019", "'")).split()
        return _words(" ".join(self.contractions.get(word, word) for word in words))

    def explain(self, text: str) -> str | None:
        """The rule that found blame ("absolute", "mind_reading", "label", "frame"), or None."""
        words = self.normalise(text)
        if any(_find(words, frame) >= 0 for frame in self.frames) and not self.praises(words):
            return "frame"
        for start in range(len(words)):
            length = self._subject_at(words, start)
            if length:
                found = self._after_subject(words[start + length:start + length + self.window])
                if found and not self.praises(self._clause(words, start, length)):
                    return found
        return None

    def praises(self, words: tuple[str, ...]) -> bool:
        """True when these words' valence is clearly positive (praise, not blame)."""
        return self.praise_valence <= 1.0 and valence(" ".join(words)) >= self.praise_valence

    def _clause(self, words: tuple[str, ...], start: int, length: int) -> tuple[str, ...]:
        end = start + length
        while end < len(words) and words[end] not in self.clause_breaks:
            end += 1
        return words[start:end]

    def blames(self, text: str) -> bool:
        """True when the wording blames (a "you" absolute, mind-reading, a label, or a blame frame)."""
        return self.explain(text) is not None

    def _subject_at(self, words: tuple[str, ...], start: int) -> int:
        if start > 0 and words[start - 1] in self.not_after:
            return 0
        return max((len(s) for s in self.subjects if words[start:start + len(s)] == s), default=0)

    def _after_subject(self, clause: tuple[str, ...]) -> str | None:
        for index, word in enumerate(clause):
            for name, phrases in self.markers.items():
                if any(clause[index:index + len(p)] == p for p in phrases):
                    return name
            if word in self.traits and any(w in self.label_verbs for w in clause[:index]):
                return "label"
            if word in self.clause_breaks:
                return None
        return None


@functools.cache
def _analyzer() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer  # loaded once, on first use (~50 ms)

    return SentimentIntensityAnalyzer()


def valence(text: str) -> float:
    """VADER's compound valence of `text`, from -1 (very negative) to 1 (very positive)."""
    return float(_analyzer().polarity_scores(text)["compound"])


def _find(words: tuple[str, ...], phrase: tuple[str, ...]) -> int:
    for start in range(len(words) - len(phrase) + 1):
        if words[start:start + len(phrase)] == phrase:
            return start
    return -1
