"""The garbage-loop rule (main's decision rule): a command grammar with a word loop beside the phrases.

An utterance whose best path is a phrase counts as that phrase (IN_GRAMMAR), one that the garbage loop
explains better does not (GARBAGE); free text is kept (FREE). The values only say which path won; the
acceptance thresholds (assistant/acceptance.json) sit between them. A sentinel phrase found in free speech
counts only when the utterance is about as long as the phrase (`plausible_sentinel`).
"""

from __future__ import annotations

from collections.abc import Callable

GARBAGE_WORDS = ("what", "it", "is", "of", "oven", "take", "out", "store", "today", "later", "dinner",
                 "think", "did", "call", "mother")
"""The garbage loop, unchanged from main's engine (chosen there on espeak en-us speech; issue 11 asks for it
to go: the phone-loop score that would replace it did not calibrate stably, README "Hearing figures")."""
IN_GRAMMAR, GARBAGE, FREE = 0.9, 0.2, 0.5
"""Scores by the path that won (main's values)."""
SHORT_SLACK_S, SHORT_S_PER_WORD = 0.3, 0.3
"""A free utterance this short (slack + per word) may be a sentinel phrase on the grammar's word alone."""
SENTINEL_SLACK_S, SENTINEL_S_PER_WORD = 1.0, 0.4
"""Longest free utterance a sentinel phrase may stand for, if the free text shares a content word."""
FUNCTION_WORDS = frozenset(["i", "i'm", "a", "an", "the", "to", "me", "my", "we", "you", "it", "of", "is", "am",
                            "and", "so"])
"""Words too common to count as agreement between the free text and a sentinel phrase."""


def jsgf(phrases: tuple[str, ...], garbage: list[str], token: Callable[[str], str]) -> str:
    """A JSGF grammar of `phrases` or one or more `garbage` words."""
    commands = " | ".join("(" + " ".join(token(w) for w in p.split()) + ")" for p in phrases)
    loop = " | ".join(token(w) for w in garbage)
    return (f"#JSGF V1.0;\ngrammar commands;\npublic <utt> = <cmd> | <garb>;\n"
            f"<cmd> = {commands};\n<garb> = ({loop})+;\n")


def score(text: str, phrases: frozenset[str] | None) -> float:
    """The score of a hypothesis: which path won (None phrases: free text)."""
    if not text:
        return 0.0
    if phrases is None:
        return FREE
    return IN_GRAMMAR if text in phrases else GARBAGE


def plausible_sentinel(phrase: str, free_text: str, seconds: float) -> bool:
    """The sentinel grammar's `phrase` plausibly is what a free utterance of `seconds` of speech said:
    about as long as the phrase, or somewhat longer and sharing a content word with the free text."""
    words = len(phrase.split())
    if seconds <= SHORT_SLACK_S + SHORT_S_PER_WORD * words:
        return True
    shared = (set(phrase.split()) & set(free_text.split())) - FUNCTION_WORDS
    return bool(shared) and seconds <= SENTINEL_SLACK_S + SENTINEL_S_PER_WORD * words
