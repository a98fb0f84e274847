"""Held-out hearing figures: per-condition table, DET curve image, endpoint timing."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from pathlib import Path

from assistant.evaluation.calibrate import det_points, threshold_of
from assistant.evaluation.hearing import Observation, kinds_of

SHORT_KINDS = ("command", "yes_no", "rating", "choice", "ready")
"""Kinds whose answers are short phrases (endpoint timing goal: p50 <= 300 ms)."""
DIMENSIONS: dict[str, Callable[[Observation], str]] = {
    "kind": lambda o: o.sample.item.kind,
    "accent": lambda o: o.sample.condition.voice.split("+")[0],
    "variant": lambda o: o.sample.condition.voice.split("+")[1],
    "rate": lambda o: f"{o.sample.condition.rate} wpm",
    "noise": lambda o: o.sample.condition.noise,
    "snr": lambda o: "clean" if o.sample.condition.snr_db is None else f"{o.sample.condition.snr_db:g} dB",
    "reverb": lambda o: "reverb" if o.sample.condition.reverb else "dry",
    "wording": lambda o: o.sample.item.source,
}


def _pct(hits: int, total: int) -> str:
    return f"{100 * hits / total:5.1f}% ({hits}/{total})" if total else "   -"


def figures(observations: list[Observation], thresholds: dict[str, float]) -> dict[str, tuple[int, int]]:
    """(hits, total) for each headline figure at the kinds' thresholds."""

    def at(o: Observation) -> float:
        return threshold_of(thresholds, o.sample.item.kind)

    closed = [o for o in observations if o.sample.item.kind not in ("free", "rating")]
    commands = [o for o in closed if o.positive]
    ordinary = [o for o in observations if not o.positive and o.sample.item.kind != "free"]
    ratings = [o for o in observations if o.sample.item.kind == "rating" and o.positive]
    sentinel = [o for o in observations if o.sample.item.source == "sentinel"]
    free_plain = [o for o in observations if o.sample.item.kind == "free" and not o.positive]
    return {
        "commands understood": (sum(o.hit(at(o)) for o in commands), len(commands)),
        "ordinary taken as command": (sum(o.accepted(at(o)) for o in ordinary), len(ordinary)),
        "ratings understood": (sum(o.hit(at(o)) for o in ratings), len(ratings)),
        "sentinel caught in free answer": (sum(o.hit(at(o)) for o in sentinel), len(sentinel)),
        "false sentinel in free answer": (sum(o.accepted(at(o)) for o in free_plain), len(free_plain)),
    }


def table(observations: list[Observation], thresholds: dict[str, float]) -> list[str]:
    """Lines of the per-condition table (one block per dimension)."""
    names = list(figures([], thresholds))
    lines = ["condition".ljust(22) + " | " + " | ".join(n.ljust(20) for n in names)]
    overall = figures(observations, thresholds)
    lines.append("ALL".ljust(22) + " | " + " | ".join(_pct(*overall[n]).ljust(20) for n in names))
    for dimension, key in DIMENSIONS.items():
        for value in sorted({key(o) for o in observations}):
            group = figures([o for o in observations if key(o) == value], thresholds)
            label = f"{dimension}={value}"
            lines.append(label.ljust(22) + " | " + " | ".join(_pct(*group[n]).ljust(20) for n in names))
    return lines


def heard_lines(observations: list[Observation], kind: str) -> list[str]:
    """What was said and heard for every positive sample of `kind` (to see why it was missed)."""
    return [f"  {kind}: said {o.sample.item.text!r} ({o.sample.condition.label}) -> heard {o.text!r}, "
            f"{o.intent or 'nothing'} {o.score:.3f}{' ok' if o.correct else ''}"
            for o in observations if o.sample.item.kind == kind and o.positive]


def endpoint_delays(observations: list[Observation], kinds: tuple[str, ...] = SHORT_KINDS,
                    clean_only: bool = True) -> list[float]:
    """Seconds from true end of speech to the engine's decision, positives of `kinds` (clean ones only
    unless `clean_only` is False)."""
    return sorted(o.decision_delay_s for o in observations
                  if o.sample.item.kind in kinds and o.positive and o.decision_delay_s is not None
                  and (o.sample.condition.noise == "clean" or not clean_only))


def p95(values: list[float]) -> float | None:
    """95th percentile (nearest rank), or None for no values."""
    return values[min(len(values) - 1, int(0.95 * len(values)))] if values else None


def p50(values: list[float]) -> float | None:
    """Median, or None for no values."""
    return statistics.median(values) if values else None


def draw_det(observations: list[Observation], thresholds: dict[str, float], path: Path, title: str) -> Path:
    """DET curve (miss rate against false-accept rate) per kind, the chosen thresholds marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 6))
    for kind in kinds_of(observations):
        subset = [o for o in observations if o.sample.item.kind == kind]
        points = det_points(subset)
        line, = axes.plot([p[2] for p in points], [p[1] for p in points], drawstyle="steps-post", label=kind)
        chosen = min(points, key=lambda p: abs(p[0] - threshold_of(thresholds, kind)))
        axes.plot([chosen[2]], [chosen[1]], "o", color=line.get_color())
    axes.set_xlabel("false accepts (share of distractors taken)")
    axes.set_ylabel("miss rate (share of positives not understood)")
    axes.set_xlim(-0.02, 1.02)
    axes.set_ylim(-0.02, 1.02)
    axes.grid(True, alpha=0.3)
    axes.legend(loc="upper right")
    axes.set_title(title)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path
