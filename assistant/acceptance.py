"""How confident the recogniser must be before an utterance counts: one threshold per listening kind.

The thresholds are data (assistant/acceptance.json, `{"thresholds": {kind: float}, "chosen_on": {...}}`),
chosen on a tuning corpus and stored with what chose them; code never hard-codes one.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

_LOGGER = logging.getLogger(__name__)

POLICY_FILE = Path(__file__).with_name("acceptance.json")
KINDS = ("command", "yes_no", "rating", "choice", "ready", "free", "sentinel", "barge_in")
"""Listening kinds with their own threshold. "sentinel": time out caught in any kind of listening;
"barge_in": anything heard while the assistant speaks. Other kinds (e.g. "cooloff") use "command"."""
SENTINEL_INTENTS = frozenset({"time_out"})


class PolicyError(ValueError):
    """The acceptance file cannot be used; the message names the file and field."""


@dataclass(frozen=True)
class AcceptancePolicy:
    """Minimum recogniser confidence per listening kind."""

    thresholds: Mapping[str, float]
    """Kind -> minimum confidence (0..1); every name in KINDS is present."""
    chosen_on: Mapping[str, object] = field(default_factory=dict)
    """How the thresholds were chosen (corpus, split, figures): provenance, never read by code."""

    def __post_init__(self) -> None:
        missing = [kind for kind in KINDS if kind not in self.thresholds]
        if missing:
            raise PolicyError(f"thresholds: missing kinds {missing}; expected all of {list(KINDS)}")
        object.__setattr__(self, "thresholds", MappingProxyType(dict(self.thresholds)))
        object.__setattr__(self, "chosen_on", MappingProxyType(dict(self.chosen_on)))

    def threshold(self, kind: str, intent: str | None = None) -> float:
        """The minimum confidence for `intent` heard while listening for `kind`.

        While the assistant speaks ("barge_in") its threshold holds for everything; elsewhere a time out
        uses "sentinel"; unknown kinds use "command".
        """
        if kind != "barge_in" and intent in SENTINEL_INTENTS:
            return self.thresholds["sentinel"]
        return self.thresholds.get(kind, self.thresholds["command"])

    def accepts(self, kind: str, confidence: float, intent: str | None = None) -> bool:
        """True when `confidence` is enough for `intent` heard while listening for `kind`."""
        return confidence >= self.threshold(kind, intent)

    @classmethod
    def load(cls, path: Path | None = None) -> AcceptancePolicy:
        """Read `path` (default: assistant/acceptance.json); PolicyError names the file and field."""
        path = path or POLICY_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PolicyError(f"{path}: cannot read: {exc}") from exc
        thresholds = data.get("thresholds") if isinstance(data, dict) else None
        if not isinstance(thresholds, dict):
            raise PolicyError(f"{path}: thresholds: missing; expected {{\"thresholds\": {{kind: number}}}}")
        for kind, value in thresholds.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
                raise PolicyError(f"{path}: thresholds.{kind}: expected a number from 0 to 1, got {value!r}")
        chosen_on = data.get("chosen_on", {})
        try:
            return cls({k: float(v) for k, v in thresholds.items()},
                       chosen_on if isinstance(chosen_on, dict) else {"note": chosen_on})
        except PolicyError as exc:
            raise PolicyError(f"{path}: {exc}") from exc
