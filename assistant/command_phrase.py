"""Is a command phrase found inside longer speech said *as a command*, or used as a noun phrase?

"Time out for the kids", "we had a time out at the zoo", "I need a break from work": the words of a command
are there, but they are the subject or object of a longer sentence, not a request to the assistant. The rule is
grammatical, not a list of sentences: inside a longer utterance a command phrase counts only when

- nothing ties it to a noun phrase on its left: it does not follow a determiner, possessive or preposition
  ("*the* time out", "*during* time out", "*our* break"); and
- nothing ties it to the rest of the sentence on the right: it is not followed by a preposition that takes it as
  a noun ("time out *for the kids*", "a break *from* work") or by a verb it is the subject of ("time out *is*
  hard"). A duration is the exception ("take a break *for ten minutes*").

Only positive evidence of a noun phrase rejects: in a heated moment, unpunctuated speech ("time out this is too
much") must still be a time out, so anything else after the phrase leaves it a command.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.intents import FILLERS, normalise

_CLAUSE_BREAK = re.compile(r"[.,;:!?\u2026\u2013\u2014()]+|\s-+\s")
NOUN_PHRASE_LEFT = frozenset({
    "the", "this", "that", "these", "those", "my", "our", "your", "his", "her", "their", "its", "every", "each",
    "last", "next", "another", "any", "some", "no", "of", "during", "after", "before", "about", "since", "from",
    "on", "in", "at", "with", "without", "for", "into", "until", "till"})
"""Determiners, possessives and prepositions: a command phrase right after one is a noun ("the time out")."""
ATTACHES_ON_THE_RIGHT = frozenset({
    "for", "of", "at", "in", "on", "with", "from", "about", "during", "after", "before", "since", "until", "till",
    "by", "to", "is", "was", "has", "had", "were", "are", "went", "felt", "seems", "seemed", "helped",
    "worked", "did", "does"})
"""Prepositions and verbs of which the phrase is the subject: after the phrase, they make it a noun."""
DURATION = re.compile(
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
                if stands_in_sentence(before, after):
                    return True
                start = padded.find(f" {phrasing} ", start + 1)
    return False


def stands_in_sentence(before: list[str], after: str) -> bool:
    """True when a command phrase with words `before` it and text `after` it is not tied into a noun phrase."""
    return _free_on_the_left(before) and _closed_on_the_right(after)


def _words(text: str) -> str:
    """Normalised, fillers ("please", "um", "okay") dropped, as the matcher compares them."""
    return " ".join(word for word in normalise(text).split() if word not in FILLERS)


def _free_on_the_left(before: list[str]) -> bool:
    if not before:
        return True
    last = before[-1]
    return last not in NOUN_PHRASE_LEFT and not last.endswith(("'s", "s'"))  # "the kids' time out"


def _closed_on_the_right(after: str) -> bool:
    if not after or DURATION.match(after) is not None:
        return True
    return after.split()[0] not in ATTACHES_ON_THE_RIGHT
