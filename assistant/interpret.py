"""From what was heard to a machine event: which trigger to fire, with which answer."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.dialog.activity import Answer
from assistant.dialog.schema import Step
from assistant.intents import IntentMatcher, normalise, rating
from assistant.listener import Heard

GLOBAL_COMMANDS = ("time_out", "safety", "repeat", "skip", "back", "help", "stop")
"""Understood in every listening state; each intent's name is also its machine trigger."""
SENTINEL_INTENTS = ("time_out", "safety")
KIND_INTENTS = {"yes_no": ("yes", "no"), "ready": ("ready", "more_time"), "rating": ("rating",)}


@dataclass(frozen=True)
class Event:
    """A machine trigger and its answer (if any)."""

    trigger: str
    answer: Answer | None = None
    intent: str | None = None


class Interpreter:
    """Knows the phrases each step listens for and what an utterance means there."""

    def __init__(self, matcher: IntentMatcher, min_confidence: float = 0.3) -> None:
        self.matcher = matcher
        self.min_confidence = min_confidence

    def phrases(self, step: Step) -> tuple[str, ...]:
        """Phrase list for a restricted grammar; empty for a free answer."""
        if step.listen == "free":
            return ()
        phrases = self.matcher.phrases_for([*GLOBAL_COMMANDS, *KIND_INTENTS.get(step.listen, ())])
        if step.listen == "choice":
            phrases += [normalise(p) for options in step.options.values() for p in options]
        return tuple(dict.fromkeys(phrases))

    def sentinel(self, step: Step) -> tuple[str, ...]:
        """Phrases to catch inside a free answer: time out and safety are never lost in free speech."""
        return tuple(self.matcher.phrases_for(SENTINEL_INTENTS)) if step.listen == "free" else ()

    def interpret(self, heard: Heard | None, step: Step, duration_s: float = 0.0) -> Event:
        """Map an utterance (None: silence) heard at `step` to an event."""
        if heard is None:
            return Event("silence")
        text = heard.utterance.text
        command = self.matcher.match(text, set(GLOBAL_COMMANDS))
        confident = heard.utterance.confidence >= self.min_confidence or step.listen == "free"
        if command in ("safety", "time_out"):
            return Event(command, intent=command)
        if command is not None and confident:
            return Event(command, intent=command)
        if step.listen == "free":
            if normalise(text):
                return Event("answer", Answer(intent="answer", text=text, duration_s=duration_s), "answer")
            return Event("no_match")
        if not confident:
            return Event("no_match")
        if step.listen == "rating":
            value = rating(text)
            if value is not None:
                return Event("answer", Answer(intent="rating", rating=value, duration_s=duration_s), "rating")
        elif step.listen == "choice":
            said = normalise(text)
            for option, phrasings in step.options.items():
                if said in {normalise(p) for p in phrasings}:
                    return Event("answer", Answer(key=option, intent=option, duration_s=duration_s), option)
        else:
            intent = self.matcher.match(text, set(KIND_INTENTS.get(step.listen, ())))
            if intent is not None:
                return Event("answer", Answer(key=intent, intent=intent, duration_s=duration_s), intent)
        return Event("no_match")
