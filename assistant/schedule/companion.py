"""The always-on companion: idle listening for activation phrases, scheduled invitations, sessions.

Everything runs on the injectable clock and through the same Conversation (listener + voice) as the
activities, so a month can be simulated on a VirtualClock and the real program runs on the machine.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo

from assistant import after_safety, paths, sessions
from assistant.activities import registry as activities
from assistant.after_safety import BOTH_ASKED
from assistant.clock import Clock
from assistant.config import Settings
from assistant.consent import ensure_consent
from assistant.conversation import SAFETY_CHECK_STEP, Conversation
from assistant.danger_check import last_alarm_category
from assistant.dialog.library import DialogLibrary, Line
from assistant.intents import IntentMatcher
from assistant.interpret import Question
from assistant.readback import READ_INTENTS, read_back
from assistant.recordings import wire_recordings
from assistant.safety import log_safety, safety_earlier_today, safety_line
from assistant.schedule.planner import Action
from assistant.schedule.reminders import RETURN_PROMPT
from assistant.schedule.rules import MAKEUP_PROMPT
from assistant.schedule.scheduler import Scheduler
from assistant.store.store import Store

_LOGGER = logging.getLogger(__name__)
COMMAND_INTENTS = ("resume", "time_out", "help", "safety")
"""Activation intents taken from dialogs/commands.yaml; the others come from dialogs/activation.yaml. Not "help line":
in the idle listen television chatter was heard as it in 9 more of 60 clips (`scripts/bench_idle_safety.py`), and
numbers read out to nobody are no quiet path; it works in every question the companion asks (below)."""
INVITE_INTENTS = ("ready", "yes", "resume", "later", "more_time", "no", "stop", "help", "time_out", "safety",
                  "help_line")
CONFIRM_FIRST = ("read_commitments", "read_agreement", "agreement_review")
"""Activations that read the couple's own words aloud: heard in idle (no invitation was answered), they wait for
a yes (`always_on.confirm_<intent>`), so a television or a guest heard as the phrase reads nothing out."""
CONFIRM_INTENTS = ("yes", "no", "stop", "time_out", "safety", "help", "help_line")
CALM_QUESTION = "safety_check"
"""`idle_once`'s result when danger heard in idle was asked about and the answer did not confirm it."""
DUE_DIALOG = {RETURN_PROMPT: "timeout.return_reminder"}
"""Prompts whose first invitation is not `always_on.<prompt>_due`."""


def invited_activity(prompt: str) -> activities.ActivityKind | None:
    """The activity a prompt invites to: a time out's return and a make-up prompt lead back to the check-in."""
    return activities.for_prompt("checkin_reminder" if prompt in (RETURN_PROMPT, MAKEUP_PROMPT) else prompt)


@dataclass
class Companion:
    """Listens between activities, speaks scheduled prompts, starts sessions."""

    conversation: Conversation
    library: DialogLibrary
    store: Store
    settings: Settings
    clock: Clock
    scheduler: Scheduler
    activation: IntentMatcher
    """Activation phrases (dialogs/activation.yaml), taught to the conversation's interpreter."""
    tz: tzinfo
    idle_chunk_s: float = 5.0
    """Longest single idle listen before the schedule is looked at again."""
    invite_timeout_s: float = 20.0
    seed: int | None = None
    said: deque[Line] = field(default_factory=lambda: deque(maxlen=100))
    sessions_run: list[tuple[str, str]] = field(default_factory=list)
    """(activity, final state) of every session started, newest last."""

    def __post_init__(self) -> None:
        self.conversation.interpreter.learn(self.activation)

    def say(self, dialog_id: str, **slots: object) -> None:
        line = self.library.render(dialog_id, partner_a=self.settings.partners[0],
                                   partner_b=self.settings.partners[1], **slots)
        self.said.append(line)
        self.conversation.say(line, "idle")

    def run(self, should_stop: Callable[[], bool], greet: bool = True) -> None:
        """Loop until `should_stop()`; an interruption propagates after sessions saved their place.

        On the first run both partners are asked for consent first; without it nothing runs (or is recorded).
        `greet=False`: no "ready" line (coming back after a lost microphone: assistant.schedule.resilient).
        """
        if not self.consent():
            return
        if greet:
            self.say("always_on.ready")
        while not should_stop():
            if self.tick():
                continue
            wait = min(self.idle_chunk_s, self.scheduler.seconds_until_next())
            if wait > 0:
                self.idle_once(wait)

    def consent(self) -> bool:
        """The first-run disclaimer and both partners' yes; a stored Consent means it is never asked again."""
        def say(line: Line) -> None:
            self.said.append(line)
            self.conversation.say(line, "consent")

        result = ensure_consent(self.store, self.library, self.clock, self.settings.partners,
                                paths.data_dir(self.settings.data_dir), say, self.conversation.hear,
                                country=self.settings.safety.country)
        return result.agreed

    def tick(self) -> bool:
        """Speak the prompt that is due, if any (let-go ones are only recorded). True when one was spoken.

        After a safety response, prompts due for the rest of that local day are held (recorded, not spoken).
        """
        if safety_earlier_today(self.store, self.clock.now().astimezone(self.tz)):
            self.scheduler.hold()
            return False
        action = self.scheduler.settle()
        if action is None:
            return False
        kind = invited_activity(action.rule.prompt)
        if kind is not None and kind.held_after_safety and after_safety.joint_checkins_held(
                self.store, self.settings.partners):
            self.scheduler.record(action, "held")  # no invitation to what would only say it is held
            return False
        self.invite(action)
        return True

    def idle_once(self, timeout_s: float) -> str | None:
        """Listen for one activation phrase for up to `timeout_s`; act on it; return its intent."""
        intents = (*COMMAND_INTENTS, *self.activation.names)
        heard = self.conversation.hear(Question("command", "idle", intents, timeout_s=timeout_s, addressed=False),
                                       "idle")
        intent = heard.intent
        if intent == "safety" and heard.danger == "ambiguous":  # Interpreter.decide_unaddressed: weak evidence
            return self.ask_about_danger()
        if intent in CONFIRM_FIRST:
            self.confirm_then_dispatch(intent)
        elif intent is not None:
            self.dispatch(intent)
        return intent

    def ask_about_danger(self) -> str:
        """Danger heard in the idle listen: one calm question, and only a person's answer acts (dialogs/README.md).

        "Yes" (or danger said in answer) gives the safety response, logged; "no" gets a gentle line, "help line"
        the numbers; silence, nothing more. None of these three records anything or holds the day.
        Returns "safety" when the response was given, else CALM_QUESTION.
        """
        self.say("always_on.danger_check")
        question = Question("yes_no", SAFETY_CHECK_STEP, ("yes", "no", "stop", "help_line"),
                            timeout_s=self.invite_timeout_s)
        answer = self.conversation.hear(question, "idle")
        if answer.intent in ("yes", "safety") or answer.danger != "none":
            self.dispatch("safety")
            return "safety"
        if answer.intent in ("no", "stop"):
            self.say("always_on.danger_check_no")
        elif answer.intent == "help_line":
            self.dispatch("help_line")
        return CALM_QUESTION

    def confirm_then_dispatch(self, intent: str) -> None:
        """Ask before reading private words aloud; only a yes reads them (a time out or safety still acts)."""
        self.say(f"always_on.confirm_{intent}")
        question = Question("yes_no", f"confirm_{intent}", CONFIRM_INTENTS, timeout_s=self.invite_timeout_s)
        answer = self.conversation.hear(question, "idle").intent
        if answer == "yes":
            self.dispatch(intent)
        elif answer in ("no", "stop"):
            self.say("always_on.not_read")
        elif answer is not None:  # time out, safety, help: acted on as anywhere else
            self.dispatch(answer)
        # silence: nothing is read, nothing more is said (most likely nobody asked)

    def invite(self, action: Action) -> None:
        """Speak a scheduled prompt (or its gentle retry) and act on the answer."""
        prompt = action.rule.prompt
        first = DUE_DIALOG.get(prompt, f"always_on.{prompt}_due")
        self.say(f"always_on.{prompt}_retry" if action.attempt else first)
        self.scheduler.record(action, "spoken")
        question = Question("ready", f"invite_{prompt}", INVITE_INTENTS, timeout_s=self.invite_timeout_s)
        intent = self.conversation.hear(question, "idle").intent
        if intent in ("ready", "yes") or (intent == "resume" and prompt in ("checkin_reminder", RETURN_PROMPT,
                                                                           MAKEUP_PROMPT)):
            self.scheduler.record(action, "answered")
            self.start(prompt)
        elif intent in ("later", "more_time"):
            self.scheduler.record(action, "snoozed")
            self.say("always_on.snoozed", minutes=self.settings.schedule.snooze_minutes)
        elif intent in ("no", "stop"):
            self.scheduler.record(action, "missed")
            self.say("always_on.not_now")
        elif intent is not None:
            self.dispatch(intent)
        # silence: the planner brings one gentle retry, then lets it go

    def start(self, prompt: str) -> None:
        """Run the activity a prompt invites to ("return": back after a rescheduled time out)."""
        kind = invited_activity(prompt)
        if kind is None:
            _LOGGER.warning("no activity settles the prompt %r", prompt)
            return
        self.dispatch("return" if prompt == RETURN_PROMPT else kind.starts_on[0])

    def dispatch(self, intent: str) -> None:
        """Act on an activation intent: start or resume an activity, a time out, safety, or help."""
        found = activities.for_intent(intent)
        if intent == "time_out":
            self.time_out()
        elif intent == "safety":
            line = safety_line(self.library, self.settings.safety.country)
            self.said.append(line)
            self.conversation.say(line, "idle")
            log_safety(self.store, self.clock, "idle", last_alarm_category(self.conversation.interpreter.danger))
        elif intent == "help_line":  # the quiet path: the numbers in a few words, nothing recorded or held
            said = self.conversation.say_help_line("idle")
            if said is not None:
                self.said.append(said)
        elif intent == BOTH_ASKED:  # after a safety hold: continue today only if the resume rule allows
            self._continue_after_safety()
        elif intent in READ_INTENTS:  # "what did we commit to?", "read our agreement"
            for line in read_back(intent, self.library, self.store):
                self.said.append(line)
                self.conversation.say(line, "idle")
        elif found is None:
            self.say("always_on.help")
        else:
            self._run(intent, *found)

    def _continue_after_safety(self) -> None:
        policy = after_safety.policy_now(self.store, self.settings.partners)
        if policy.joint_checkin != "when_both_ask":
            self.say(policy.dialog_id)
            return
        paused = sessions.paused_session(self.store, "checkin") is not None
        self._run(after_safety.BOTH_ASKED, activities.activity("checkin"), paused, after_safety=True)

    def _run(self, intent: str, kind: activities.ActivityKind, resume: bool, after_safety: bool = False) -> None:
        context = activities.SessionContext(self.store, self.library, self.settings, self.clock, self.tz, self.seed)
        session = sessions.new_session(kind.name, context, resume=resume, after_safety=after_safety)
        if resume and session.resume_at is None:
            if intent != "return":
                self.say("common.nothing_to_resume")
                return
            session = sessions.new_session(kind.name, context)  # nothing paused (a time out from idle): afresh
        wire_recordings(self.conversation, session.activity, paths.data_dir(self.settings.data_dir), self.store,
                        self.settings.partners)
        final = sessions.run_session(self.conversation, session)
        self.sessions_run.append((intent, final))
        if final in ("completed", "stopped"):
            self.scheduler.satisfy(kind.prompt)

    def time_out(self) -> None:
        """A time out from idle: the conversation's flow (breathe, cool off, come back or agree on a return)."""
        if self.conversation.time_out is None:
            _LOGGER.warning("no time-out flow is wired to this conversation")
            return
        if self.conversation.time_out(self.conversation, None, None) == "safety":
            log_safety(self.store, self.clock, "timeout", last_alarm_category(self.conversation.interpreter.danger))
