"""Helpers shared by the bench sections (not a section itself: the harness runs only bench_*.py)."""

from __future__ import annotations

import statistics


def spread(values: list[float], digits: int = 3) -> dict[str, float]:
    """min / median / max (and how many) of repeated measurements."""
    return {"min": round(min(values), digits), "median": round(statistics.median(values), digits),
            "max": round(max(values), digits), "n": len(values)}
