"""Early endpointing on a complete hypothesis: in a closed step the listen may end before the full hang-over.

The field's rule (end-of-query detection on a grammar): when the recogniser's best hypothesis so far is a
whole listed phrase, and no longer listed phrase that begins with it means something else, a short pause is
enough to end the utterance: whatever listed words could still follow, the meaning is the same ("yes" /
"yes please"; "i don't feel safe" / "i don't feel safe at home"). Anything else (garbage words, half a phrase,
"time" of "time out", "help" of "help line", a phrase of unknown meaning, free text) waits for the full
hang-over. The pause this rule needs is a threshold of the endpointer (`early_hangover_ms`), chosen on the
hearing corpus's tuning split (scripts/bench_early_end.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

from assistant.intents import IntentMatcher, normalise

IntentOf = Callable[[str], "str | None"]


def words_of(hypothesis: str) -> str:
    """The hypothesis as normalised words, without engine markers ("<sil>", "[unk]", "[noise]")."""
    return normalise(" ".join(w for w in hypothesis.split() if not w.startswith(("<", "["))))


@lru_cache(maxsize=1)
def listed_intents() -> IntentOf:
    """The intent dialogs/commands.yaml gives a whole phrase (None: not a listed phrasing)."""
    matcher = IntentMatcher.load()
    return lambda phrase: matcher.match(phrase)


class CompletePhrase:
    """Tells whether a hypothesis is a complete phrase of a closed step's grammar."""

    def __init__(self, phrases: Sequence[str], intent_of: IntentOf | None = None) -> None:
        intent_of = intent_of or (lambda phrase: None)
        self.phrases = frozenset(words_of(p) for p in phrases if words_of(p))
        self.open_prefixes = frozenset(
            prefix for p in self.phrases for n in range(1, len(p.split()))
            if (prefix := " ".join(p.split()[:n])) not in self.phrases
            or intent_of(prefix) is None or intent_of(prefix) != intent_of(p))
        """Proper word prefixes of listed phrases whose continuation may change the meaning ("time" of
        "time out", "help" of "help line"), and any prefix of unknown meaning."""

    def complete(self, hypothesis: str) -> bool:
        """True when `hypothesis` is exactly a listed phrase that no longer listed phrase of another meaning
        begins with."""
        said = words_of(hypothesis)
        return said in self.phrases and said not in self.open_prefixes
