"""The safety lexicon (dialogs/safety_lexicon.yaml): word classes, inflected verb classes and rules.

A rule is a few regular-expression patterns over normalised text in which `{class}` stands for any word of a
class (verbs in every inflection), ` ~ ` for a gap of up to three words and `{end}` for the end of a phrase
(a clause end or a word of the `phrase_end` class: "hit her" but not "hit her car"). `load_lexicon` validates
the file and raises LexiconError naming the file and field; `compile_rules` builds the regular expressions,
with the partners' names added to the `person` class.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

LEXICON_FILE = "safety_lexicon.yaml"
LEVELS = ("none", "ambiguous", "danger")
GAP = r"(?:(?:[^ /]+ ){0,3}|(?:[^ /]+ ){1,6}and )"
"""What " ~ " stands for: up to three words, or a coordinated verb phrase sharing the subject ("he reads my
texts and hits me")."""
_MACRO = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_REQUIRED_CLASSES = ("person", "phrase_end")


class LexiconError(ValueError):
    """The lexicon cannot be used; the message names the file and field."""


@dataclass(frozen=True)
class RuleSpec:
    """One rule as written in the lexicon."""

    id: str
    category: str
    level: str
    patterns: tuple[str, ...]
    not_followed_by: tuple[str, ...] = ()
    """Readings that continue the matched words into something harmless ("pushed me to apply")."""
    not_preceded_by: tuple[str, ...] = ()
    """Readings that begin before the matched words ("what if he hit me")."""
    negatable: bool = True
    """A negator (not, never, no...) in the few words before the match cancels it."""


@dataclass(frozen=True)
class Rule:
    """A compiled rule."""

    spec: RuleSpec
    patterns: tuple[re.Pattern[str], ...]
    not_followed_by: re.Pattern[str] | None
    not_preceded_by: re.Pattern[str] | None


@dataclass(frozen=True)
class Lexicon:
    """Everything the detector needs, as read from the file."""

    source: str
    contractions: Mapping[str, str]
    fillers: frozenset[str]
    adjective_ill_after: frozenset[str]
    """Words after which "ill" is the adjective ("I feel ill"); elsewhere a transcript's "ill" is "I'll"."""
    clause_breaks: frozenset[str]
    negators: frozenset[str]
    hypothetical: frozenset[str]
    reported_speech: frozenset[str]
    classes: Mapping[str, tuple[str, ...]]
    idioms: tuple[str, ...]
    rules: tuple[RuleSpec, ...]
    spoken: tuple[str, ...]
    vocabulary: frozenset[str] = frozenset()
    """Every word the file mentions: a capitalised word outside it is read as a name."""


def inflections(lemma: str, irregular: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    """Every form of a verb: base, third person, past, participle, -ing. A `+` marks the head of a phrase."""
    words = lemma.split()
    head = next((i for i, word in enumerate(words) if word.startswith("+")), 0)
    verb = words[head].lstrip("+")
    if verb in irregular:  # also the regular forms learners and typists use ("hitted", "throwed")
        forms = {verb, *irregular[verb], *_regular_forms(verb)}
    else:
        third = verb + "es" if re.search(r"(s|sh|ch|x|z|o)$", verb) else verb + "s"
        if re.search(r"[^aeiou]y$", verb):
            third, past, ing = verb[:-1] + "ies", verb[:-1] + "ied", verb + "ing"
        elif re.search(r"(ee|oe|ye)$", verb):
            past, ing = verb + "d", verb + "ing"
        elif verb.endswith("e"):
            past, ing = verb + "d", verb[:-1] + "ing"
        elif re.fullmatch(r"[^aeiou]*[aeiou][bdgklmnprtvz]", verb):
            past, ing = verb + verb[-1] + "ed", verb + verb[-1] + "ing"
        else:
            past, ing = verb + "ed", verb + "ing"
        forms = {verb, third, past, ing}
    forms |= {form[:-1] for form in forms if form.endswith("ing")}  # typed speech drops the g: "hittin", "cuttin"
    return tuple(sorted(" ".join([*words[:head], form, *words[head + 1:]]) for form in forms))


def _regular_forms(verb: str) -> set[str]:
    """The regular past of an irregular verb, as over-regularised by learners ("hitted", "beated")."""
    if verb.endswith("e"):
        return {verb + "d"}
    if re.fullmatch(r"[^aeiou]*[aeiou][bdgklmnprtvz]", verb):
        return {verb + verb[-1] + "ed"}
    return {verb + "ed"}


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise LexiconError(f"{where}: expected a list of non-empty strings")
    return tuple(item.strip().lower() for item in value)


def _mapping(data: Mapping[str, Any], key: str, where: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise LexiconError(f"{where}: {key}: expected a mapping")
    return value


def _rule(item: Any, where: str) -> RuleSpec:
    if not isinstance(item, dict):
        raise LexiconError(f"{where}: expected a mapping with id, category, level and patterns")
    missing = [key for key in ("id", "category", "level", "patterns") if key not in item]
    if missing:
        raise LexiconError(f"{where}: missing {', '.join(missing)}")
    if item["level"] not in LEVELS[1:]:
        raise LexiconError(f"{where}: level: {item['level']!r}; expected ambiguous or danger")
    return RuleSpec(id=str(item["id"]), category=str(item["category"]), level=str(item["level"]),
                    patterns=_strings(item["patterns"], f"{where}.patterns"),
                    not_followed_by=_strings(item.get("not_followed_by", []), f"{where}.not_followed_by"),
                    not_preceded_by=_strings(item.get("not_preceded_by", []), f"{where}.not_preceded_by"),
                    negatable=bool(item.get("negatable", True)))


def load_lexicon(path: Path) -> Lexicon:
    """Read and validate the structure of `path` (patterns compile in `compile_rules`, which the detector calls
    at once); LexiconError names the file and the field at fault."""
    try:
        raw = path.read_text(encoding="utf-8")
        data = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LexiconError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: the top level must be a mapping (see dialogs/README.md, safety lexicon)")
    where = str(path)
    norm = _mapping(data, "normalise", where)
    contractions = {str(k).lower(): str(v).lower() for k, v in _mapping(norm, "contractions", where).items()}
    irregular = {str(k): _strings(v, f"{where}: irregular.{k}") for k, v in _mapping(data, "irregular", where).items()}
    classes: dict[str, tuple[str, ...]] = {}
    for name, words in _mapping(data, "words", where).items():
        classes[str(name)] = _strings(words, f"{where}: words.{name}")
    for name, lemmas in _mapping(data, "verbs", where).items():
        if name in classes:
            raise LexiconError(f"{where}: verbs.{name}: also a word class; class names must be unique")
        lemmas = _strings(lemmas, f"{where}: verbs.{name}")
        classes[str(name)] = tuple(form for lemma in lemmas for form in inflections(lemma, irregular))
    for name in _REQUIRED_CLASSES:
        if name not in classes:
            raise LexiconError(f"{where}: words.{name}: missing (required by the detector)")
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        raise LexiconError(f"{where}: rules: expected a non-empty list of rules")
    specs = tuple(_rule(item, f"{where}: rules[{index}]") for index, item in enumerate(rules))
    lexicon = Lexicon(source=where, contractions=contractions,
                      fillers=frozenset(_strings(norm.get("fillers", []), f"{where}: normalise.fillers")),
                      adjective_ill_after=frozenset(_strings(norm.get("adjective_ill_after", []),
                                                             f"{where}: normalise.adjective_ill_after")),
                      clause_breaks=frozenset(_strings(norm.get("clause_breaks", []),
                                                       f"{where}: normalise.clause_breaks")),
                      negators=frozenset(_strings(data.get("negators", []), f"{where}: negators")),
                      hypothetical=frozenset(_strings(data.get("hypothetical", []), f"{where}: hypothetical")),
                      reported_speech=frozenset(_strings(data.get("reported_speech", []), f"{where}: reported_speech")),
                      classes=classes, idioms=_strings(data.get("idioms", []), f"{where}: idioms"),
                      rules=specs, spoken=_strings(data.get("spoken_phrases", []), f"{where}: spoken_phrases"),
                      vocabulary=frozenset(re.findall(r"[a-z]+", raw.lower())))
    return lexicon


def trie_regex(words: Sequence[str]) -> str:
    """The words as one compact alternation sharing prefixes ("hit(?:s|ting)?"); longer words win."""
    trie: dict[str, Any] = {}
    for word in set(words):
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


def class_patterns(classes: Mapping[str, Sequence[str]], source: str) -> dict[str, str]:
    """Each class as one regular-expression alternation; an item naming another class ("my {relation}") embeds
    that class's alternation instead of multiplying the words out (compiling stays fast)."""
    done: dict[str, str] = {}

    def regex(name: str, trail: tuple[str, ...]) -> str:
        if name in done:
            return done[name]
        if name not in classes or name in trail:
            raise LexiconError(f"{source}: words.{trail[-1] if trail else name}: {{{name}}} is unknown or circular")
        plain = [item for item in classes[name] if not _MACRO.search(item)]
        parts = [trie_regex(plain)] if plain else []
        # Items that differ only in their leading words ("my {relation}", "our {relation}", "the {relation}")
        # share one copy of the embedded class: "(?:my|our|the) {relation}". Every pattern using the class
        # inlines it, so a copy saved here is saved in each of those patterns (compile time and memory).
        by_rest: dict[tuple[str, ...], list[str]] = {}
        for item in sorted({item for item in classes[name] if _MACRO.search(item)}, key=len, reverse=True):
            pieces = _MACRO.split(item)  # literal, class, literal, class, ...
            by_rest.setdefault(tuple(pieces[1:]), []).append(pieces[0])
        for rest, leads in by_rest.items():
            parts.append(trie_regex(leads) + "".join(re.escape(piece) if index % 2 else regex(piece, (*trail, name))
                                                     for index, piece in enumerate(rest)))
        done[name] = "(?:" + "|".join(parts) + ")"
        return done[name]

    for name in classes:
        regex(name, ())
    return done


def compile_pattern(text: str, classes: Mapping[str, str], where: str, anchored: bool = False) -> re.Pattern[str]:
    """One lexicon pattern as a regular expression over normalised text (`classes`: from class_patterns)."""
    def expand(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "end":
            return rf"(?=$| /| {classes['phrase_end']}(?![\w']))"
        if name not in classes:
            raise LexiconError(f"{where}: {{{name}}} is not a word or verb class")
        return classes[name]

    body = _MACRO.sub(expand, text.replace(" ~ ", " " + GAP))
    body = body if anchored else rf"(?<![\w']){body}(?![\w'])"
    try:
        return re.compile(body)
    except re.error as exc:
        raise LexiconError(f"{where}: {text!r} is not a valid pattern: {exc}") from exc


def compile_rules(lexicon: Lexicon, partners: Sequence[str] = ()) -> tuple[Rule, ...]:
    """Compile every rule, with `partners` (lower case) added to the `person` class."""
    classes = dict(lexicon.classes)
    # A name that is also a function word ("Will", "May"...) is left out: it would match everywhere.
    reserved = {*classes.get("phrase_end", ()), *classes.get("function_words", ()), *lexicon.negators,
                *lexicon.hypothetical}
    names = [name.lower().strip() for name in partners if name.strip() and name.lower().strip() not in reserved]
    classes["person"] = (*classes["person"], *names)
    alternations = class_patterns(classes, lexicon.source)
    compiled = []
    for index, spec in enumerate(lexicon.rules):
        where = f"{lexicon.source}: rules[{index}] ({spec.id})"

        def joined(texts: tuple[str, ...], template: str, where: str = where) -> re.Pattern[str] | None:
            if not texts:
                return None
            either = "|".join(f"(?:{text})" for text in texts)
            return compile_pattern(template.format(either), alternations, where, anchored=True)

        compiled.append(Rule(spec, tuple(compile_pattern(p, alternations, where) for p in spec.patterns),
                             joined(spec.not_followed_by, "(?:{})(?![\\w'])"),
                             joined(spec.not_preceded_by, "(?<![\\w'])(?:{})$")))
    return tuple(compiled)
