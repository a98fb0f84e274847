"""Commands worded otherwise than listed: a phrasing of commands.yaml said with other words around it.

The rule (dialogs/paraphrases.yaml holds its words): an intent is meant when one of its phrasings appears in the
transcript in order, word by word as its Snowball stem or a word of the same synonym class, at most MAX_GAP words
apart, and every other word is a function word, a word of that intent's own phrasings or part of a duration
("for a minute"). Anything else (a noun, a verb of its own) means the sentence is about something else: "stop by
the shop" is not stop. A negator outside the intent's own phrasings stops it ("don't stop", "no need for a
break"); time out keeps the noun-phrase rule of `command_phrase` ("time out for the kids"). Two intents matched
by phrasings of the same length is no match (asked again). Safety is never decided here (the DangerCheck does).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import snowballstemmer

from assistant import paths
from assistant.command_phrase import DURATION, stands_in_sentence
from assistant.intents import ALWAYS_ON, CONTAINED_INTENTS, FILLERS, IntentError, normalise
from assistant.safe_yaml import load_mapping

PARAPHRASES_FILE = "paraphrases.yaml"
MAX_GAP = 2
"""Most words allowed between two consecutive words of a phrasing."""
NEVER_PARAPHRASED = frozenset({*ALWAYS_ON, "rating"})
"""Safety is the DangerCheck's; a rating has its own parser (intents.rating)."""
_CONTRACTIONS = ((re.compile(r"\bcan't\b"), "can not"), (re.compile(r"\bwon't\b"), "will not"),
                 (re.compile(r"n't\b"), " not"), (re.compile(r"'re\b"), " are"), (re.compile(r"'m\b"), " am"),
                 (re.compile(r"'ll\b"), " will"), (re.compile(r"'d\b"), " would"), (re.compile(r"'ve\b"), " have"),
                 (re.compile(r"'s\b"), ""))
"""English contractions split into words ('s dropped: "let's", "that's", "it's" keep their first word)."""
_DURATIONS = re.compile(r"\b" + DURATION.pattern.lstrip("^"))
_STEMMER = snowballstemmer.stemmer("english")


@dataclass(frozen=True)
class Wording:
    """The words of dialogs/paraphrases.yaml: function words, negators and synonym classes."""

    function_words: frozenset[str]
    negators: frozenset[str]
    synonyms: Mapping[str, str]
    """A word's stem -> the stem of its class's first word."""

    @classmethod
    def load(cls, path: Path | None = None) -> Wording:
        """Read `path` (default: dialogs/paraphrases.yaml); IntentError names the file and field."""
        path = path or paths.dialogs_dir() / PARAPHRASES_FILE
        data = load_mapping(path, IntentError, "expected function_words, negators and synonyms")
        lists = {key: _words(path, key, data.get(key)) for key in ("function_words", "negators")}
        classes = data.get("synonyms") or []
        if not isinstance(classes, list):
            raise IntentError(f"{path}: synonyms: expected a list of word lists, e.g. [[break, pause]]")
        synonyms: dict[str, str] = {}
        for index, group in enumerate(classes):
            words = [_stem(w) for w in _words(path, f"synonyms[{index}]", group)]
            synonyms.update({word: words[0] for word in words})
        both = set(lists["function_words"]) & set(lists["negators"])
        if both:
            raise IntentError(f"{path}: negators: {sorted(both)} also in function_words; keep each in one list")
        return cls(frozenset(lists["function_words"]), frozenset(lists["negators"]), synonyms)

    def tokens(self, text: str) -> list[tuple[str, str]]:
        """(word, canonical form) of `text`: normalised, fillers and durations dropped, contractions split;
        the canonical form of a content word is its stem mapped through the synonym classes."""
        text = _DURATIONS.sub(" ", normalise(text))
        for pattern, replacement in _CONTRACTIONS:
            text = pattern.sub(replacement, text)
        return [(word, self._canonical(word)) for word in text.split() if word not in FILLERS]

    def _canonical(self, word: str) -> str:
        if word in self.function_words or word in self.negators:
            return word
        stem = _stem(word)
        return self.synonyms.get(stem, stem)


@lru_cache(maxsize=8)
def wording(directory: Path) -> Wording | None:
    """The wording of a dialogs folder (None when it has no paraphrases.yaml: listed phrasings only)."""
    path = directory / PARAPHRASES_FILE
    return Wording.load(path) if path.is_file() else None


class Paraphrases:
    """Matches transcripts to intents by the rule above, over `intents`' phrasings."""

    def __init__(self, intents: Mapping[str, Sequence[str]], words: Wording) -> None:
        self.words = words
        self._phrasings = [(name, tuple(c for _, c in words.tokens(p))) for name, phrasings in intents.items()
                           if name not in NEVER_PARAPHRASED for p in phrasings]
        self._phrasings = [(name, p) for name, p in self._phrasings if p]
        self._own: dict[str, frozenset[str]] = {}
        for name, phrasing in self._phrasings:
            self._own[name] = self._own.get(name, frozenset()) | frozenset(phrasing)

    def match(self, text: str, allowed: Collection[str] | None = None) -> str | None:
        """The one intent (of `allowed`, default all) `text` paraphrases, else None."""
        best = self._matches(text, allowed)
        longest = max(best.values(), default=0)
        found = [name for name, size in best.items() if size == longest]
        return found[0] if len(found) == 1 else None

    def worded(self, text: str) -> bool:
        """True when `text` paraphrases at least one phrasing (which one may be ambiguous)."""
        return bool(self._matches(text, None))

    def _matches(self, text: str, allowed: Collection[str] | None) -> dict[str, int]:
        """Intent -> the length of its longest phrasing `text` paraphrases."""
        tokens = self.words.tokens(text)
        canon = [c for _, c in tokens]
        best: dict[str, int] = {}
        for name, phrasing in self._phrasings:
            if (allowed is not None and name not in allowed) or len(phrasing) <= best.get(name, 0):
                continue
            for span in _embeddings(phrasing, canon):
                if self._fits(name, canon, span) and (name not in CONTAINED_INTENTS or stands_in_sentence(
                        [w for w, _ in tokens[:span[0]]], " ".join(w for w, _ in tokens[span[-1] + 1:]))):
                    best[name] = len(phrasing)
                    break
        return best

    def _fits(self, name: str, canon: list[str], span: tuple[int, ...]) -> bool:
        """Every word outside `span` is a function word (not a negator) or one of the intent's own words."""
        chosen = set(span)
        return all(word in self._own[name] or (word in self.words.function_words)
                   for index, word in enumerate(canon) if index not in chosen)


def _embeddings(phrasing: tuple[str, ...], canon: list[str]) -> list[tuple[int, ...]]:
    """Positions of `phrasing`'s words in `canon`, in order, at most MAX_GAP words between consecutive ones."""
    found: list[tuple[int, ...]] = []

    def extend(prefix: tuple[int, ...]) -> None:
        if len(prefix) == len(phrasing):
            found.append(prefix)
            return
        start = prefix[-1] + 1 if prefix else 0
        stop = min(len(canon), start + MAX_GAP + 1) if prefix else len(canon)
        for index in range(start, stop):
            if canon[index] == phrasing[len(prefix)]:
                extend((*prefix, index))

    extend(())
    return found


def _stem(word: str) -> str:
    return str(_STEMMER.stemWord(word))


def _words(path: Path, key: str, value: object) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(w, str) and w.strip() for w in value):
        raise IntentError(f"{path}: {key}: expected a non-empty list of words")
    return [normalise(w) for w in value]
