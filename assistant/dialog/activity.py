"""What a dialog machine needs from the activity it runs: items to loop over, slots, and recording."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from assistant.dialog.schema import Step


@dataclass(frozen=True)
class Answer:
    """One interpreted answer to a step."""

    key: str | None = None
    """Branch key: "yes"/"no" for yes_no, the option name for choice, "blame" for a free answer whose wording
    blames (assistant.blame), None otherwise."""
    intent: str | None = None
    """Intent heard ("yes", "no", "ready", an option name, or "answer" for free text)."""
    rating: int | None = None
    text: str | None = None
    duration_s: float = 0.0
    """From the end of the prompt to the end of the answer."""


class Activity(Protocol):
    """The activity-specific part of a dialog: check-in, appreciation, agreement review..."""

    name: str

    def items(self, step: Step) -> list[dict[str, object]]:
        """Slot sets to repeat `step` for (one empty dict for a step without for_each)."""

    def common_slots(self) -> dict[str, object]:
        """Slots every prompt may use (partner names)."""

    def step_slots(self, step: Step) -> dict[str, object]:
        """Extra slots for one step (e.g. the wins celebrated at the closing)."""

    def record(self, step: Step, slots: dict[str, object], answer: Answer) -> None:
        """Store what the answer means."""
