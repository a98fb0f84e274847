"""Offline, explainable danger detection: normalised text against the rules of the safety lexicon.

`DangerDetector.assess(text)` returns a Verdict: "danger" (stop and give the resources), "ambiguous" (ask one
calm question) or "none", with the category of the strongest rule that matched; `explain(text)` names the
rules. Nothing of the text is logged or kept.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant.danger.lexicon import (
    LEVELS,
    Lexicon,
    LexiconError,
    Rule,
    class_patterns,
    compile_pattern,
    compile_rules,
)
from assistant.danger.names import first_names
from assistant.danger.sources import lexicon_candidates
from assistant.danger.spelling import TypoMender

_LOGGER = logging.getLogger(__name__)

Level = Literal["none", "ambiguous", "danger"]
NEGATION_REACH = 4
"""A negator in the four words before a match, or in its first four ("my husband has never hit me"), cancels it."""
SCOPE_OPENERS = ("think", "believe", "suppose", "say", "saying", "mean", "claim", "claiming", "sure", "expect")
"""Negation reaches past a new subject only through these ("I don't think he hit me"); otherwise a negator in
an earlier clause ("when I said no he hit me") does not cancel a match that starts with its own subject."""
DETERMINERS = frozenset({"the", "a", "an", "this", "that", "my", "our", "his", "her", "their", "your", "some",
                         "any", "every", "each", "one"})
"""A word after one of these is a noun, not a name ("the van hit me" is not "Van hit me")."""
ANSWER_VERBS = ("say", "said", "says", "saying", "tell", "told", "tells", "telling", "shout", "shouted",
                "scream", "screamed", "yell", "yelled", "whisper", "whispered", "cry", "cried", "kept saying")
"""After one of these, "no" is an answer ("I said no"), not a negator."""
PERFECT_PARTICIPLES = frozenset({"got", "gotten", "been", "had"})
"""After these an expanded 's is "has" ("he's got" is "he has got")."""
NAME_LIKE = r"\b[A-Z][a-z]+\b(?!'(?:t|ve|ll|re|d|m)\b)"
"""A capitalised word, not the head of a contraction ("Wouldn't", "Don't" are not names)."""
SUBORDINATORS = ("when", "whenever", "while", "because", "after", "before", "until", "since", "then", "so")
"""A negator's scope ends at one of these: in "I couldn't breathe when he had his hands on my neck" the "not"
belongs to the first clause."""


@dataclass(frozen=True)
class Verdict:
    """What a statement signals."""

    level: Level
    """none | ambiguous (ask one calm question) | danger (stop, give the resources)."""
    category: str = ""
    """e.g. self_harm, suicide, partner_violence, sexual_violence, threat_to_other, fear_of_partner,
    coercive_control; never the text."""


@dataclass(frozen=True)
class Hit:
    """One rule that matched (for explanations and the bench; holds no text)."""

    rule_id: str
    category: str
    level: Level


class DangerDetector:
    """The lexicon's rules, compiled once (with the partners' names) and applied clause by clause."""

    def __init__(self, lexicon: Lexicon | None, partners: Sequence[str] = ()) -> None:
        self.lexicon = lexicon
        self.degraded = lexicon is None
        """True when no lexicon could be read: every statement is then answered "ambiguous"."""
        self._rules: tuple[Rule, ...] = compile_rules(lexicon, partners) if lexicon else ()
        classes = class_patterns(lexicon.classes, lexicon.source) if lexicon else {}
        self._known_words = lexicon.vocabulary if lexicon else frozenset()
        self._mender = _mender(lexicon) if lexicon else None
        self._idioms = tuple(compile_pattern(idiom, classes, f"{lexicon.source}: idioms")
                             for idiom in lexicon.idioms) if lexicon else ()
        subject = "(?:i|we|{agent})" if lexicon and "agent" in lexicon.classes else "(?:i|we)"
        self._subject = compile_pattern(subject, class_patterns(_with_partners(lexicon, partners), lexicon.source)
                                        if lexicon else {}, "subject", anchored=True) if lexicon else None

    @classmethod
    def load(cls, dialogs_dir: Path, partners: Sequence[str] = ()) -> DangerDetector:
        """The lexicon in `dialogs_dir`, else the packaged copy, else the checkout's; never raises."""
        from assistant.danger.lexicon import load_lexicon

        for candidate in lexicon_candidates(dialogs_dir):
            try:
                return cls(load_lexicon(candidate), partners)
            except (LexiconError, OSError) as exc:
                _LOGGER.error("safety lexicon unusable, trying the next copy: %s", exc)
            except Exception:  # noqa: BLE001 - the safety path must never fail
                _LOGGER.exception("safety lexicon %s failed to load", candidate)
        _LOGGER.error("no usable safety lexicon: every statement will get the calm safety question")
        return cls(None, partners)

    def assess(self, text: str) -> Verdict:
        """The verdict on one statement (typed or transcribed). Never raises."""
        try:
            if self.degraded:
                return Verdict("ambiguous", "unassessed") if text.strip() else Verdict("none")
            hits = self.explain(text)
        except Exception:  # noqa: BLE001 - an error must not silence a disclosure
            _LOGGER.exception("danger assessment failed; answering ambiguous")
            return Verdict("ambiguous", "unassessed")
        if not hits:
            return Verdict("none")
        best = max(hits, key=lambda hit: LEVELS.index(hit.level))
        return Verdict(best.level, best.category)

    def explain(self, text: str) -> list[Hit]:
        """Every rule that matched, in lexicon order (a danger rule downgraded by a hypothetical shows so)."""
        hits: list[Hit] = []
        if self.lexicon is None:
            return hits
        normalised = " / ".join(self.clauses(text))
        for rule in self._rules:
            level = self._match(rule, normalised)
            if level:
                hits.append(Hit(rule.spec.id, rule.spec.category, level))
        return hits

    def clauses(self, text: str) -> list[str]:
        """Lower case, contractions expanded, fillers dropped, split into clauses; idioms become breaks."""
        assert self.lexicon is not None
        lex = self.lexicon
        text = re.sub(r"\[unk\]|<unk>", " ", text, flags=re.IGNORECASE)  # a recogniser's unknown-word marker
        text = text.replace("\u2019", "'").replace("\u2018", "'")
        text = re.sub(NAME_LIKE, self._proper_noun, text)
        text = re.sub(r"[.!?;:,()\[\]\"\u2026\u2013\u2014]+|\s-+\s", " / ", text.lower())
        text = re.sub(r"[^a-z0-9'/ ]+", " ", text)
        words: list[str] = []
        for word in text.split():
            word = word.strip("'")
            if not word or word in lex.fillers:
                continue
            if self._mender is not None and word not in lex.contractions:
                word = self._mender.mend(word)  # a typed typo of a lexicon word ("slaped")
            if word == "ill" and lex.adjective_ill_after and (not words or words[-1] not in lex.adjective_ill_after):
                word = "i'll"
            elif word == "id" and (not words or words[-1] not in DETERMINERS):
                word = "i'd"  # typed without the apostrophe; "my id", "an id" stay the document
            words.extend(_expand(word, lex).split())
        words = self._names_as_people(_perfect_has(words))
        joined = " ".join("/" if word in lex.clause_breaks and not (index and words[index - 1] == "even") else word
                          for index, word in enumerate(words))  # "even though" subordinates: no break
        for idiom in self._idioms:
            joined = idiom.sub(" / ", joined)
        return [" ".join(part.split()) for part in joined.split("/") if part.strip()]

    def _names_as_people(self, words: list[str]) -> list[str]:
        """A common first name the lexicon does not use, not after a determiner ("the van"), is "someone"."""
        names = first_names()
        return ["someone" if word in names and word not in self._known_words
                and (index == 0 or words[index - 1] not in DETERMINERS) else word
                for index, word in enumerate(words)]

    def _proper_noun(self, found: re.Match[str]) -> str:
        """A capitalised word the lexicon does not know is most likely a name in typed text: "someone"."""
        word = found.group(0).lower()
        return found.group(0) if word in self._known_words else "someone"

    def _match(self, rule: Rule, text: str) -> Level | None:
        """The rule's level if one of its patterns matches `text` (clauses joined by " / ") and survives
        its exclusions, the negation window and the hypothetical check; else None."""
        assert self.lexicon is not None
        for pattern in rule.patterns:
            for found in pattern.finditer(text):
                before, after = text[:found.start()].rstrip(), text[found.end():].lstrip()
                last_word = found.group(0).split()[-1] if found.group(0).strip() else ""
                if rule.not_followed_by and (rule.not_followed_by.match(after)
                                             or rule.not_followed_by.match(f"{last_word} {after}".strip())):
                    continue
                if rule.not_preceded_by and rule.not_preceded_by.search(before):
                    continue
                inside = found.group(0).split()
                if rule.spec.negatable and self._negated(before.split("/")[-1].split(), found.group(0)):
                    continue
                if rule.spec.level == "danger" and self._hypothetical(before.split("/")[-1].split(), inside):
                    return "ambiguous"
                return "danger" if rule.spec.level == "danger" else "ambiguous"
        return None

    def _negated(self, before: list[str], matched: str) -> bool:
        """A negator in scope: in the match's first words, or in the words just before it when the match does
        not start a clause of its own (its own subject), or reaches it through "don't think"-like verbs."""
        assert self.lexicon is not None
        negators = self.lexicon.negators

        def negates(words: list[str], index: int) -> bool:
            return words[index] in negators and not (words[index] == "no" and index
                                                     and words[index - 1] in ANSWER_VERBS)

        inside = matched.split()[:NEGATION_REACH]
        if any(negates(inside, index) for index in range(len(inside))):
            return True
        window = before[-NEGATION_REACH:]
        breaks = [index for index, word in enumerate(window) if word in SUBORDINATORS]
        window = window[breaks[-1] + 1:] if breaks else window
        own_subject = self._subject is not None and self._subject.match(matched) is not None
        for index in range(len(window)):
            if negates(window, index) and (not own_subject
                                           or any(word in SCOPE_OPENERS for word in window[index + 1:])):
                return True
        return False

    def _hypothetical(self, before: list[str], inside: list[str]) -> bool:
        """An "if"-like marker just before the match or in its first words ("if he ever hit me": what would
        happen, not a disclosure), unless reported speech comes first ("he said if I left he'd kill me")."""
        assert self.lexicon is not None
        words = before + inside[:3]
        for index in range(max(0, len(before) - NEGATION_REACH), len(words)):
            if words[index] in self.lexicon.hypothetical:
                return not any(earlier in self.lexicon.reported_speech for earlier in words[:index])
        return False

    def spoken_phrases(self) -> tuple[str, ...]:
        """Short phrases (lower case, no digits) for speech-grammar passes."""
        if self.lexicon is None:
            return ()
        return tuple(dict.fromkeys(" ".join(self.clauses(phrase)) for phrase in self.lexicon.spoken))


def _mender(lexicon: Lexicon) -> TypoMender:
    """Typo mending toward every word of the lexicon's classes (verbs in every inflection)."""
    targets = {word for words in lexicon.classes.values() for item in words for word in item.split()}
    return TypoMender(targets, {*lexicon.vocabulary, *lexicon.contractions, *lexicon.fillers, *first_names()})


def _with_partners(lexicon: Lexicon, partners: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The lexicon's classes with the partners' names (lower case) in `person`."""
    classes = dict(lexicon.classes)
    classes["person"] = (*classes["person"], *(name.lower().strip() for name in partners if name.strip()))
    return classes


def _perfect_has(words: list[str]) -> list[str]:
    """An 's before a participle is "has", not "is": "he's got a temper", "she's been hitting me"."""
    return ["has" if word == "is" and index + 1 < len(words) and words[index + 1] in PERFECT_PARTICIPLES
            else word for index, word in enumerate(words)]


def _expand(word: str, lex: Lexicon) -> str:
    """Contractions (with or without the apostrophe) to full words; a possessive 's is dropped."""
    if word in lex.contractions:
        return lex.contractions[word]
    for ending, full in (("n't", " not"), ("'ll", " will"), ("'ve", " have"), ("'re", " are"), ("'m", " am"),
                         ("'d", " would")):
        if word.endswith(ending):
            return word[: -len(ending)] + full
    if word.endswith("'s"):
        return word[:-2]
    return word
