"""A trained second signal beside the danger rules: it may raise "none" to the calm question, never to a stop.

A logistic model over hashed binary n-grams of the detector's own normalisation (`DangerDetector.clauses`):
words and word pairs, the lexicon's word classes (a class word stands as each of its classes, in runs of 1-3,
so "shoved" and "slapped" share `<strike>`), and, if the model was chosen with them, character 4-grams. It is
trained, chosen and measured chronologically by scripts/safety_model_cv.py (dialogs/README.md, "A statistical
second signal"). `safety_model.npz` (package data) holds the non-zero weights with their hashed indices, the bias,
the threshold, the feature set and a sha256 over them; a missing, damaged or altered file leaves the rules
alone (logged). Scoring is plain numpy: no training library at run time.

The model only speaks on a statement that names harm: a word or phrase of one of the `gate` classes recorded in
the file (HARM_CLASSES when trained by the script: acts of violence, injury and the body, weapons and means, fear,
death and self-harm). A statement of people and everyday acts alone ("he hugs me", "me") is left to the rules.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import math
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

_LOGGER = logging.getLogger(__name__)

MODEL_FILE = Path(__file__).with_name("safety_model.npz")
DIM = 1 << 18
"""Hashed feature space (crc32 modulo DIM)."""
KINDS = ("words+chars", "words+classes", "words+classes+chars")
HARM_CLASSES = ("strike", "push", "beat", "grab", "phrasal", "hurt", "kill", "harm_self", "strike_self", "rape",
                "threaten", "scare", "fear_adj", "die_act", "end_life", "weapon", "improvised", "sh_tool", "pills",
                "restraint", "strike_noun", "wound", "body")
"""The lexicon classes whose words name harm by their meaning: acts of violence (strike ... rape), threat and fear
(threaten, scare, fear_adj), death and self-harm (die_act, end_life), means (weapon, improvised, sh_tool, pills,
restraint, strike_noun) and injury or the body (wound, body). Not: people and relations (person, victim, ...), speech,
time, grammar, everyday objects (possession, income) and the general verbs of coercion (force: "make"; take: "keep";
isolate, lock), which name harm only in a construction the rules read."""
CONTROL_CLASSES = ("force", "take", "isolate", "lock", "possession", "income", "contraception", "spyware")
"""Coercive control: its acts (force, take, isolate, lock) and means (money, phone, keys, contraception,
spyware); general words ("make", "keep", "money"), so a wider gate the training script may choose by
cross-validation."""
CATEGORY = "unclear"
"""The verdict category of a statement only the model flags (no rule names what it is)."""


def word_classes(classes: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """Each single word of a lexicon class (not a {reference}, not a phrase) -> the names of its classes."""
    found: dict[str, set[str]] = {}
    for name, items in classes.items():
        for item in items:
            if " " not in item and "{" not in item:
                found.setdefault(item, set()).add(name)
    return {word: tuple(sorted(names)) for word, names in found.items()}


def gate_terms(classes: Mapping[str, Iterable[str]], gate: Iterable[str]) -> frozenset[str]:
    """The words and phrases (not {references}, not patterns) of the `gate` classes."""
    return frozenset(item for name in gate for item in classes.get(name, ())
                     if "{" not in item and not set(item) & set("()|?[]\\"))


def names_harm(clauses: list[str], terms: frozenset[str]) -> bool:
    """True when a clause holds one of the gate's words or phrases (always, with no gate)."""
    if not terms:
        return True
    words = " ".join(clauses).split()
    if not terms.isdisjoint(words):
        return True
    padded = [f" {clause} " for clause in clauses]
    return any(f" {term} " in clause for term in terms if " " in term for clause in padded)


def grams(clauses: list[str], kind: str, member: Mapping[str, tuple[str, ...]]) -> set[str]:
    """The n-grams of one statement: words (1-2), classes (1-3; a class word as each of its classes, at most 27
    combinations a run; a run needs one class word), characters (4)."""
    words = " / ".join(clauses).split()
    found = {f"w:{word}" for word in words} | {f"w:{a}_{b}" for a, b in itertools.pairwise(words)}
    if "chars" in kind:
        padded = f" {' '.join(words)} "
        found |= {f"c:{padded[i:i + 4]}" for i in range(len(padded) - 3)}
    if "classes" in kind:
        options = [[f"<{name}>" for name in member[word]] if word in member else [word] for word in words]
        for size in (1, 2, 3):
            for window in (options[i:i + size] for i in range(len(options) - size + 1)):
                if size == 1 or any(option[0].startswith("<") for option in window):
                    found |= {"k:" + "_".join(combo) for combo in itertools.islice(itertools.product(*window), 27)}
    return found


def feature_indices(found: Iterable[str]) -> np.ndarray:
    """The sorted, distinct hashed indices of a statement's n-grams."""
    return np.unique(np.fromiter((zlib.crc32(gram.encode()) % DIM for gram in found), np.int64))


def digest(indices: np.ndarray, weights: np.ndarray, bias: float, cut: float, kind: str,
           gate: tuple[str, ...]) -> str:
    """The sha256 a model file carries over its contents."""
    check = hashlib.sha256(np.ascontiguousarray(indices, np.uint32).tobytes())
    check.update(np.ascontiguousarray(weights, np.float32).tobytes())
    check.update(repr((float(bias), float(cut), kind, DIM, tuple(gate))).encode())
    return check.hexdigest()


@dataclass(frozen=True)
class SecondSignal:
    """The model's weights and the lexicon's word classes it reads statements with."""

    indices: np.ndarray
    weights: np.ndarray
    bias: float
    cut: float
    kind: str
    member: Mapping[str, tuple[str, ...]]
    gate: tuple[str, ...]
    """The lexicon classes a statement must name a word of for the model to speak (recorded in the file)."""
    terms: frozenset[str]
    """The words and phrases of those classes (empty: no gate)."""
    category: ClassVar[str] = CATEGORY

    def score(self, clauses: list[str]) -> float:
        """The model's margin (>= `cut`: flagged) for a statement's normalised clauses."""
        found = feature_indices(grams(clauses, self.kind, self.member))
        if not len(found):
            return self.bias
        at = np.minimum(np.searchsorted(self.indices, found), len(self.indices) - 1)
        known = self.indices[at] == found
        return float(self.weights[at[known]].sum()) / math.sqrt(len(found)) + self.bias

    def flags(self, clauses: list[str]) -> bool:
        """True when the statement names harm (the gate) and the model's margin reaches its threshold."""
        return names_harm(clauses, self.terms) and self.score(clauses) >= self.cut


@functools.lru_cache(maxsize=4)
def _read(path: Path) -> tuple[np.ndarray, np.ndarray, float, float, str, tuple[str, ...]]:
    """The checked contents of a model file (once per process); raises ValueError or OSError."""
    with np.load(path, allow_pickle=False) as data:
        indices, weights = data["indices"].astype(np.int64), data["weights"].astype(np.float32)
        bias, cut, kind, sha = float(data["bias"]), float(data["cut"]), str(data["kind"]), str(data["sha256"])
        gate = tuple(str(name) for name in data["gate"])
    if kind not in KINDS or indices.ndim != 1 or indices.shape != weights.shape or not len(indices):
        raise ValueError(f"{path}: unexpected contents (feature set {kind!r}, {indices.shape} weights)")
    if digest(indices, weights, bias, cut, kind, gate) != sha:
        raise ValueError(f"{path}: sha256 does not match its contents (damaged or altered)")
    if np.any(np.diff(indices) <= 0) or indices[-1] >= DIM or not np.all(np.isfinite(weights)):
        raise ValueError(f"{path}: indices not sorted and in range, or weights not finite")
    return indices, weights, bias, cut, kind, gate


def load_signal(classes: Mapping[str, Iterable[str]], path: Path = MODEL_FILE) -> SecondSignal | None:
    """The packaged model read with the lexicon's `classes`; None (logged) when the file is missing or bad."""
    try:
        indices, weights, bias, cut, kind, gate = _read(path)
    except FileNotFoundError:
        _LOGGER.info("no safety model at %s: the rules decide alone", path)
        return None
    except Exception as exc:  # noqa: BLE001 - any bad file (not a zip, wrong arrays) leaves the rules alone
        _LOGGER.error("safety model unusable, the rules decide alone: %s", exc)
        return None
    missing = [name for name in gate if name not in classes]
    if missing:
        _LOGGER.warning("safety model gate classes not in the lexicon (retrain it): %s", ", ".join(missing))
    terms = gate_terms(classes, gate)
    if gate and not terms:
        _LOGGER.error("safety model gate names no lexicon word, the rules decide alone: retrain the model")
        return None
    return SecondSignal(indices, weights, bias, cut, kind, word_classes(classes), gate, terms)


def save_signal(path: Path, weights: np.ndarray, bias: float, cut: float, kind: str, gate: tuple[str, ...]) -> None:
    """Write a model file: the non-zero entries of dense `weights` (length DIM), its gate classes, with the checks
    `_read` makes."""
    indices = np.flatnonzero(weights).astype(np.uint32)
    kept = weights[indices].astype(np.float32)
    np.savez_compressed(path, indices=indices, weights=kept, bias=np.float64(bias), cut=np.float64(cut),
                        kind=np.str_(kind), gate=np.array(gate, dtype=np.str_),
                        sha256=np.str_(digest(indices, kept, bias, cut, kind, gate)))
