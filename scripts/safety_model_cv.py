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
  candidate in DESIGNS (round 11: the gate, HARM_CLASSES or HARM_CLASSES + CONTROL_CLASSES, the model seeing and
  scoring only statements that name one of the gate's words; whether the check-in answers' tuning half trains it as
  everyday lines), the out-of-fold scores give a threshold (the smallest that flags <= MAX_MODEL_FALSE of the
  everyday lines and of the check-in answers' tuning half, spread over the folds by hash) and, at it, the share of
  danger + ambiguous lines flagged; the best (ties: the earlier, simpler one) is retrained on all rounds < k.
- Measured on round k: danger caught (any tier), danger tier, ambiguous caught, false stops, false "ambiguous",
  and "caught" over danger + ambiguous lines together; rules alone vs rules + model (and the model alone).
- Ship criterion (issue 12, round 11): rules + model catch >= 5 points more of danger + ambiguous on rounds 5-8 on
  average, false stops + false "ambiguous" rising <= 1.0 point; <= 1% of the check-in answers' held-out half raised.

Model: L2-regularised logistic regression over hashed (DIM) binary n-gram features, fitted by L-BFGS
(scipy, experiment only). `python scripts/safety_model_cv.py [--round9]` prints the table; `--export PATH`
writes the rounds-1-8 model (current tree and lexicon, design chosen as above) as .npz for the run-time scorer:
after any change of the lexicon's classes, `python scripts/safety_model_cv.py --export
assistant/danger/safety_model.npz` (a gate class missing from the lexicon stops it with a message).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

import numpy as np
from scipy import optimize, sparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from danger_corpus import CORPUS_DIR, EVERY_TUNING_FILE, checkin_half, read_corpus, score  # noqa: E402

from assistant.danger.second_signal import (  # noqa: E402
    CONTROL_CLASSES,
    DIM,
    HARM_CLASSES,
    feature_indices,
    gate_terms,
    grams,
    names_harm,
    save_signal,
    word_classes,
)

ROUNDS = {index + 1: path for index, path in enumerate(EVERY_TUNING_FILE)}
ROUND9 = CORPUS_DIR / "safety_tuning9.yaml"
BEFORE = {5: "921c3c3", 6: "7ce891d", 7: "66dcd55", 8: "2e317f3"}
"""Round k -> the last commit touching the lexicon before round k's corpus was committed (git log)."""
MAX_MODEL_FALSE = 0.01
"""At most 1% of everyday lines (out of fold) flagged by the model: leaves room in the 1.5-point budget."""
KIND = "words+classes"
L2S = (0.1,)
"""Narrowed (round 11) to what the round-10 cross-validation chose every time (classes, L2 0.1; characters added
nothing in rounds 7-8): a search over all three feature sets and two L2s takes ~6x as long."""
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


def cut_for(scores: np.ndarray, total: int) -> float:
    """The smallest threshold flagging at most MAX_MODEL_FALSE of `total` everyday lines, of which the gate let
    `scores` through (the others are never flagged); no bound when the budget covers every score."""
    ordered = np.sort(scores)[::-1]
    allowed = int(np.floor(total * MAX_MODEL_FALSE))
    return float(ordered[allowed]) + 1e-9 if allowed < len(ordered) else -np.inf


class Design(NamedTuple):
    """What the model is trained on and when it may speak: its gate classes, and whether the check-in answers'
    tuning half trains it (they are scored out of fold and bound the threshold either way)."""

    gate: tuple[str, ...]
    train_checkin: bool
    l2: float


DESIGNS = [Design(gate, train_checkin, l2) for gate in (HARM_CLASSES, HARM_CLASSES + CONTROL_CLASSES)
           for train_checkin in (False, True) for l2 in L2S]
"""The candidates cross-validation chooses from, simplest first (ties keep the earlier)."""


class Folds:
    """Per training round: the features and sources (0 danger/ambiguous, 1 everyday, 2 check-in answer, spread
    over the rounds by hash) of the lines the gate lets through, and the whole counts shares are taken over."""

    def __init__(self, rounds: list[dict[str, list[str]]], seen: dict[str, tuple[str, list[str]]],
                 classes: dict[str, list[str]], gate: tuple[str, ...]) -> None:
        self.member, self.terms = word_classes(classes), gate_terms(classes, gate)
        self.xs: list[sparse.csr_matrix] = []
        self.sources: list[np.ndarray] = []
        self.totals = np.zeros(3, int)
        checkin = checkin_half(held_out=False)
        for index, corpus in enumerate(rounds):
            extra = [line for line in checkin if int(hashlib.sha256(line.encode()).hexdigest(), 16)
                     % len(rounds) == index]
            lines = [(0, line) for line in corpus["danger"] + corpus["ambiguous"]] + [
                (1, line) for line in corpus["everyday"]] + [(2, line) for line in extra]
            self.totals += np.bincount([source for source, _ in lines], minlength=3)
            kept = [(source, line) for source, line in lines if names_harm(seen[line][1], self.terms)]
            self.xs.append(hashed(grams(seen[line][1], KIND, self.member) for _, line in kept))
            self.sources.append(np.array([source for source, _ in kept]))

    def fit(self, design: Design, leave: int | None = None) -> tuple[np.ndarray, float]:
        """The model fitted on every round but `leave` (check-in answers only if the design trains on them)."""
        keep = [i for i in range(len(self.xs)) if i != leave]
        x = sparse.vstack([self.xs[i] for i in keep]).tocsr()
        source = np.concatenate([self.sources[i] for i in keep])
        use = (source != 2) | design.train_checkin
        return fit(x[use], (source[use] == 0).astype(float), design.l2)

    def cross_validate(self, design: Design) -> tuple[float, float, float]:
        """Leave-one-round-out: the threshold flagging <= MAX_MODEL_FALSE of the everyday lines and of the check-in
        answers out of fold, and the shares of danger + ambiguous lines and of check-in answers flagged at it."""
        oof = []
        for out in range(len(self.xs)):
            weights, bias = self.fit(design, out)
            oof.append(self.xs[out] @ weights + bias)
        scores, source = np.concatenate(oof), np.concatenate(self.sources)
        cut = max(cut_for(scores[source == 1], self.totals[1]), cut_for(scores[source == 2], self.totals[2]))
        flagged = np.bincount(source[scores >= cut], minlength=3) / np.maximum(self.totals, 1)
        return cut, float(flagged[0]), float(flagged[2])

    def flags(self, clauses: list[str], model: tuple[np.ndarray, float], cut: float) -> bool:
        return names_harm(clauses, self.terms) and float(
            (hashed([grams(clauses, KIND, self.member)]) @ model[0])[0] + model[1]) >= cut


def choose(rounds: list[dict[str, list[str]]], seen: dict[str, tuple[str, list[str]]],
           classes: dict[str, list[str]]) -> tuple[Folds, Design, float, float]:
    """The design and threshold of the best out-of-fold recall inside `rounds`; also that recall."""
    best: tuple[Folds, Design, float, float] | None = None
    folds: dict[tuple[str, ...], Folds] = {}
    for design in DESIGNS:
        found = folds.setdefault(design.gate, Folds(rounds, seen, classes, design.gate))
        cut, recall, checkin = found.cross_validate(design)
        print(f"    cv gate of {len(design.gate)} classes, check-in trained {design.train_checkin!s:5}, "
              f"l2 {design.l2}: recall {100 * recall:5.1f}, check-in answers flagged {100 * checkin:3.1f} at cut "
              f"{cut:.3f}", flush=True)
        if best is None or recall > best[3]:
            best = (found, design, cut, recall)
    assert best is not None
    return best


def texts_of(corpora: list[dict[str, list[str]]]) -> list[str]:
    return sorted({line for corpus in corpora for lines in corpus.values() for line in lines}
                  | set(checkin_half(held_out=False)))


def measure(train: list[dict[str, list[str]]], test: dict[str, list[str]], tree: str, label: str) -> dict:
    """Rules alone, model alone and rules + model on `test`, with the model chosen and fitted on `train`."""
    seen, classes = judged(tree, texts_of([*train, test]))
    folds, design, cut, recall = choose(train, seen, classes)
    model = folds.fit(design)

    def flagged(line: str) -> bool:
        return folds.flags(seen[line][1], model, cut)

    arms: dict[str, Callable[[str], str]] = {
        "rules": lambda line: seen[line][0],
        "model": lambda line: "ambiguous" if flagged(line) else "none",
        "rules+model": lambda line: "ambiguous" if seen[line][0] == "none" and flagged(line) else seen[line][0]}
    figures = {"round": label, "tree": tree, "gate_classes": len(design.gate), "checkin": design.train_checkin,
               "l2": design.l2, "cut": round(cut, 3), "cv_recall_pct": round(100 * recall, 1)}
    positives = test["danger"] + test["ambiguous"]
    for name, level_of in arms.items():
        found = score(test, level_of)
        found["caught_pct"] = round(100 * sum(level_of(line) != "none" for line in positives) / len(positives), 1)
        found["false_total_pct"] = round(found["false_stop_pct"] + found["false_ambiguous_pct"], 1)
        figures[name] = found
    return figures


def export(path: Path) -> None:
    """Fit on rounds 1-8 with the current tree and save it (design and threshold cross-validated as above)."""
    train = [read_corpus(ROUNDS[k]) for k in sorted(ROUNDS)]
    seen, classes = judged("current", texts_of(train))
    missing = sorted({name for design in DESIGNS for name in design.gate} - set(classes))
    if missing:
        sys.exit(f"safety_model_cv: gate classes {', '.join(missing)} are not in dialogs/safety_lexicon.yaml: "
                 "update HARM_CLASSES / CONTROL_CLASSES in assistant/danger/second_signal.py to the lexicon's names")
    folds, design, cut, recall = choose(train, seen, classes)
    weights, bias = folds.fit(design)
    save_signal(path, weights, bias, cut, KIND, design.gate)
    print(f"exported {path}: gate of {len(design.gate)} classes, check-in trained {design.train_checkin}, "
          f"l2 {design.l2}, cut {cut:.3f}, {np.count_nonzero(weights)} weights")


def main() -> None:
    if "--export" in sys.argv:
        export(Path(sys.argv[sys.argv.index("--export") + 1]))
        return
    plan = [(k, BEFORE[k], f"round {k}") for k in sorted(BEFORE)]
    if "--round9" in sys.argv:
        plan = [(9, "current", "round 9 (seen once by the round-10 design)")]
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
    print(f"mean gain in caught (danger + ambiguous): {gain:+.2f} points; false stops + false ambiguous: "
          f"{cost:+.2f} points (ship if >= +5.0 and <= +1.0)")


if __name__ == "__main__":
    main()
