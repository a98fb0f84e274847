"""Acceptance thresholds per listening kind, chosen on the tuning split, written with their figures."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from assistant.evaluation.hearing import NO_SCORE, Observation, kinds_of, rates

_LOGGER = logging.getLogger(__name__)

ACCEPTANCE_FILE = Path(__file__).resolve().parents[1] / "acceptance.json"
FALSE_ACCEPT_BUDGET = 0.05
"""At most one distractor in twenty taken as a command (the product goal), on the tuning split."""
RULE = (f"lowest threshold whose false-accept rate on the tuning distractors is <= {FALSE_ACCEPT_BUDGET:g}; "
        "if none reaches it, the equal-error threshold")


def det_points(observations: list[Observation]) -> list[tuple[float, float, float]]:
    """(threshold, miss rate, false-accept rate) at every distinct score, lowest threshold first."""
    scores = sorted({o.score for o in observations if o.score > NO_SCORE} | {0.0, 1.0001})
    return [(t, *rates(observations, t)[:2]) for t in scores]


def choose(observations: list[Observation], budget: float = FALSE_ACCEPT_BUDGET) -> tuple[float, str]:
    """The threshold for one kind and the rule that picked it."""
    points = det_points(observations)
    within = [(t, miss) for t, miss, false in points if false <= budget]
    if within:
        return min(within, key=lambda p: (p[1], p[0]))[0], "false-accept budget"
    threshold = min(points, key=lambda p: (abs(p[1] - p[2]), p[0]))[0]
    return threshold, "equal error (budget not reachable)"


def calibrate(observations: list[Observation], split: str, engine: str) -> dict[str, Any]:
    """The acceptance file's content: a threshold per kind and the figures that chose it."""
    thresholds: dict[str, float] = {}
    chosen_on: dict[str, dict[str, Any]] = {}
    for kind in kinds_of(observations):
        subset = [o for o in observations if o.sample.item.kind == kind]
        threshold, how = choose(subset)
        miss, false, positives, negatives = rates(subset, threshold)
        thresholds[kind] = round(threshold, 4)
        chosen_on[kind] = {"split": split, "n": len(subset), "positives": positives, "distractors": negatives,
                           "miss": round(miss, 3), "false_accept": round(false, 3), "rule": f"{RULE} ({how})",
                           "engine": engine}
    return {"thresholds": thresholds, "chosen_on": chosen_on}


def write(content: dict[str, Any], path: Path = ACCEPTANCE_FILE) -> Path:
    """Write the acceptance file (sorted, one kind per line)."""
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
