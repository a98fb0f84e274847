"""Is a command phrase found inside longer speech said *as a command*, or used as a noun phrase?

"Time out for the kids", "we had a time out at the zoo", "I need a break from work": the words of a command
are there, but they are the subject or object of a longer sentence, not a request to the assistant. The rule is
grammatical, not a list of sentences: inside a longer utterance a command phrase counts only when

- nothing ties it to a noun phrase on its left: it does not follow a determiner, possessive or preposition
  ("*the* time out", "*during* time out", "*our* break"); and
- it closes its clause on the right: the utterance or a punctuated clause ends there, a new clause starts
  (a conjunction or a subject: "time out, *I* can't do this", "take a break *and* come back"), or only
  politeness, "now", or a duration follows ("time out *please*", "take a break *for ten minutes*").

A phrase that is the whole utterance is always a command (the matcher's whole-utterance match).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.intents import FILLERS, normalise

_CLAUSE_BREAK = re.compile(r"[.,;:!?\u2026\u2013\u2014()]+|\s-+\s")
NOUN_PHRASE_LEFT = frozenset({
    "the", "this", "that", "these", "those", "my", "our", "your", "his", "her", "their", "its", "every", "each",
    "last", "next", "another", "any", "some", "no", "of", "during", "after", "before", "about", "since", "from",
    "on", "in", "at", "with", "without", "for", "into", "until", "till", "kids'", "kid's", "children's"})
"""Determiners, possessives and prepositions: a command phrase right after one is a noun ("the time out")."""
CLAUSE_OPENERS = frozenset({
    "and", "but", "so", "because", "cause", "cos", "then", "or", "i", "i'm", "im", "we", "we're", "let's",
    "lets", "you", "you're", "please", "now", "okay", "ok", "right", "thanks", "thank", "seriously", "honestly"})
"""Conjunctions, subjects, politeness and "now": after the phrase, a new clause (or nothing of the phrase's own)."""
_DURATION = re.compile(
    r"^(?:for|in) (?:a|an|one|two|three|four|five|ten|fifteen|twenty|thirty|half|few|couple|some|\d+)"
    r"(?: (?:of|an|a|few|couple|more))* (?:minute|minutes|min|mins|moment|moments|bit|while|second|seconds|sec"
    r"|hour|hours)\b")
"""A duration right after the phrase belongs to the command ("take a break for twenty minutes")."""


def stands_as_command(text: str, phrasings: Iterable[str]) -> bool:
    """True when one of `phrasings` (normalised) occurs in `text` as a command, not inside a noun phrase."""
    clauses = [_words(part) for part in _CLAUSE_BREAK.split(text)]
    for phrasing in {_words(p) for p in phrasings} - {""}:
        for clause in clauses:
            padded = f" {clause} "
            start = padded.find(f" {phrasing} ")
            while start >= 0:
                before = padded[:start].split()
                after = padded[start + len(phrasing) + 2:].strip()
                if _free_on_the_left(before) and _closed_on_the_right(after):
                    return True
                start = padded.find(f" {phrasing} ", start + 1)
    return False


def _words(text: str) -> str:
    """Normalised, fillers ("please", "um", "okay") dropped, as the matcher compares them."""
    return " ".join(word for word in normalise(text).split() if word not in FILLERS)


def _free_on_the_left(before: list[str]) -> bool:
    return not before or before[-1] not in NOUN_PHRASE_LEFT


def _closed_on_the_right(after: str) -> bool:
    if not after:
        return True
    first = after.split()[0]
    return first in CLAUSE_OPENERS or _DURATION.match(after) is not None
