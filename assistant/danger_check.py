"""The interpreter's safety override: does an utterance state danger?

`DangerCheck` is the seat a trained detector (assistant.danger) plugs into; `PhraseDangerCheck` is the
default: the safety phrasings of dialogs/commands.yaml, answering only "danger" or "none".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from assistant.intents import IntentMatcher

Assessment = Literal["none", "ambiguous", "danger"]


class DangerCheck(Protocol):
    """Judges one utterance's text; "ambiguous" asks the conversation to check (Conversation.safety_check)."""

    def assess(self, text: str) -> Assessment: ...


@dataclass(frozen=True)
class PhraseDangerCheck:
    """Danger when the text holds one of the `safety` intent's phrasings (whole or, when longer, inside)."""

    matcher: IntentMatcher

    def assess(self, text: str) -> Assessment:
        return "danger" if self.matcher.match(text, {"safety"}) == "safety" else "none"
