"""Experiment: does a trained second signal generalise the danger rules to unseen wordings? (issue 12)

The model may only raise the rules' "none" to "ambiguous" (the calm question), never to a danger stop.

Protocol (fixed before the first result was seen; chronological, nothing of a test round is used before it):
- Rounds: tests/corpus/safety_tuning.yaml (round 1) ... safety_tuning8.yaml (round 8); round 9 is the blind
  corpus safety_tuning9.yaml, measured once (`--round9`).
- For each round k in 5..8 the rules are the detector *as it was before round k*: the tree (code + lexicon) of
  the last commit that touched dialogs/safety_lexicon.yaml before round k's corpus was committed (BEFORE), run
  from a `git archive` copy in a subprocess. For round 9 the rules are the current tree.
- The model is trained on rounds < k only, with features from that same tree's normalisation
  (`detector.clauses`) and word classes (`lexicon.classes`). Positives: danger + ambiguous lines; negatives:
  everyday lines.
- Everything about the model is chosen by leave-one-round-out cross-validation inside rounds < k: for each
  feature set in FEATURE_SETS and each L2 strength in L2S, the out-of-fold scores of all training lines give a
  threshold (the smallest that flags <= MAX_MODEL_FALSE of the everyday lines) and, at it, the share of danger +
  ambiguous lines flagged; the best (ties: the earlier, simpler choice) is retrained on all rounds < k.
- Measured on round k: danger caught (any tier), danger tier, ambiguous caught, false stops, false "ambiguous",
  and "caught" over danger + ambiguous lines together; rules alone vs rules + model (and the model alone).
- Ship criterion (issue 12, round 10): rules + model catch >= 3 points more of danger + ambiguous on the unseen
  rounds on average, with false stops + false "ambiguous" rising <= 1.5 points.

Model: L2-regularised logistic regression over hashed (DIM) binary n-gram features, fitted by L-BFGS
(scipy, experiment only). `python scripts/safety_model_cv.py [--round9]` prints the table; `--export PATH`
writes the rounds-1-8 model (current tree) as .npz for a run-time scorer.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from scipy import optimize, sparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from danger_corpus import CORPUS_DIR, EVERY_TUNING_FILE, read_corpus, score  # noqa: E402

from assistant.danger.second_signal import DIM, feature_indices, grams, save_signal, word_classes  # noqa: E402

ROUNDS = {index + 1: path for index, path in enumerate(EVERY_TUNING_FILE)}
ROUND9 = CORPUS_DIR / "safety_tuning9.yaml"
BEFORE = {5: "921c3c3", 6: "7ce891d", 7: "66dcd55", 8: "2e317f3"}
"""Round k -> the last commit touching the lexicon before round k's corpus was committed (git log)."""
MAX_MODEL_FALSE = 0.01
"""At most 1% of everyday lines (out of fold) flagged by the model: leaves room in the 1.5-point budget."""
FEATURE_SETS = ("words+chars", "words+classes", "words+classes+chars")
L2S = (1.0, 0.1)
"""Inverse-variance-like penalty per example: loss = mean log-loss + l2 * |w|^2 / n."""
PARTNERS = ("Alex", "Sam")

DUMP = r"""
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from assistant.danger.detector import DangerDetector
try:  # the rules alone (trees with a second signal can leave it off)
    detector = DangerDetector.load(Path(sys.argv[1]) / "dialogs", tuple(sys.argv[2:]), second_signal=False)
except TypeError:
    detector = DangerDetector.load(Path(sys.argv[1]) / "dialogs", tuple(sys.argv[2:]))
assert detector.lexicon is not None and detector.lexicon.source.startswith(sys.argv[1]), "lexicon not loaded"
texts = json.load(sys.stdin)
rows = [[detector.assess(text).level, detector.clauses(text)] for text in texts]
json.dump({"classes": {name: list(items) for name, items in detector.lexicon.classes.items()}, "rows": rows},
          sys.stdout)
"""


def judged(tree: str, texts: list[str]) -> tuple[dict[str, tuple[str, list[str]]], dict[str, list[str]]]:
    """The verdict level and clauses of each text by the detector of `tree` (a commit, or "current"), and its
    classes; cached in the temp dir by tree and texts."""
    files = "" if tree != "current" else "".join(hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(
        [*(ROOT / "assistant" / "danger").glob("*.py"), ROOT / "dialogs" / "safety_lexicon.yaml"]))
    key = hashlib.sha256(json.dumps([tree, files, texts]).encode()).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"safety_model_cv_{key}.json"
    if not cache.exists():
        with tempfile.TemporaryDirectory() as work:
            where = ROOT
            if tree != "current":
                archive = subprocess.run(["git", "-C", str(ROOT), "archive", tree, "assistant", "dialogs"],
                                         check=True, capture_output=True).stdout
                subprocess.run(["tar", "-x", "-C", work], input=archive, check=True)
                where = Path(work)
            done = subprocess.run([sys.executable, "-c", DUMP, str(where), *PARTNERS], input=json.dumps(texts),
                                  capture_output=True, text=True, check=True)
            cache.write_text(done.stdout, encoding="utf-8")
    data = json.loads(cache.read_text(encoding="utf-8"))
    return {text: (row[0], row[1]) for text, row in zip(texts, data["rows"], strict=True)}, data["classes"]


def hashed(statements: Iterable[set[str]]) -> sparse.csr_matrix:
    """Binary hashed features, rows L2-normalised."""
    rows, cols = [], []
    for row, found in enumerate(statements):
        indices = feature_indices(found).tolist()
        rows += [row] * len(indices)
        cols += indices
    matrix = sparse.csr_matrix((np.ones(len(rows), np.float64), (rows, cols)), shape=(row + 1, DIM))
    norms = np.sqrt(np.asarray(matrix.sum(axis=1)).ravel())
    return sparse.diags(1 / np.maximum(norms, 1)) @ matrix


def fit(x: sparse.csr_matrix, y: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    """Logistic regression (mean log-loss + l2 |w|^2 / n) by L-BFGS."""
    n = len(y)

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        weights, bias = params[:-1], params[-1]
        margin = x @ weights + bias
        prob = 1 / (1 + np.exp(-margin))
        value = np.mean(np.logaddexp(0, margin) - y * margin) + l2 * weights @ weights / n
        error = (prob - y) / n
        return float(value), np.append(x.T @ error + 2 * l2 * weights / n, error.sum())

    found = optimize.minimize(loss, np.zeros(DIM + 1), jac=True, method="L-BFGS-B", options={"maxiter": 300})
    return found.x[:-1], float(found.x[-1])


def cut_for(everyday_scores: np.ndarray) -> float:
    """The smallest threshold flagging at most MAX_MODEL_FALSE of the everyday scores."""
    ordered = np.sort(everyday_scores)[::-1]
    allowed = int(np.floor(len(ordered) * MAX_MODEL_FALSE))
    return float(ordered[allowed]) + 1e-9


def dataset(rounds: list[dict[str, list[str]]], seen: dict[str, tuple[str, list[str]]], kind: str,
            member: dict[str, tuple[str, ...]]) -> tuple[list[sparse.csr_matrix], list[np.ndarray]]:
    """Per round: features and labels (1: danger or ambiguous)."""
    xs, ys = [], []
    for corpus in rounds:
        lines = corpus["danger"] + corpus["ambiguous"] + corpus["everyday"]
        xs.append(hashed(grams(seen[line][1], kind, member) for line in lines))
        ys.append(np.array([1.0] * (len(lines) - len(corpus["everyday"])) + [0.0] * len(corpus["everyday"])))
    return xs, ys


def cross_validate(xs: list[sparse.csr_matrix], ys: list[np.ndarray], l2: float) -> tuple[float, float]:
    """Leave-one-round-out: the threshold flagging <= MAX_MODEL_FALSE of everyday lines out of fold, and the share
    of danger + ambiguous lines flagged at it."""
    scores = []
    for out in range(len(xs)):
        model = fit(sparse.vstack([x for i, x in enumerate(xs) if i != out]).tocsr(),
                    np.concatenate([y for i, y in enumerate(ys) if i != out]), l2)
        scores.append(xs[out] @ model[0] + model[1])
    oof, labels = np.concatenate(scores), np.concatenate(ys)
    cut = cut_for(oof[labels == 0])
    return cut, float(np.mean(oof[labels == 1] >= cut))


def choose(rounds: list[dict[str, list[str]]], seen: dict[str, tuple[str, list[str]]],
           member: dict[str, tuple[str, ...]]) -> tuple[str, float, float, float]:
    """Feature set, L2 and threshold by leave-one-round-out inside `rounds`; also the out-of-fold recall."""
    best: tuple[str, float, float, float] | None = None
    for kind in FEATURE_SETS:
        xs, ys = dataset(rounds, seen, kind, member)
        for l2 in L2S:
            cut, recall = cross_validate(xs, ys, l2)
            print(f"    cv {kind:22s} l2={l2:<4} recall {100 * recall:5.1f} at cut {cut:.3f}", flush=True)
            if best is None or recall > best[3]:
                best = (kind, l2, cut, recall)
    assert best is not None
    return best


def measure(train: list[dict[str, list[str]]], test: dict[str, list[str]], tree: str, label: str) -> dict:
    """Rules alone, model alone and rules + model on `test`, with the model chosen and fitted on `train`."""
    texts = sorted({line for corpus in [*train, test] for lines in corpus.values() for line in lines})
    seen, classes = judged(tree, texts)
    member = word_classes(classes)
    kind, l2, cut, recall = choose(train, seen, member)
    xs, ys = dataset(train, seen, kind, member)
    weights, bias = fit(sparse.vstack(xs).tocsr(), np.concatenate(ys), l2)

    def flagged(line: str) -> bool:
        return float((hashed([grams(seen[line][1], kind, member)]) @ weights)[0] + bias) >= cut

    arms: dict[str, Callable[[str], str]] = {
        "rules": lambda line: seen[line][0],
        "model": lambda line: "ambiguous" if flagged(line) else "none",
        "rules+model": lambda line: "ambiguous" if seen[line][0] == "none" and flagged(line) else seen[line][0]}
    figures = {"round": label, "tree": tree, "features": kind, "l2": l2, "cut": round(cut, 3),
               "cv_recall_pct": round(100 * recall, 1)}
    positives = test["danger"] + test["ambiguous"]
    for name, level_of in arms.items():
        found = score(test, level_of)
        found["caught_pct"] = round(100 * sum(level_of(line) != "none" for line in positives) / len(positives), 1)
        found["false_total_pct"] = round(found["false_stop_pct"] + found["false_ambiguous_pct"], 1)
        figures[name] = found
    return figures


def export(path: Path, chosen: tuple[str, float] | None = None) -> None:
    """Fit on rounds 1-8 with the current tree and save it: feature set, L2 and threshold by the same
    cross-validation, or `chosen` (the feature set and L2 the round-9 run chose on the same rounds; its threshold is
    cross-validated again)."""
    train = [read_corpus(ROUNDS[k]) for k in sorted(ROUNDS)]
    texts = sorted({line for corpus in train for lines in corpus.values() for line in lines})
    seen, classes = judged("current", texts)
    member = word_classes(classes)
    if chosen:
        kind, l2 = chosen
        xs, ys = dataset(train, seen, kind, member)
        cut = cross_validate(xs, ys, l2)[0]
    else:
        kind, l2, cut = choose(train, seen, member)[:3]
        xs, ys = dataset(train, seen, kind, member)
    weights, bias = fit(sparse.vstack(xs).tocsr(), np.concatenate(ys), l2)
    save_signal(path, weights, bias, cut, kind)
    print(f"exported {path}: {kind}, l2 {l2}, cut {cut:.3f}, {np.count_nonzero(weights)} weights")


def main() -> None:
    if "--export" in sys.argv:
        at = sys.argv.index("--export")
        chosen = sys.argv[at + 2:at + 4]
        export(Path(sys.argv[at + 1]), (chosen[0], float(chosen[1])) if chosen else None)
        return
    plan = [(k, BEFORE[k], f"round {k}") for k in sorted(BEFORE)]
    if "--round9" in sys.argv:
        plan = [(9, "current", "round 9 (unseen)")]
    rows = []
    for k, tree, label in plan:
        print(f"{label}: rules of {tree}, model trained on rounds 1-{k - 1}", flush=True)
        test = read_corpus(ROUND9 if k == 9 else ROUNDS[k])
        rows.append(measure([read_corpus(ROUNDS[i]) for i in range(1, k)], test, tree, label))
        print(json.dumps(rows[-1]), flush=True)
    print("| round | rules: caught d+a / danger / tier / ambiguous / false stop / false amb "
          "| rules+model: same | model alone caught / false |")
    for row in rows:
        cells = [f"{row[arm]['caught_pct']} / {row[arm]['danger_caught_pct']} / {row[arm]['danger_tier_pct']} / "
                 f"{row[arm]['ambiguous_caught_pct']} / {row[arm]['false_stop_pct']} / "
                 f"{row[arm]['false_ambiguous_pct']}" for arm in ("rules", "rules+model")]
        print(f"| {row['round']} | {cells[0]} | {cells[1]} | {row['model']['caught_pct']} / "
              f"{row['model']['false_ambiguous_pct']} |")
    gain = np.mean([row["rules+model"]["caught_pct"] - row["rules"]["caught_pct"] for row in rows])
    cost = np.mean([row["rules+model"]["false_total_pct"] - row["rules"]["false_total_pct"] for row in rows])
    print(f"mean gain in caught (danger + ambiguous): {gain:+.1f} points; false stops + false ambiguous: "
          f"{cost:+.1f} points (ship if >= +3.0 and <= +1.5)")


if __name__ == "__main__":
    main()
