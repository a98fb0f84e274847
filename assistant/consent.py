"""First-run consent: explain what is recorded, where, and how to export or erase it; both partners agree.

The disclaimer and questions live in dialogs/consent.yaml. Every line goes through `say` (wire it to the
speaker *and* to printed text: `both(speak, echo)`); answers come from `hear(question)`, normally
`Conversation.hear`, so the interpreter decides what was said with the yes/no acceptance threshold: a
mumbled, low-confidence "yes" is not consent. Each partner is asked by name and must say yes; only then is
a Consent record stored. A danger statement heard instead stops the flow with the safety message (and a
SafetyEvent), like everywhere else.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assistant.clock import Clock
from assistant.dialog.library import DialogLibrary, Line
from assistant.interpret import Decision, Question
from assistant.safety import SafetyStore, log_safety, safety_line
from assistant.store.records import Consent

_LOGGER = logging.getLogger(__name__)

Say = Callable[[Line], None]
Hear = Callable[[Question], Decision]
"""Listen for a question and return the interpreter's decision (Conversation.hear)."""
ANSWER_INTENTS = ("yes", "no")
LISTEN_INTENTS = ("yes", "no", "repeat")
"""What a consent question listens for (safety is always on)."""


@dataclass(frozen=True)
class ConsentResult:
    """How the consent conversation ended."""

    outcome: Literal["agreed", "declined", "no_answer", "safety"]
    partner: str = ""
    """Who declined, did not answer, or raised safety ("" when both agreed)."""
    record: Consent | None = None
    """The stored Consent record when both agreed."""

    @property
    def agreed(self) -> bool:
        return self.outcome == "agreed"


def has_consent(store: SafetyStore, partners: tuple[str, str]) -> bool:
    """True when these two partners (in any order) have both agreed before."""
    wanted = sorted(partners)
    return any(sorted(r.partners) == wanted for r in store.query(Consent))


def both(*outputs: Say) -> Say:
    """One `say` that hands every line to each output (e.g. the speaker and a printed echo)."""
    def say(line: Line) -> None:
        for output in outputs:
            output(line)
    return say


def _ask(partner: str, library: DialogLibrary, say: Say, hear: Hear, attempts: int) -> str | None:
    """The intent ("yes", "no", "safety") a partner answered, None when no usable answer came."""
    say(library.render("consent.ask_partner", partner=partner))
    for attempt in range(attempts):
        intent = hear(Question("yes_no", "consent", LISTEN_INTENTS, who=partner)).intent
        if intent in (*ANSWER_INTENTS, "safety"):
            return intent
        if attempt + 1 < attempts:
            say(library.render("consent.reprompt", partner=partner))
    return None


def run_consent(store: SafetyStore, library: DialogLibrary, clock: Clock,
                partners: tuple[str, str], data_dir: Path, say: Say, hear: Hear, *,
                country: str = "US", attempts: int = 2) -> ConsentResult:
    """Say the disclaimer, ask each partner by name; store Consent only when both said yes."""
    say(library.render("consent.disclaimer", data_dir=str(data_dir)))
    for partner in partners:
        answer = _ask(partner, library, say, hear, attempts)
        if answer == "safety":
            say(safety_line(library, country))
            log_safety(store, clock, "consent")
            return ConsentResult("safety", partner)
        if answer != "yes":
            say(library.render("consent.declined"))
            _LOGGER.info("consent not given (%s)", "declined" if answer == "no" else "no answer")
            return ConsentResult("declined" if answer == "no" else "no_answer", partner)
    record = Consent(at=clock.now().isoformat(), partners=tuple(partners))
    store.append(record)
    say(library.render("consent.agreed"))
    return ConsentResult("agreed", "", record)


def ensure_consent(store: SafetyStore, library: DialogLibrary, clock: Clock,
                   partners: tuple[str, str], data_dir: Path, say: Say, hear: Hear, *,
                   country: str = "US") -> ConsentResult:
    """The first-run gate: agreed at once when these partners consented before, else `run_consent`."""
    if has_consent(store, partners):
        return ConsentResult("agreed")
    return run_consent(store, library, clock, partners, data_dir, say, hear, country=country)
