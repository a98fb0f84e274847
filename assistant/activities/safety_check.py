"""The tiered safety response's middle tier: one calm question when an utterance may signal danger.

The interpreter's DangerCheck answers "ambiguous" (e.g. "I don't feel safe"); the conversation then asks
`safety.check_question`. "Yes" (or a new danger statement) starts the safety response; "no" continues the
activity gently and the ambiguous answer is not recorded; no answer is asked once more, then the resources
are given quietly and the activity goes on. It never loops: at most two questions per utterance.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from assistant.conversation import SAFETY_CHECK_STEP
from assistant.danger.resources import resources_text
from assistant.dialog.library import DialogLibrary
from assistant.interpret import Question

if TYPE_CHECKING:
    from assistant.conversation import Conversation

_LOGGER = logging.getLogger(__name__)
ASKS = 2
"""How many times the question is asked before the resources are given quietly."""


class SafetyCheckFlow:
    """`Conversation.safety_check`: True when the safety response should start."""

    def __init__(self, library: DialogLibrary, country: str = "US") -> None:
        self.library = library
        self.country = country

    def __call__(self, conversation: Conversation, state: str) -> bool:
        question = Question(kind="yes_no", step=SAFETY_CHECK_STEP, intents=("yes", "no"))
        for _ in range(ASKS):
            decision = conversation.ask(self.library.render("safety.check_question"), question, state)
            if decision.intent in ("yes", "safety"):
                return True
            if decision.intent == "no":
                conversation.say(self.library.render("safety.check_continue"), state)
                return False
        _LOGGER.info("safety check unanswered; resources given quietly")
        conversation.say(self.library.render("safety.check_unanswered", resources=resources_text(self.country)),
                         state)
        return False
