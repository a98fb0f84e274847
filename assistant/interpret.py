"""The one seat where what was heard (text + a score) becomes what it means (an intent or a machine event).

Every caller goes through `Interpreter`: dialog steps (`interpret`), and the time out, consent,
invitations, the idle companion and barge-in (`decide`). Thresholds come from an AcceptancePolicy (one per
listening kind); the safety override from a DangerCheck, which no threshold can silence.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal

from assistant import paths
from assistant.acceptance import AcceptancePolicy
from assistant.blame import BlameCheck
from assistant.command_phrase import stands_as_command
from assistant.danger_check import Assessment, DangerCheck, PhraseDangerCheck
from assistant.dialog.activity import Answer
from assistant.dialog.schema import Step
from assistant.intents import CONTAINED_INTENTS, IntentMatcher, normalise, rating
from assistant.listening import Heard
from assistant.paraphrase import Paraphrases, wording

_LOGGER = logging.getLogger(__name__)

GLOBAL_COMMANDS = ("time_out", "safety", "repeat", "skip", "back", "help", "stop", "help_line")
"""Understood in every listening state; each intent's name is also its machine trigger."""
SENTINEL_INTENTS = ("time_out", "safety")
KIND_INTENTS = {"yes_no": ("yes", "no"), "ready": ("ready", "more_time"), "rating": ("rating",)}

Reason = Literal["accepted", "silence", "no_match", "low_confidence", "danger"]


@dataclass(frozen=True)
class Question:
    """What a flow outside a dialog machine listens for (time out, consent, invitations, idle)."""

    kind: str
    """Listening kind: picks the acceptance threshold ("yes_no", "ready", "choice", "command"...)."""
    step: str
    """Where the flow is (for scripted hearers and the transcript)."""
    intents: tuple[str, ...]
    """Intents that count as an answer (safety is always listened for)."""
    extra_phrases: tuple[str, ...] = ()
    """More phrases for the recogniser (e.g. choice wordings the caller matches itself)."""
    timeout_s: float | None = None
    """Longest silence before giving up (None: the hearer's default)."""
    who: str = "both"
    """Who is expected to answer (for the transcript)."""
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Named choices and their phrasings (whole-utterance match), e.g. the time-out return times."""
    addressed: bool = True
    """False: nobody addressed the assistant (the idle listen): `Interpreter.decide_unaddressed` decides."""


@dataclass(frozen=True)
class Decision:
    """What one utterance means to a caller listening for a set of intents."""

    intent: str | None
    """The accepted intent ("safety" when the DangerCheck said danger), None otherwise."""
    heard: Heard | None
    """What was heard (None: silence)."""
    reason: Reason
    danger: Assessment = "none"
    """The DangerCheck's verdict on the text ("ambiguous": the conversation may check)."""


@dataclass(frozen=True)
class Event:
    """A machine trigger and its answer (if any)."""

    trigger: str
    answer: Answer | None = None
    intent: str | None = None
    danger: Assessment = "none"
    """The DangerCheck's verdict ("ambiguous" routes to Conversation.safety_check)."""


class Interpreter:
    """Knows the phrases each listening context uses and what an utterance means there."""

    def __init__(self, matcher: IntentMatcher, policy: AcceptancePolicy | None = None,
                 danger: DangerCheck | None = None, blame: BlameCheck | None = None) -> None:
        self.matcher = matcher
        self.policy = policy or AcceptancePolicy.load()
        self.danger: DangerCheck = danger or PhraseDangerCheck(matcher)
        self.blame = blame or BlameCheck.load()
        """Tags a free answer whose wording blames (Answer.key "blame")."""
        self.paraphrases = self._paraphrases(matcher.intents)
        """Commands worded otherwise than listed (typed text, Wyoming, free decoding); None: listed only."""

    @staticmethod
    def _paraphrases(intents: Mapping[str, Collection[str]]) -> Paraphrases | None:
        words = wording(paths.dialogs_dir())
        return Paraphrases({name: list(p) for name, p in intents.items()}, words) if words else None

    def _paraphrased(self, text: str, intents: Collection[str] | Mapping[str, Collection[str]]) -> str | None:
        """The intent (or named option) `text` paraphrases among `intents`, else None."""
        if isinstance(intents, Mapping):
            words = self.paraphrases.words if self.paraphrases else None
            return Paraphrases({k: list(v) for k, v in intents.items()}, words).match(text) if words else None
        return self.paraphrases.match(text, set(intents)) if self.paraphrases else None

    def learn(self, vocabulary: IntentMatcher) -> None:
        """Also understand `vocabulary`'s intents (e.g. the companion's activation phrases); idempotent.
        A phrasing claimed by two intents raises IntentError naming both files."""
        new = {name: list(p) for name, p in vocabulary.intents.items() if name not in self.matcher.intents}
        if new:
            self.matcher = IntentMatcher({**{n: list(p) for n, p in self.matcher.intents.items()}, **new},
                                         f"{self.matcher.source} + {vocabulary.source}")
            self.paraphrases = self._paraphrases(self.matcher.intents)

    # -- phrases for the recogniser ----------------------------------------------------------------
    def phrases_for(self, intents: Collection[str], extra: Collection[str] = ()) -> tuple[str, ...]:
        """Phrase list for a restricted grammar over `intents` (safety always included) plus `extra`."""
        names = [*intents, *(() if "safety" in intents else ("safety",))]
        return tuple(dict.fromkeys([*self.matcher.phrases_for(names), *extra]))

    def phrases(self, step: Step) -> tuple[str, ...]:
        """Phrase list for a step's restricted grammar; empty for a free answer."""
        if step.listen == "free":
            return ()
        options = [normalise(p) for phrasings in step.options.values() for p in phrasings] \
            if step.listen == "choice" else []
        return self.phrases_for([*GLOBAL_COMMANDS, *KIND_INTENTS.get(step.listen, ())], options)

    def sentinel(self, step: Step) -> tuple[str, ...]:
        """Phrases to catch inside a free answer: time out and safety are never lost in free speech."""
        if step.listen != "free":
            return ()
        spoken = getattr(self.danger, "spoken_phrases", None)  # the lexicon's phrasings (a DangerCheck may lack them)
        return tuple(dict.fromkeys([*self.matcher.phrases_for(SENTINEL_INTENTS), *(spoken() if spoken else ())]))

    # -- meaning -----------------------------------------------------------------------------------
    def decide(self, heard: Heard | None, kind: str, intents: Collection[str],
               options: Mapping[str, Collection[str]] | None = None, paraphrase: bool = True) -> Decision:
        """Which of `intents` an utterance heard while listening for `kind` means.

        Danger (DangerCheck) always wins, at any confidence; otherwise the intent must be among `intents`
        and its confidence reach the policy's threshold for `kind`. `options`: named choices whose phrasings
        must match the whole utterance (the choice's name is the intent). `paraphrase`: when nothing listed
        matches, also a paraphrase of an intent, then of an option (assistant/paraphrase.py).
        """
        if heard is None or not heard.utterance.text.strip():
            return Decision(None, heard, "silence")
        text, confidence = heard.utterance.text, heard.utterance.confidence
        danger = self.danger.assess(text)
        if danger == "danger":
            return Decision("safety", heard, "danger", danger)
        intent = self.matcher.match(text, {name for name in intents if name != "safety"})
        if intent in CONTAINED_INTENTS and not stands_as_command(text, self.matcher.intents[intent]):
            intent = None  # "time out for the kids": the command's words used as a noun phrase
        if intent is None and options:
            said = normalise(text)
            intent = next((name for name, phrasings in options.items()
                           if said in {normalise(p) for p in phrasings}), None)
        if intent is None and paraphrase:
            intent = self._paraphrased(text, [n for n in intents if n != "safety"])
            if intent is None and options:
                intent = self._paraphrased(text, options)
        if intent is None or intent == "safety":  # the DangerCheck, not a phrase list, decides safety
            return Decision(None, heard, "no_match", danger)
        if not self.policy.accepts(kind, confidence, intent):
            _LOGGER.debug("%s heard at confidence %.2f below the %s threshold", intent, confidence, kind)
            return Decision(None, heard, "low_confidence", danger)
        return Decision(intent, heard, "accepted", danger)

    def decide_under_voice(self, heard: Heard | None, kind: str, intents: Collection[str]) -> Decision:
        """`decide` for a phrase heard while the assistant's own line plays (barge-in).

        Danger of either tier becomes the ambiguous tier (intent "safety", danger "ambiguous": the calm
        question, never the full stop): under our own voice the words may be what the echo canceller left of
        it, so a partner who said it is asked once, and our voice can no longer start the crisis response.
        """
        return _asked_about(self.decide(heard, kind, intents))

    def decide_unaddressed(self, heard: Heard | None, kind: str, intents: Collection[str],
                           options: Mapping[str, Collection[str]] | None = None) -> Decision:
        """`decide` for the idle listen, where nobody addressed the assistant (dialogs/README.md).

        Danger of either tier that a recogniser heard (the utterance has audio) becomes the ambiguous tier
        (intent "safety", danger "ambiguous": the calm question, never the full stop): there the words are a
        closed grammar's best match for whatever the room said, a television included. Typed danger (no audio)
        is what someone chose to tell the assistant: it stays the full stop.
        """
        decision = self.decide(heard, kind, intents, options)
        return decision if heard is None or not heard.pcm else _asked_about(decision)

    def interpret(self, heard: Heard | None, step: Step, duration_s: float = 0.0) -> Event:
        """Map an utterance (None: silence) heard at `step` to a machine event."""
        if heard is None:
            return Event("silence")
        kind = step.listen
        command = self.decide(heard, kind, GLOBAL_COMMANDS, paraphrase=kind == "free")
        if command.intent is not None:
            return Event(command.intent, intent=command.intent, danger=command.danger)
        event = self._answer(heard, step, duration_s)
        if event.trigger == "no_match" and command.reason == "no_match":  # listed answers before paraphrases
            intent = self._paraphrased(heard.utterance.text, [n for n in GLOBAL_COMMANDS if n != "safety"])
            if intent is not None and self.policy.accepts(kind, heard.utterance.confidence, intent):
                return Event(intent, intent=intent, danger=command.danger)
        return Event(event.trigger, event.answer, event.intent, command.danger)

    def _answer(self, heard: Heard, step: Step, duration_s: float) -> Event:
        text = heard.utterance.text
        if step.listen == "free":
            if normalise(text):
                key = "blame" if self.blame.blames(text) else None
                return Event("answer", Answer(key=key, intent="answer", text=text, duration_s=duration_s), "answer")
            return Event("no_match")
        if not self.policy.accepts(step.listen, heard.utterance.confidence):
            return Event("no_match")
        if step.listen == "rating":
            value = rating(text)
            if value is not None:
                return Event("answer", Answer(intent="rating", rating=value, duration_s=duration_s), "rating")
        elif step.listen == "choice":
            said = normalise(text)
            option = next((option for option, phrasings in step.options.items()
                           if said in {normalise(p) for p in phrasings}), None) or self._paraphrased(
                text, step.options)
            if option is not None:
                return Event("answer", Answer(key=option, intent=option, duration_s=duration_s), option)
        else:
            listened = KIND_INTENTS.get(step.listen, ())
            intent = self.matcher.match(text, set(listened)) or self._paraphrased(text, listened)
            if intent is not None and intent != "safety":
                return Event("answer", Answer(key=intent, intent=intent, duration_s=duration_s), intent)
        return Event("no_match")


def _asked_about(decision: Decision) -> Decision:
    """Danger of either tier as the ambiguous tier (intent "safety": the calm question, never the full stop)."""
    if decision.danger == "none":
        return decision
    return Decision("safety", decision.heard, "danger", "ambiguous")
