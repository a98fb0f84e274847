"""Experiment (not used at run time): does a tiny statistical signal help the danger rules generalise?

A hashed word/bigram/char-4-gram logistic model (pure numpy) is trained on one tuning corpus and tested on the
other, used only to raise "none" to "ambiguous" (never a danger stop). Its threshold is chosen on the training
corpus by 5-fold cross-validation for <= 3% false "ambiguous". `python scripts/safety_model_cv.py [dialogs_dir]`
prints rules alone vs rules + model, both directions. The result (README, "Safety lexicon") decided against it.
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from danger_corpus import TUNING, TUNING2, read_corpus, score  # noqa: E402

from assistant.danger import DangerDetector  # noqa: E402

DIM = 1 << 14
MAX_FALSE_AMBIGUOUS = 0.03


def features(detector: DangerDetector, text: str) -> np.ndarray:
    """L2-normalised hashed counts of words, word bigrams and character 4-grams of the normalised text."""
    words = " / ".join(detector.clauses(text)).split()
    padded = f" {' '.join(words)} "
    grams = [*words, *(f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)),
             *(f"#{padded[i:i + 4]}" for i in range(len(padded) - 3))]
    vector = np.zeros(DIM, np.float32)
    for gram in grams:
        vector[zlib.crc32(gram.encode()) % DIM] += 1
    norm = np.linalg.norm(vector)
    return vector / norm if norm else vector


def dataset(detector: DangerDetector, corpus: dict[str, list[str]]) -> tuple[np.ndarray, np.ndarray]:
    positive = corpus["danger"] + corpus["ambiguous"]
    x = np.array([features(detector, text) for text in positive + corpus["everyday"]])
    return x, np.array([1.0] * len(positive) + [0.0] * len(corpus["everyday"]), np.float32)


def train(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, epochs: int = 300, rate: float = 2.0):
    weights, bias = np.zeros(x.shape[1], np.float32), 0.0
    for _ in range(epochs):
        error = 1 / (1 + np.exp(-(x @ weights + bias))) - y
        weights -= rate * (x.T @ error / len(y) + l2 * weights)
        bias -= rate * float(error.mean())
    return weights, bias


def probability(model, x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ model[0] + model[1])))


def threshold(x: np.ndarray, y: np.ndarray, folds: int = 5) -> float:
    order = np.random.default_rng(0).permutation(len(y))
    scores = np.zeros(len(y))
    for fold in range(folds):
        test = order[fold::folds]
        scores[test] = probability(train(x[np.setdiff1d(order, test)], y[np.setdiff1d(order, test)]), x[test])
    negatives = np.sort(scores[y == 0])
    return float(negatives[int(np.ceil(len(negatives) * (1 - MAX_FALSE_AMBIGUOUS))) - 1]) + 1e-6


def main() -> None:
    detector = DangerDetector.load(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "dialogs", ("Jordan", "Sam"))
    corpora = {path.stem: read_corpus(path) for path in (TUNING, TUNING2)}
    for source, target in ((TUNING.stem, TUNING2.stem), (TUNING2.stem, TUNING.stem)):
        x, y = dataset(detector, corpora[source])
        model, cut = train(x, y), threshold(x, y)
        test = corpora[target]

        def combined(text: str, model=model, cut=cut) -> str:
            level = detector.assess(text).level
            return "ambiguous" if level == "none" and probability(model, features(detector, text)[None])[0] >= cut \
                else level

        for name, level_of in (("rules", lambda text: detector.assess(text).level), ("rules+model", combined)):
            print(f"train {source} -> test {target} {name}: {score(test, level_of)}")


if __name__ == "__main__":
    main()
