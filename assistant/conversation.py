"""The turn engine: speak the machine's outbox, listen for the step, fire what the interpreter decided.

Flows outside a dialog machine (time out, consent, invitations, the idle companion) speak and listen
through the same object: `say(line)`, `hear(question)`, `ask(line, question)`; every utterance is
interpreted by the one Interpreter and logged in the one transcript.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from assistant.audio.base import Clip, ListenRequest, Playback
from assistant.clock import Clock
from assistant.dialog.activity import Answer
from assistant.dialog.library import Line
from assistant.dialog.machine import DialogModel, Position
from assistant.display import Display
from assistant.interpret import Decision, Event, Interpreter, Question
from assistant.listening import Heard, Listening
from assistant.transcript import Transcript, Turn

_LOGGER = logging.getLogger(__name__)

STALLED = "stalled"
"""`run`'s result when the turn budget ran out (the session is paused at its place)."""
WAY_OUT_AFTER_MISSES = 2
"""Misses in a row at one step (no match, low confidence) after which the way out is offered."""
MOVE_ON_AFTER_MISSES = 3
"""Misses in a row after which the step is left, its answer recorded as unanswered."""
UNANSWERED = "unanswered"

TimeOutHook = Callable[["Conversation", DialogModel | None, Position | None], str]
"""The time-out flow: returns "resume", "reschedule", "stop" or "safety"."""
SafetyCheckHook = Callable[["Conversation", str], bool]
"""Asked (with the current state) when the DangerCheck found an utterance ambiguous; True: give the safety
response. Its own question listens at the step SAFETY_CHECK_STEP, which is never checked again."""
SAFETY_CHECK_STEP = "safety_check"


class BargeInWatching(Protocol):
    """Listens while a line plays (assistant.timeout.bargein.BargeInWatcher)."""

    def watch(self, playback: Playback, clip_text: str, clip_duration_s: float) -> Any:
        """None, or an event with `intent`, `text`, `endpoint_at` and `danger` when a partner interrupted."""
        ...


@dataclass
class TurnTiming:
    """Latency of one turn: from the recogniser's endpoint to the first sample of the reply."""

    endpoint_at: float
    reply_started_at: float

    @property
    def latency_s(self) -> float:
        return self.reply_started_at - self.endpoint_at


@dataclass
class Conversation:
    """Runs dialog models to a final state, and speaks and listens for flows, through one hearer and voice."""

    listener: Listening
    interpreter: Interpreter
    say_line: Callable[[Line], None]
    """The voice: speak one line to its end (wired by assistant.pipeline)."""
    clock: Clock
    transcript: Transcript = field(default_factory=Transcript)
    speaker_of: Callable[[DialogModel], str] = lambda model: model.answerer()
    time_out: TimeOutHook | None = None
    """The time-out flow (assigned by assistant.pipeline). None: "time out" only pauses the session."""
    safety_check: SafetyCheckHook | None = None
    """Asked about ambiguous utterances. None: they are ordinary answers."""
    help_line: Callable[[], Line] | None = None
    """The quiet "help line" answer (the support numbers, without saying why)."""
    play_line: Callable[[Line], Playback] | None = None
    """Start speaking a line without waiting; with `barge_in`, lines can be interrupted."""
    play_clip: Callable[[Clip], float] | None = None
    """Play a non-speech clip (breathing cues) to its end; returns the seconds played. None: no audio."""
    clip_after: Callable[[Line], Clip | None] | None = None
    """Audio that belongs after a step's line, e.g. a partner's own recorded commitment (assistant.recordings)."""
    on_heard: Callable[[Heard | None, str], None] | None = None
    """Told of each answer heard at a step (with its audio, when the hearer has it) and the step's id."""
    barge_in: BargeInWatching | None = None
    display: Display | None = None
    """The terminal in audio mode: what is said and what the interpreter decided was heard."""
    max_turns: int | None = None
    """Turn budget: utterances listened for in `run` before it gives up with STALLED (None: no limit)."""
    timings: list[TurnTiming] = field(default_factory=list)
    turns_heard: int = 0
    _pending_endpoint: float | None = None
    _barged: Event | None = None
    _misses: tuple[Position | None, int] = (None, 0)

    # -- flows: say, hear, ask, play ---------------------------------------------------------------
    def say(self, line: Line, state: str = "", interruptible: bool = False) -> None:
        """Say one line (logged, timed); `interruptible`: a time out or stop may cut it short (barge-in)."""
        if self._pending_endpoint is not None:
            self.timings.append(TurnTiming(self._pending_endpoint, self.clock.monotonic()))
            self._pending_endpoint = None
        self.transcript.add(Turn(who="assistant", text=line.text, state=state, time=self.clock.now().isoformat(),
                                 dialog_id=line.dialog_id, slots=dict(line.slots)))
        if self.display is not None:
            self.display.said(line.text)
        if not interruptible or self.barge_in is None or self.play_line is None:
            self.say_line(line)
            return
        playback = self.play_line(line)
        clip = getattr(playback, "clip", None)
        event = self.barge_in.watch(playback, line.text, clip.duration if clip is not None else 0.0)
        if event is not None:
            self._barged = Event(event.intent, intent=event.intent, danger=event.danger)
            self._pending_endpoint = event.endpoint_at
            if self.display is not None:
                self.display.heard(event.text, event.intent)
            kept = "" if event.danger != "none" else event.text  # words of a possible danger are not kept
            self.transcript.add(Turn(who="both", text=kept, state=state, time=self.clock.now().isoformat(),
                                     listen="barge_in", intent=event.intent, event=event.intent))

    def say_help_line(self, state: str = "") -> Line | None:
        """The quiet path: the resources in a few words, without a word of why; the line said (None: none wired)."""
        if self.help_line is None:
            return None
        line = self.help_line()
        self.say(line, state)
        return line

    def hear(self, question: Question, state: str = "") -> Decision:
        """Listen once for `question` and decide (via the interpreter) which of its intents was said."""
        extra = (*question.extra_phrases, *(p for _, phrasings in question.options for p in phrasings))
        request = ListenRequest(kind=question.kind, step=question.step,
                                phrases=self.interpreter.phrases_for(question.intents, extra))
        heard = self.listener.listen(request, question.timeout_s)
        decide = self.interpreter.decide if question.addressed else self.interpreter.decide_unaddressed
        decision = decide(heard, question.kind, question.intents, dict(question.options))
        if (decision.danger == "ambiguous" and decision.intent is None and self.safety_check is not None
                and question.step != SAFETY_CHECK_STEP and self.safety_check(self, state)):
            decision = replace(decision, intent="safety", reason="danger")
        self._log_heard(heard, question.who, state, question.kind, decision.intent,
                        decision.intent or ("silence" if heard is None else "ignored"))
        return decision

    def ask(self, line: Line, question: Question, state: str = "") -> Decision:
        """Say `line`, then hear the answer to `question`."""
        self.say(line, state)
        return self.hear(question, state)

    def play(self, clip: Clip, state: str = "") -> float:
        """Play a non-speech clip; without an audio output the clock simply waits its length."""
        self.transcript.add(Turn(who="assistant", text="", state=state, time=self.clock.now().isoformat(),
                                 dialog_id=clip.dialog_id))
        if self.play_clip is None:
            self.clock.sleep(clip.duration)
            return clip.duration
        return self.play_clip(clip)

    @property
    def plays_audio(self) -> bool:
        """True when clips are really played (False: text mode, where cues are spoken as words)."""
        return self.play_clip is not None

    # -- dialog machines ---------------------------------------------------------------------------
    def run(self, model: DialogModel, resume_at: Position | None = None) -> str:
        """Drive `model` until it is completed, paused, stopped or in a safety response; return that state
        (STALLED when the turn budget ran out: the model is then paused at its place)."""
        if resume_at is not None:
            model.outbox.append(model.library.render("common.resumed"))
            model.machine_set(resume_at)
        elif model.state == "idle":
            model.fire("start")
        while True:
            self._speak(model)
            if self._barged is not None:
                self._after_barge_in(model, self._barged)
                continue
            if model.finished:
                return model.state
            step = model.step
            assert step is not None
            if not model.items():
                model.fire("skip")
                continue
            if step.pause_s:
                self.clock.sleep(step.pause_s)
            if step.listen == "none":
                model.fire("answer", answer=Answer())
                continue
            if self.max_turns is not None and self.turns_heard >= self.max_turns:
                return self._stall(model)
            self._take(model, self._listen(model))

    def _take(self, model: DialogModel, event: Event) -> None:
        """Act on one event: time out, safety check, never stuck, or the machine's own trigger."""
        if event.trigger == "time_out" and self.time_out is not None:
            self._take_time_out(model)
            return
        if event.trigger == "help_line":  # the quiet path: the numbers, then the same step goes on
            self.say_help_line(model.state)
            return
        if event.danger == "ambiguous" and self.safety_check is not None:
            if self.safety_check(self, model.state):
                model.fire("safety")
            elif event.trigger == "answer":
                model.fire("skip")  # "no, it's just hard to talk about": the answer's words are not kept
            else:
                model.fire(event.trigger, answer=event.answer)
            return
        misses = self._count_miss(model, event)
        if misses >= MOVE_ON_AFTER_MISSES:
            model.outbox.append(model.library.render("common.moving_on"))
            model.fire("answer", answer=Answer(intent=UNANSWERED))
            return
        model.fire(event.trigger, answer=event.answer)
        if misses == WAY_OUT_AFTER_MISSES:
            model.outbox.append(model.library.render("common.way_out"))

    def _count_miss(self, model: DialogModel, event: Event) -> int:
        """Misses in a row at the current step and item (0 after anything else)."""
        if event.trigger != "no_match":
            self._misses = (None, 0)
            return 0
        here = Position(model.state, model.item)
        where, count = self._misses
        count = count + 1 if where == here else 1
        self._misses = (here, 0 if count >= MOVE_ON_AFTER_MISSES else count)
        return count

    def _stall(self, model: DialogModel) -> str:
        _LOGGER.warning("turn budget of %s exhausted at step %s", self.max_turns, model.state)
        position = Position(model.state, model.item)
        model.fire("pause")
        model.take_outbox()
        model.paused_at, model.pause_reason = position, STALLED
        return STALLED

    def _take_time_out(self, model: DialogModel) -> None:
        """Run the time-out flow; then resume at the exact step, or leave the session paused there."""
        assert self.time_out is not None
        position = Position(model.state, model.item)
        outcome = self.time_out(self, model, position)
        if outcome == "resume":
            model.machine_set(position)
        elif outcome == "safety":
            model.fire("safety")
        else:
            model.fire("pause")
            model.pause_reason = "time_out"

    def _after_barge_in(self, model: DialogModel, event: Event) -> None:
        """A phrase heard over our line: the time-out flow; danger (always the ambiguous tier here, see
        Interpreter.decide_under_voice) gets the calm question, and "no" says the interrupted step again."""
        self._barged = None
        if event.trigger == "time_out" and self.time_out is not None:
            self._take_time_out(model)
        elif event.danger == "ambiguous" and self.safety_check is not None:
            position = Position(model.state, model.item)
            if self.safety_check(self, model.state):
                model.fire("safety")
            else:
                model.machine_set(position)
        else:
            model.fire(event.trigger)

    def _listen(self, model: DialogModel) -> Event:
        step = model.step
        assert step is not None
        request = ListenRequest(kind=step.listen, step=step.id, phrases=self.interpreter.phrases(step),
                                sentinel=self.interpreter.sentinel(step))
        who = self.speaker_of(model)
        prompt_ended = self.clock.monotonic()
        heard = self.listener.listen(request)
        self.turns_heard += 1
        if self.on_heard is not None:
            self.on_heard(heard, step.id)
        event = self.interpreter.interpret(heard, step, self.clock.monotonic() - prompt_ended)
        self._log_heard(heard, who, model.state, step.listen, event.intent, event.trigger)
        return event

    def _log_heard(self, heard: Heard | None, who: str, state: str, kind: str, intent: str | None,
                   event: str) -> None:
        if heard is not None:
            self._pending_endpoint = heard.endpoint_at
            if self.display is not None:
                self.display.heard(heard.utterance.text, intent)
        self.transcript.add(Turn(
            who=who, text=heard.utterance.text if heard else "", state=state, time=self.clock.now().isoformat(),
            listen=kind, intent=intent, event=event,
            confidence=round(heard.utterance.confidence, 3) if heard else None))

    def _speak(self, model: DialogModel) -> None:
        interruptible = self.barge_in is not None and self.play_line is not None and model.step is not None
        for line in model.take_outbox():
            self.say(line, model.state, interruptible)
            if self._barged is not None:
                return  # the rest of the outbox is dropped: the partner interrupted
            if self.clip_after is not None and self.play_clip is not None and (clip := self.clip_after(line)):
                self.play(clip, model.state)
