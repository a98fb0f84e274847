"""Typed typos near the lexicon's own words ("he slaped me", "my husbnd", "punshed") mended before the rules run.

A typed word is replaced by a lexicon word only when all of these hold, so an English word is never changed
into a danger word ("kiss" stays "kiss"; "hunt" stays "hunt"):

- it is not an English word: the English word-frequency list shipped by `pyspellchecker` (MIT; built from
  OpenSubtitles and other public text), which is the field's standard small offline list;
- it is not a word of the lexicon, a contraction, a filler or a common first name;
- it has at least `MIN_LENGTH` letters (short words have too many neighbours);
- exactly one lexicon word is one edit away (insert, delete, substitute or swap two neighbours); when several
  are, the one a single dropped letter explains, if it is the only such ("chokd" is "choked", not "choke").

Only the English words one edit from a lexicon word are kept after loading (a few thousand), so the 160,000-word
list costs memory only while the detector compiles (on its background thread). Without the package nothing is
mended: detection then works as before.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections.abc import Iterable
from importlib import resources

_LOGGER = logging.getLogger(__name__)

MIN_LENGTH = 4
_KEY = re.compile(r'"([^"\\]*)":')
"""A key of the word list's one JSON object (the list has no escapes; with any, the JSON parser reads it)."""
"""Shorter words are never mended ("hti" could be "hit", "hot" or "his")."""


def _deletes(word: str) -> set[str]:
    return {word[:index] + word[index + 1:] for index in range(len(word))}


def _one_edit(word: str, other: str) -> bool:
    """True when `other` is exactly one insert, delete, substitution or neighbour swap away from `word`."""
    if word == other or abs(len(word) - len(other)) > 1:
        return False
    if len(word) == len(other):
        diffs = [index for index, (a, b) in enumerate(zip(word, other, strict=True)) if a != b]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                   and word[diffs[0]] == other[diffs[1]] and word[diffs[1]] == other[diffs[0]])
    shorter, longer = sorted((word, other), key=len)
    return any(longer[:index] + longer[index + 1:] == shorter for index in range(len(longer)))


def english_words() -> Iterable[str]:
    """Every word of pyspellchecker's English list; empty when the package is unavailable.

    Read by a scan that lets other threads run between words: `json.load` held the interpreter lock for the
    whole 2.8 MB (0.1 s on a quiet machine, 0.8 s loaded), on the detector's background thread, long enough
    to starve the speaker's audio callback (underruns at start-up).
    """
    try:
        path = resources.files("spellchecker").joinpath("resources", "en.json.gz")
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
        return list(json.loads(text)) if "\\" in text else [match.group(1) for match in _KEY.finditer(text)]
    except (ImportError, OSError, ValueError) as exc:
        _LOGGER.warning("English word list unavailable (%s): typed typos will not be mended", exc)
        return []


class TypoMender:
    """Mends a typed word to the one lexicon word it is a typo of (see the module docstring)."""

    def __init__(self, targets: Iterable[str], keep: Iterable[str], english: Iterable[str] | None = None) -> None:
        self._targets = frozenset(word for word in targets if len(word) >= MIN_LENGTH and word.isalpha())
        self._index: dict[str, set[str]] = {}
        for target in self._targets:
            for key in {target, *_deletes(target)}:
                self._index.setdefault(key, set()).add(target)
        english = list(english_words() if english is None else english)
        self.active = bool(english)
        """False without an English word list: then nothing is mended (a real word could be changed)."""
        keys = self._index.keys()
        near = {word for word in english if len(word) >= MIN_LENGTH and word not in self._targets
                and (word in keys or any(word[:at] + word[at + 1:] in keys for at in range(len(word))))}
        # (a short-circuiting scan, not a set of deletes per word: the same set at about half the cost)
        self._keep = frozenset(near) | frozenset(keep)
        """Real words one edit from a target, and the lexicon's own words: never mended."""

    def mend(self, word: str) -> str:
        """`word`, or the single lexicon word it is one typo away from."""
        if (not self.active or len(word) < MIN_LENGTH or word in self._targets or word in self._keep
                or not word.isalpha()):
            return word
        found = {target for key in (word, *_deletes(word)) for target in self._index.get(key, ())
                 if _one_edit(word, target)}
        if len(found) > 1:  # "chokd": choke or choked; a dropped letter is the commonest slip
            found = {target for target in found if len(target) == len(word) + 1}
        return found.pop() if len(found) == 1 else word
