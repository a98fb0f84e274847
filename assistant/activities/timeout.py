"""The time-out flow: acknowledge, breathe, cool off, check back, then resume, reschedule or stop.

Runs on the conversation's clock, listener and voice, so a 20-minute cool-off takes moments on a
VirtualClock. All words come from dialogs/timeout.yaml (dialog ids `timeout.*`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from assistant.audio.base import Clip
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary, Line
from assistant.dialog.safety_message import safety_line
from assistant.intents import normalise
from assistant.interpret import Question
from assistant.listening import Heard
from assistant.schedule.rules import parse_hhmm
from assistant.store.records import SessionEvent, SessionStatus, TimeOut, new_id
from assistant.timeout.breathing import BreathingPlan, plan_breathing, render_cues
from assistant.timeout.cooloff import RETURN_CHOICES, cooloff_seconds, return_time, wait_cooloff
from assistant.timeout.spoken import spoken_time

if TYPE_CHECKING:
    from assistant.conversation import Conversation
    from assistant.dialog.machine import DialogModel, Position
    from assistant.store.protocol import RecordStore

_LOGGER = logging.getLogger(__name__)

Outcome = Literal["resume", "reschedule", "stop", "safety"]
MAX_QUIET_CHECKBACKS = 3
"""Check-backs answered by silence before the time out ends with the place saved."""
CHECKBACK_INTENTS = ("ready", "more_time", "later", "stop")


@dataclass
class TimeOutResult:
    """How one time out ended (also stored as a TimeOut record)."""

    outcome: Outcome
    record: TimeOut
    return_at: datetime | None = None


@dataclass
class ConversationVoice:
    """Speaking and hearing for the flow, through the Conversation (interpreted and logged there)."""

    conversation: Conversation
    library: DialogLibrary
    state: str = "timeout"
    lines: list[Line] = field(default_factory=list)

    def say(self, dialog_id: str, **slots: object) -> Line:
        line = self.library.render(dialog_id, **slots)
        self.lines.append(line)
        self.conversation.say(line, self.state)
        return line

    def hear(self, kind: str, step: str, intents: tuple[str, ...], timeout_s: float | None = None,
             extra_phrases: tuple[str, ...] = (), who: str = "both",
             options: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> tuple[str | None, Heard | None]:
        """Listen once; the intent among `intents` or `options` (safety always), or None for silence or
        anything else."""
        question = Question(kind, step, intents, extra_phrases, timeout_s, who, options)
        decision = self.conversation.hear(question, self.state)
        return decision.intent, decision.heard

    def play(self, clip: Clip) -> float:
        """Play a non-speech clip; without an audio output the clock simply waits its length."""
        return self.conversation.play(clip, self.state)


class TimeOutFlow:
    """The time out, usable as `Conversation.time_out` or run directly (`assistant timeout`)."""

    def __init__(self, settings: Settings, library: DialogLibrary, store: RecordStore) -> None:
        self.settings = settings
        self.library = library
        self.store = store
        self.results: list[TimeOutResult] = []

    def __call__(self, conversation: Conversation, model: DialogModel | None,
                 position: Position | None) -> str:
        activity = str(getattr(model.activity, "name", model.script.script)) if model is not None else ""
        return self.run(conversation, activity, position.step if position else "").outcome

    def run(self, conversation: Conversation, activity: str = "", step: str = "") -> TimeOutResult:
        """The whole time out; `activity`/`step`: what it interrupted ("" from idle)."""
        clock, voice, session = conversation.clock, ConversationVoice(conversation, self.library), new_id()
        started = clock.now()
        voice.say("timeout.acknowledge")  # first: the acknowledgement latency is what the partners feel
        self._status(session, "started", started, step)
        cycles, outcome = self._breathing(voice)
        cooled, return_at = 0.0, None
        if outcome is None:
            outcome, cooled = self._cool_off(voice, conversation)
        if outcome == "reschedule":
            return_at = self._reschedule(voice, conversation)
        self._close(voice, outcome, activity)
        record = TimeOut(at=clock.now().isoformat(), started_at=started.isoformat(), interrupted_activity=activity,
                         interrupted_step=step, breathing_cycles=cycles, cooloff_s=round(cooled, 3),
                         outcome="stop" if outcome == "safety" else outcome,
                         return_at=return_at.isoformat() if return_at else None)
        self.store.append(record)
        self._status(session, "completed" if outcome != "stop" else "stopped", clock.now(), step)
        result = TimeOutResult(outcome, record, return_at)
        self.results.append(result)
        return result

    def _breathing(self, voice: ConversationVoice) -> tuple[int, Outcome | None]:
        voice.say("timeout.breathing_offer")
        intent, _ = voice.hear("yes_no", "timeout_breathing_offer", ("yes", "no", "stop"))
        if intent == "stop":
            return 0, "stop"
        if intent == "safety":
            return 0, "safety"
        if intent == "no":
            voice.say("timeout.breathing_skipped")
            return 0, None
        settings = self.settings.timeout
        plan = plan_breathing(settings)
        voice.say(f"timeout.breathing_intro_{plan.pattern}", cycles=plan.cycles, inhale=f"{settings.inhale_s:g}",
                  exhale=f"{settings.exhale_s:g}")
        if not voice.conversation.plays_audio:
            self._spoken_cues(voice, plan)
            played = plan.total_s
        else:
            played = voice.play(Clip(render_cues(plan), "", "timeout.breathing_cues"))
        voice.say("timeout.breathing_done")
        return plan.cycles_done(played), None

    def _spoken_cues(self, voice: ConversationVoice, plan: BreathingPlan) -> None:
        """Without an audio output (--io text): the cues as spoken/printed words, on the clock."""
        clock = voice.conversation.clock
        start = clock.monotonic()
        for cue in plan.cues:
            clock.sleep(cue.onset_s - (clock.monotonic() - start))
            voice.say(f"timeout.cue_{cue.kind}")
        clock.sleep(plan.total_s - (clock.monotonic() - start))

    def _cool_off(self, voice: ConversationVoice, conversation: Conversation) -> tuple[Outcome, float]:
        seconds = cooloff_seconds(self.settings.timeout)
        voice.say("timeout.cooloff_start", minutes=f"{seconds / 60:g}")
        total, quiet = 0.0, 0
        while True:
            waited = wait_cooloff(voice, conversation.clock, seconds)
            total += waited.seconds
            if waited.end != "done":
                return waited.end, total
            answer = self._check_back(voice)
            if answer == "ready":
                return "resume", total
            if answer == "stop":
                return "stop", total
            if answer == "safety":
                return "safety", total
            if answer == "later":
                return "reschedule", total
            quiet = quiet + 1 if answer is None else 0
            if quiet >= MAX_QUIET_CHECKBACKS:
                voice.say("timeout.no_answer")
                return "stop", total
            voice.say("timeout.cooloff_more" if answer else "timeout.checkback_silence", minutes=f"{seconds / 60:g}")

    def _check_back(self, voice: ConversationVoice) -> str | None:
        """Both partners, by name: "ready" from each resumes; anything else is returned at once."""
        for index, partner in enumerate(self.settings.partners):
            dialog_id = "timeout.checkback" if index == 0 else "timeout.checkback_partner"
            answer = None
            for attempt in range(2):
                voice.say(dialog_id if attempt == 0 else "timeout.checkback_options", partner=partner)
                answer, heard = voice.hear("ready", f"timeout_ready_{index + 1}", CHECKBACK_INTENTS, who=partner)
                if answer is not None or heard is None:
                    break
            if answer != "ready":
                return answer
        return "ready"

    def _reschedule(self, voice: ConversationVoice, conversation: Conversation) -> datetime:
        options = tuple((choice, tuple(normalise(p) for p in self.library.prompts[f"timeout.phrases_{choice}"]))
                        for choice in RETURN_CHOICES)
        choice = RETURN_CHOICES[0]
        for attempt in range(2):
            voice.say("timeout.return_options" if attempt == 0 else "timeout.return_options_again")
            said, _ = voice.hear("choice", "timeout_return", ("stop",), options=options)
            if said in RETURN_CHOICES:
                choice = said
                break
        now = conversation.clock.now()
        when = return_time(choice, now, self.settings.timeout, parse_hhmm(self.settings.schedule.checkin_time))
        voice.say(f"timeout.rescheduled_{choice}", time=spoken_time(self.library, when))
        return when

    def _close(self, voice: ConversationVoice, outcome: Outcome, activity: str) -> None:
        where = "" if activity else "_idle"
        if outcome == "resume":
            voice.say(f"timeout.resume{where}")
        elif outcome == "stop":
            voice.say(f"timeout.stopped{where}")
        elif outcome == "safety" and not activity:
            line = safety_line(self.library, self.settings.safety.country)
            voice.lines.append(line)
            voice.conversation.say(line, voice.state)

    def _status(self, session: str, status: SessionStatus, when: datetime, step: str) -> None:
        self.store.append(SessionEvent(at=when.isoformat(), session_id=session, activity="timeout",
                                       status=status, step=step))
