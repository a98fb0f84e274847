"""What it takes to resume after a safety stop, by category (reasoning: dialogs/README.md, "After a safety stop")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

VIOLENCE_CATEGORIES = frozenset({"partner_violence", "sexual_violence", "threat_to_other", "fear_of_partner",
                                 "coercive_control", "threat", "fear"})
"""Where one partner may be at risk from the other: joint sessions are not advised (detector categories and
the coarse event categories below)."""
EventCategory = Literal["partner_violence", "self_harm", "threat", "fear", "other"]
"""What a SafetyEvent keeps: coarse on purpose (enough for the resume rule, no more)."""
_EVENT_CATEGORY: dict[str, EventCategory] = {
    "partner_violence": "partner_violence", "sexual_violence": "partner_violence",
    "coercive_control": "partner_violence", "suicide": "self_harm", "self_harm": "self_harm",
    "threat_to_other": "threat", "fear_of_partner": "fear"}


def event_category(detector_category: str) -> EventCategory:
    """The coarse category a SafetyEvent keeps for a detector category ("other" when unknown or empty)."""
    return _EVENT_CATEGORY.get(detector_category, "other")


@dataclass(frozen=True)
class ResumePolicy:
    """How the joint check-in may continue after a safety stop."""

    joint_checkin: Literal["held", "when_both_ask"]
    """held: joint check-ins stay paused (not only for the day); when_both_ask: paused until both ask."""
    individual_support: bool
    """Suggest support on one's own (a service from the resources, a counsellor) rather than together."""
    resume_requires: str
    """What re-opens the joint check-in: "each_partner_separately_after_support" or "both_ask"."""
    dialog_id: str
    """The line that explains it (dialogs/safety.yaml)."""


def resume_policy(category: str) -> ResumePolicy:
    """The rule for `category` (a Verdict category). Unknown categories get the cautious same-day hold."""
    if category in VIOLENCE_CATEGORIES:
        return ResumePolicy("held", True, "each_partner_separately_after_support", "safety.resume_held_violence")
    return ResumePolicy("when_both_ask", True, "both_ask", "safety.resume_when_both_ask")
