"""When the sentinel pass's phrase stands for a free utterance: the time-out and safety phrases decoded again from a
free answer count only if the utterance is about as long as the phrase, or somewhat longer and its free text shares
a content word with it (a long sentence forced into a short phrase is not it)."""

from __future__ import annotations

SHORT_SLACK_S, SHORT_S_PER_WORD = 0.3, 0.3
"""A free utterance this short (slack + per word) may be a sentinel phrase on the grammar's word alone."""
SENTINEL_SLACK_S, SENTINEL_S_PER_WORD = 1.0, 0.4
"""Longest free utterance a sentinel phrase may stand for, if the free text shares a content word."""
FUNCTION_WORDS = frozenset(["i", "i'm", "a", "an", "the", "to", "me", "my", "we", "you", "it", "of", "is", "am",
                            "and", "so"])
"""Words too common to count as agreement between the free text and a sentinel phrase. Hand-picked, and kept:
measured against the `stop-words` package's English list (1,333 words) on tuning voices and lines only
(scripts/free_lm_probe.py --stop-list), the standard list caught 44 of 131 spoken danger lines against 45 with
its negations ("not", "don't", from VADER's NEGATE) counted as content and 54 with this list, at the same 5 of
122 false stops: the standard list drops the pronouns, "want" and "going" that this rule's catches share (often
with another danger phrase than the one said: "he headbutted me" -> "he threatened me"). Held-out voices, measured
once after the choice: 7 of 40 caught / 2 of 40 false stops with this list, 4 / 1 with the standard one."""


def plausible(phrase: str, free_text: str, seconds: float, function_words: frozenset[str] = FUNCTION_WORDS) -> bool:
    """Whether `phrase` (the sentinel grammar's hypothesis) may stand for `seconds` of speech heard as
    `free_text`; `function_words` do not count as shared content."""
    words = len(phrase.split())
    if seconds <= SHORT_SLACK_S + SHORT_S_PER_WORD * words:
        return True
    shared = (set(phrase.split()) & set(free_text.split())) - function_words
    return bool(shared) and seconds <= SENTINEL_SLACK_S + SENTINEL_S_PER_WORD * words
