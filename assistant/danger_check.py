"""The interpreter's safety override: does an utterance state danger?

`DangerCheck` is the seat a trained detector (assistant.danger) plugs into; `PhraseDangerCheck` is the
default: the safety phrasings of dialogs/commands.yaml, answering only "danger" or "none".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from assistant.intents import IntentMatcher, normalise

Assessment = Literal["none", "ambiguous", "danger"]


class DangerCheck(Protocol):
    """Judges one utterance's text; "ambiguous" asks the conversation to check (Conversation.safety_check)."""

    def assess(self, text: str) -> Assessment: ...


def last_alarm_category(check: object) -> str:
    """The category of the latest utterance `check` judged danger or ambiguous, for the SafetyEvent and the
    resume rule ("" when the check keeps none, e.g. the phrase check)."""
    return str(getattr(check, "last_category", "") or "")


@dataclass(frozen=True)
class PhraseDangerCheck:
    """Danger when the text holds one of the `safety` intent's phrasings (whole or, when longer, inside)."""

    matcher: IntentMatcher

    def assess(self, text: str) -> Assessment:
        return "danger" if self.matcher.match(text, {"safety"}) == "safety" else "none"


@dataclass
class EitherDangerCheck:
    """The detector's verdict, raised to "ambiguous" when the whole utterance is one of the listed safety
    phrasings (what a recogniser's phrase grammar returns) and the detector saw nothing: such a phrase is
    never dropped, only asked about. A longer sentence that merely contains one is the detector's to judge."""

    detector: DangerCheck
    matcher: IntentMatcher
    last_category: str = field(default="", init=False)
    """The category of the latest danger or ambiguous verdict ("other": a listed phrase the detector missed)."""

    def assess(self, text: str) -> Assessment:
        level = self.detector.assess(text)
        if level != "none":
            self.last_category = last_alarm_category(self.detector) or "other"
        elif normalise(text) in {normalise(p) for p in self.matcher.phrases_for(["safety"])}:
            level, self.last_category = "ambiguous", "other"
        return level
