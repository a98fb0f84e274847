"""Map recognised text to command intents, from the vocabulary in dialogs/commands.yaml."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

from assistant import paths
from assistant.safe_yaml import load_mapping

_LOGGER = logging.getLogger(__name__)

COMMANDS_FILE = "commands.yaml"
CONTAINED_INTENTS = ("safety", "time_out")
"""Intents that also match inside longer speech, in priority order."""
ALWAYS_ON = frozenset({"safety"})
"""Intents matched even when `allowed` leaves them out: a safety disclosure is never ignored."""
FILLERS = frozenset({"please", "um", "umm", "uh", "uhh", "er", "erm", "hmm", "okay", "ok", "oh", "well", "so",
                     "like", "just", "[unk]", "unk"})
"""Words dropped before whole-utterance matching."""
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
_RATING = re.compile(r"^(?:(?:a|an|about|maybe|i'd say|i would say) )*(one|two|three|four|five|[1-5])"
                     r"(?: out of (?:five|5))?$")


class IntentError(ValueError):
    """The command vocabulary file cannot be used; the message names the file and field."""


SPELLINGS = {"timeout": "time out", "timeouts": "time outs", "checkin": "check in"}
"""One-word spellings recognisers and typists use for our two-word phrases."""


def normalise(text: str) -> str:
    """Lower case, punctuation (except apostrophes) to spaces, collapsed whitespace, SPELLINGS unified."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"[^\w'\[\] ]+", " ", text)
    return " ".join(SPELLINGS.get(word, word) for word in text.split())


def _strip_fillers(text: str) -> str:
    return " ".join(word for word in text.split() if word not in FILLERS)


def rating(text: str) -> int | None:
    """A 1-5 rating in `text` ("three", "3", "a four", "five out of five"), else None; the lead-ins combine
    ("maybe a one", "i'd say a four")."""
    found = _RATING.match(_strip_fillers(normalise(text)))
    return _NUMBERS[found.group(1)] if found else None


class IntentMatcher:
    """The command vocabulary: phrases for grammars and text-to-intent matching."""

    def __init__(self, intents: dict[str, list[str]], source: str = "<memory>") -> None:
        self.source = source
        self.intents: dict[str, tuple[str, ...]] = {name: tuple(normalise(p) for p in phrasings)
                                                    for name, phrasings in intents.items()}
        self._whole: dict[str, str] = {}
        for name, phrasings in self.intents.items():
            for phrasing in phrasings:
                key = _strip_fillers(phrasing)
                other = self._whole.setdefault(key, name)
                if other != name:
                    raise IntentError(f"{source}: intents.{name}: {phrasing!r} is also a phrasing of {other}")

    @classmethod
    def load(cls, path: Path | None = None) -> IntentMatcher:
        """Read `path` (default: dialogs/commands.yaml); IntentError names the file and field."""
        path = path or paths.dialogs_dir() / COMMANDS_FILE
        expected = "intents: missing; expected 'intents: {name: [phrasings...]}'"
        data = load_mapping(path, IntentError, expected)
        if not isinstance(data.get("intents"), dict):
            raise IntentError(f"{path}: {expected}")
        intents: dict[str, list[str]] = {}
        for name, phrasings in data["intents"].items():
            if not isinstance(name, str):
                raise IntentError(f"{path}: intents.{name}: the name must be a string (quote yes/no)")
            if not isinstance(phrasings, list) or not phrasings:
                raise IntentError(f"{path}: intents.{name}: expected a non-empty list of phrasings")
            for index, phrasing in enumerate(phrasings):
                if not isinstance(phrasing, (str, int)) or not normalise(str(phrasing)):
                    raise IntentError(f"{path}: intents.{name}[{index}]: expected a non-empty string")
            intents[name] = [str(p) for p in phrasings]
        return cls(intents, str(path))

    @property
    def names(self) -> list[str]:
        """All intent names."""
        return list(self.intents)

    def phrases_for(self, intents: Iterable[str] | None = None) -> list[str]:
        """Speakable phrasings (no digits) of `intents` (default: all), for a restricted grammar."""
        names = list(self.intents) if intents is None else list(intents)
        unknown = [name for name in names if name not in self.intents]
        if unknown:
            raise KeyError(f"unknown intents {unknown}; known: {sorted(self.intents)}")
        phrases: list[str] = []
        for name in names:
            for phrasing in self.intents[name]:
                if not re.search(r"\d", phrasing) and phrasing not in phrases:
                    phrases.append(phrasing)
        return phrases

    def match(self, text: str, allowed: set[str] | None = None) -> str | None:
        """The intent of `text`, or None: whole-utterance match; CONTAINED_INTENTS also match inside."""
        words = _strip_fillers(normalise(text))
        if not words:
            return None

        def usable(name: str) -> bool:
            return name in self.intents and (allowed is None or name in allowed or name in ALWAYS_ON)

        whole = self._whole.get(words)
        if whole == "safety" and usable(whole):
            return whole
        padded = f" {words} "
        for name in CONTAINED_INTENTS:
            if not usable(name):
                continue
            for phrasing in self.intents[name]:
                key = _strip_fillers(phrasing)
                if len(key.split()) >= 2 and f" {key} " in padded:
                    return name
        if whole is not None and usable(whole):
            return whole
        if usable("rating") and rating(words) is not None:
            return "rating"
        return None
