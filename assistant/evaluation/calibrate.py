"""Acceptance thresholds per listening kind, chosen on the tuning split, written with their figures."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from assistant.acceptance import KINDS
from assistant.evaluation.hearing import NO_SCORE, Observation, kinds_of, rates

_LOGGER = logging.getLogger(__name__)

ACCEPTANCE_FILE = Path(__file__).resolve().parents[1] / "acceptance.json"
FALSE_ACCEPT_BUDGET = 0.05
"""At most one distractor in twenty taken as a command (the product goal), on the tuning split."""
RULE = (f"lowest threshold whose false-accept rate on the tuning distractors is <= {FALSE_ACCEPT_BUDGET:g}; "
        "if none reaches it, the equal-error threshold")
USABLE_MISS = 0.5
"""A kind that would miss more than this at the budget is unusable (consent, ratings would be impossible)."""
USABLE_KINDS = ("yes_no", "rating", "choice", "ready")
"""Closed, tiny grammars where a miss blocks the dialog; the interpreter asks again after a rejection, so
for these kinds the rule trades false accepts for a usable miss rate (lowest miss + false accept)."""
FREE_ANSWER = 0.0
"""A free answer is kept as heard (it is never acted on as a command); only its sentinel is thresholded."""


def det_points(observations: list[Observation]) -> list[tuple[float, float, float]]:
    """(threshold, miss rate, false-accept rate) at every distinct score, lowest threshold first."""
    scores = sorted({o.score for o in observations if o.score > NO_SCORE} | {0.0, 1.0001})
    return [(t, *rates(observations, t)[:2]) for t in scores]


def choose(observations: list[Observation], kind: str = "command",
           budget: float = FALSE_ACCEPT_BUDGET) -> tuple[float, str]:
    """The threshold for one kind and the rule that picked it."""
    points = det_points(observations)
    within = [(t, miss) for t, miss, false in points if false <= budget]
    if within:
        threshold, miss = min(within, key=lambda p: (p[1], p[0]))
        if miss <= USABLE_MISS or kind not in USABLE_KINDS:
            return threshold, "false-accept budget"
    if kind in USABLE_KINDS:
        best = min(points, key=lambda p: (p[1] + p[2], p[0]))
        return best[0], f"lowest miss + false accept (budget leaves miss > {USABLE_MISS:g})"
    threshold = min(points, key=lambda p: (abs(p[1] - p[2]), p[0]))[0]
    return threshold, "equal error (budget not reachable)"


def calibrate(observations: list[Observation], split: str, engine: str) -> dict[str, Any]:
    """The acceptance file's content (all kinds of assistant.acceptance.KINDS) and the figures that chose it.

    The corpus's "free" samples (sentinels inside free answers) choose the "sentinel" threshold; "free"
    itself is FREE_ANSWER.
    """
    thresholds: dict[str, float] = {"free": FREE_ANSWER}
    chosen_on: dict[str, Any] = {"free": {"rule": "free answers are kept as heard; only sentinels are scored"}}
    for kind in kinds_of(observations):
        subset = [o for o in observations if o.sample.item.kind == kind]
        name = "sentinel" if kind == "free" else kind
        threshold, how = choose(subset, name)
        if name != "command" and "command" in thresholds and not any(o.hit(0.0) for o in subset):
            threshold, how = thresholds["command"], "no positive recognised on this split: the command threshold"
        threshold = min(threshold, 1.0)
        miss, false, positives, negatives = rates(subset, threshold)
        thresholds[name] = round(threshold, 4)
        chosen_on[name] = {"split": split, "n": len(subset), "positives": positives, "distractors": negatives,
                           "miss": round(miss, 3), "false_accept": round(false, 3), "rule": f"{RULE} ({how})",
                           "engine": engine}
    missing = [kind for kind in KINDS if kind not in thresholds]
    if missing:
        raise ValueError(f"calibration: no {split} samples for kinds {missing}; decode every kind")
    return {"thresholds": {kind: thresholds[kind] for kind in KINDS}, "chosen_on": chosen_on}


def threshold_of(thresholds: dict[str, float], kind: str) -> float:
    """The threshold a corpus kind is judged at ("free" samples test the sentinel)."""
    return thresholds.get("sentinel" if kind == "free" else kind, thresholds.get("command", 0.5))


def write(content: dict[str, Any], path: Path = ACCEPTANCE_FILE) -> Path:
    """Write an acceptance file (sorted, one kind per line)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _LOGGER.info("wrote %s", path)
    return path


def load_thresholds(path: Path = ACCEPTANCE_FILE) -> dict[str, float]:
    """Thresholds per kind from the acceptance file; ValueError names the file and field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(kind): float(value) for kind, value in data["thresholds"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"{path}: thresholds: cannot read ({exc}); run scripts/bench hearing --calibrate") from exc
