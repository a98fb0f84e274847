"""Blaming wording: second-person absolutes, mind-reading and labels (dialogs/blame_lexicon.yaml).

Used by the interpreter to tag a free answer whose wording blames, so a check-in step can offer one gentle
impact-not-intent coaching prompt. Rules are structure read from data: a "you" subject, then within the same
clause and a few words an absolute, a mind-reading claim or a character label; plus fixed blame frames.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from assistant import paths
from assistant.safe_yaml import YamlProblem, load_yaml

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

    @classmethod
    def load(cls, path: Path | None = None) -> BlameCheck:
        """Read the lexicon (default: dialogs/blame_lexicon.yaml); BlameLexiconError names file and field."""
        path = path or paths.dialogs_dir() / LEXICON
        try:
            data = load_yaml(path)
        except YamlProblem as exc:
            raise BlameLexiconError(str(exc)) from None
        if not isinstance(data, dict):
            raise BlameLexiconError(f"{path}: the top level must be a mapping")

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
        single = {name: frozenset(w for (w,) in phrases(name) if w) for name in
                  ("not_after", "clause_breaks", "label_verbs", "traits")}
        return cls(window, {str(k).lower(): v.lower() for k, v in contractions.items()}, phrases("subjects"),
                   single["not_after"], single["clause_breaks"],
                   {str(name): phrases(f"markers.{name}", value) for name, value in markers.items()},
                   single["label_verbs"], single["traits"], phrases("frames"))

    def normalise(self, text: str) -> tuple[str, ...]:
        """Lower case, punctuation dropped (apostrophes kept), contractions expanded."""
        words = re.sub(r"[^a-z' ]+", " ", text.lower().replace("\u2019", "'")).split()
        return _words(" ".join(self.contractions.get(word, word) for word in words))

    def explain(self, text: str) -> str | None:
        """The rule that found blame ("absolute", "mind_reading", "label", "frame"), or None."""
        words = self.normalise(text)
        if any(_find(words, frame) >= 0 for frame in self.frames):
            return "frame"
        for start in range(len(words)):
            length = self._subject_at(words, start)
            if length:
                found = self._after_subject(words[start + length:start + length + self.window])
                if found:
                    return found
        return None

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


def _find(words: tuple[str, ...], phrase: tuple[str, ...]) -> int:
    for start in range(len(words) - len(phrase) + 1):
        if words[start:start + len(phrase)] == phrase:
            return start
    return -1
