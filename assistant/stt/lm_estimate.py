"""A small n-gram estimator: an interpolated Witten-Bell model of domain text, mixed with a general model.

No installable library here estimates an ARPA model (kenlm's Python package only queries models; its estimator
`lmplz` is a C++ build; nltk.lm has no ARPA export), so this module does the textbook steps:

1. `witten_bell`: interpolated Witten-Bell (Witten & Bell 1991; Chen & Goodman 1998, sec. 2.5) up to `order`:
   P(w | h) = (c(h w) + T(h) P(w | h')) / (c(h) + T(h)), T(h) = distinct words seen after h, h' = h without its
   first word; unigrams are relative frequencies (the general model supplies every unseen word).
2. `mix`: linear interpolation with a general model, P = weight * P_domain + (1 - weight) * P_general, computed
   exactly for every n-gram the domain saw and for the unigrams of a shared vocabulary (the domain's words plus
   the general model's most frequent ones). Unseen continuations back off with weights that make every history
   sum to one. (A full static mix would also copy the general model's 3.7 M n-grams: 60 MB of ARPA.)
3. `write_arpa`: the standard ARPA text format pocketsphinx reads (log10 probabilities and back-off weights).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

Ngram = tuple[str, ...]
BOS, EOS = "<s>", "</s>"


def witten_bell(sentences: Iterable[Sequence[str]], order: int = 3) -> dict[Ngram, float]:
    """P(last word | the words before) for every n-gram (n <= order) seen in `sentences`, interpolated WB."""
    counts: list[Counter[Ngram]] = [Counter() for _ in range(order + 1)]
    for words in sentences:
        tokens = [BOS, *words, EOS]
        for n in range(1, order + 1):
            for i in range(max(0, 1 if n == 1 else 0), len(tokens) - n + 1):
                counts[n][tuple(tokens[i:i + n])] += 1
    total = sum(counts[1].values())
    prob: dict[Ngram, float] = {gram: c / total for gram, c in counts[1].items()}
    for n in range(2, order + 1):
        seen_after: Counter[Ngram] = Counter()
        history_count: Counter[Ngram] = Counter()
        for gram, c in counts[n].items():
            seen_after[gram[:-1]] += 1
            history_count[gram[:-1]] += c
        for gram, c in counts[n].items():
            history = gram[:-1]
            distinct, seen = seen_after[history], history_count[history]
            prob[gram] = (c + distinct * prob[gram[1:]]) / (seen + distinct)
    return prob


def backoff_prob(model: dict[Ngram, float], backoff: dict[Ngram, float], gram: Ngram) -> float:
    """P(gram[-1] | gram[:-1]) of a back-off model (0 for a word it does not know)."""
    if gram in model:
        return model[gram]
    if len(gram) == 1:
        return 0.0
    return backoff.get(gram[:-1], 1.0) * backoff_prob(model, backoff, gram[1:])


def backoffs(model: dict[Ngram, float]) -> dict[Ngram, float]:
    """Back-off weights that make P(. | h) sum to one for every history h seen in `model`."""
    followers: dict[Ngram, list[Ngram]] = defaultdict(list)
    for gram in model:
        if len(gram) > 1:
            followers[gram[:-1]].append(gram)
    weights: dict[Ngram, float] = {}
    for history in sorted(followers, key=len):  # shorter histories first: longer ones back off onto them
        grams = followers[history]
        seen = sum(model[g] for g in grams)
        lower = sum(backoff_prob(model, weights, g[1:]) for g in grams)
        weights[history] = max(1e-9, 1.0 - seen) / max(1e-9, 1.0 - lower)
    return weights


def mix(domain: dict[Ngram, float], general: Callable[[Ngram], float], vocabulary: Iterable[str],
        weight: float) -> dict[Ngram, float]:
    """`weight` * domain + (1 - weight) * general on the domain's n-grams and the shared vocabulary's unigrams.

    `general(gram)` is the general model's P(gram[-1] | gram[:-1]) with its own back-off. The domain's higher
    orders are taken with their own back-off, so P_domain is a full distribution wherever it is evaluated.
    """
    domain_backoff = backoffs(domain)
    words = ({gram[0] for gram in domain if len(gram) == 1} | set(vocabulary)) - {BOS}
    unigrams = {word: weight * domain.get((word,), 0.0) + (1 - weight) * general((word,)) for word in words}
    total = sum(unigrams.values())
    mixed: dict[Ngram, float] = {(word,): p / total for word, p in unigrams.items()}
    mixed[(BOS,)] = 0.0  # never predicted; written as -99, as ARPA files do
    for gram in domain:
        if len(gram) > 1 and all((w,) in mixed for w in gram):
            mixed[gram] = weight * backoff_prob(domain, domain_backoff, gram) + (1 - weight) * general(gram)
    return mixed


def write_arpa(model: dict[Ngram, float], lines: list[str] | None = None) -> str:
    """`model` (with its back-off weights computed here) as ARPA text; `<s>` gets the customary -99."""
    weights = backoffs(model)
    order = max(len(gram) for gram in model)
    by_order: dict[int, list[Ngram]] = defaultdict(list)
    for gram in model:
        by_order[len(gram)].append(gram)
    out = lines if lines is not None else []
    out += ["\\data\\", *(f"ngram {n}={len(by_order[n])}" for n in range(1, order + 1))]
    for n in range(1, order + 1):
        out += ["", f"\\{n}-grams:"]
        for gram in sorted(by_order[n]):
            logp = -99.0 if gram == (BOS,) else math.log10(max(model[gram], 1e-99))
            text = f"{logp:.5f}\t{' '.join(gram)}"
            if n < order:
                text += f"\t{math.log10(weights.get(gram, 1.0)):.5f}"
            out.append(text)
    out += ["", "\\end\\", ""]
    return "\n".join(out)
