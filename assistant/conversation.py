"""The listen-speak loop: speak the machine's outbox, listen for the step, fire the matching trigger."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from assistant.audio.base import AudioSink, Clip, ListenRequest, Playback
from assistant.clock import Clock
from assistant.dialog.activity import Answer
from assistant.dialog.library import Line
from assistant.dialog.machine import DialogModel, Position
from assistant.interpret import Event, Interpreter
from assistant.listener import Heard, Listener
from assistant.transcript import Transcript, Turn

_LOGGER = logging.getLogger(__name__)


class Speaker(Protocol):
    """What the loop needs of a speaker (assistant.tts.worker.FallbackSpeaker)."""

    def say(self, text: str, dialog_id: str = "") -> Playback: ...


def voice_hooks(speaker: Speaker, sink: AudioSink) -> dict[str, Any]:
    """`say_line`, `play_line` and `play_clip` for a Conversation speaking through `speaker` into `sink`."""

    def play_clip(clip: Clip) -> float:
        playback = sink.play(clip)
        playback.wait()
        return playback.played_seconds

    return {"say_line": lambda line: speaker.say(line.text, line.dialog_id).wait(),
            "play_line": lambda line: speaker.say(line.text, line.dialog_id), "play_clip": play_clip}


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
    """Runs one dialog model to a final state through a listener and a voice."""

    listener: Listener
    interpreter: Interpreter
    say_line: Callable[[Line], None]
    clock: Clock
    transcript: Transcript = field(default_factory=Transcript)
    speaker_of: Callable[[DialogModel], str] = lambda model: str(model.slots().get("partner", "user"))
    timings: list[TurnTiming] = field(default_factory=list)
    time_out: Callable[[Conversation, DialogModel | None, Position | None], str] | None = None
    """The time-out flow (assistant.timeout.activity.TimeOutFlow): returns "resume", "reschedule", "stop"
    or "safety". None: "time out" only pauses the session (the machine's own transition)."""
    play_line: Callable[[Line], Playback] | None = None
    """Start speaking a line without waiting; with `barge_in`, lines can be interrupted."""
    play_clip: Callable[[Clip], float] | None = None
    """Play a non-speech clip (breathing cues) to its end; returns the seconds played. None: no audio."""
    barge_in: Any = None
    """A BargeInWatcher (assistant.timeout.bargein): listens for time out/stop while a line plays."""
    _pending_endpoint: float | None = None
    _barged: str | None = None

    def run(self, model: DialogModel, resume_at: Position | None = None) -> str:
        """Drive `model` until it is completed, paused, stopped or in a safety response; return that state."""
        if resume_at is not None:
            model.outbox.append(model.library.render("common.resumed"))
            model.machine_set(resume_at)
        elif model.state == "idle":
            model.start()  # type: ignore[attr-defined]
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
                model.trigger("skip")  # type: ignore[attr-defined]
                continue
            if step.pause_s:
                self.clock.sleep(step.pause_s)
            if step.listen == "none":
                model.trigger("answer", answer=Answer())  # type: ignore[attr-defined]
                continue
            event = self._listen(model)
            if event.trigger == "time_out" and self.time_out is not None:
                self._take_time_out(model)
                continue
            model.trigger(event.trigger, answer=event.answer)  # type: ignore[attr-defined]

    def _take_time_out(self, model: DialogModel) -> None:
        """Run the time-out flow; then resume at the exact step, or leave the session paused there."""
        assert self.time_out is not None
        position = Position(model.state, model.item)
        outcome = self.time_out(self, model, position)
        if outcome == "resume":
            model.machine_set(position)
        elif outcome == "safety":
            model.trigger("safety")  # type: ignore[attr-defined]
        else:
            model.trigger("pause")  # type: ignore[attr-defined]
            model.pause_reason = "time_out"

    def _after_barge_in(self, model: DialogModel, intent: str) -> None:
        self._barged = None
        if intent == "time_out" and self.time_out is not None:
            self._take_time_out(model)
        else:
            model.trigger("time_out" if intent == "time_out" else intent)  # type: ignore[attr-defined]

    def _listen(self, model: DialogModel) -> Event:
        step = model.step
        assert step is not None
        request = ListenRequest(kind=step.listen, step=step.id, phrases=self.interpreter.phrases(step),
                                sentinel=self.interpreter.sentinel(step))
        who = self.speaker_of(model)
        prompt_ended = self.clock.monotonic()
        heard: Heard | None = self.listener.listen(request)
        duration = self.clock.monotonic() - prompt_ended
        event = self.interpreter.interpret(heard, step, duration)
        if heard is not None:
            self._pending_endpoint = heard.endpoint_at
        self.transcript.add(Turn(
            who=who, text=heard.utterance.text if heard else "", state=model.state,
            time=self.clock.now().isoformat(), listen=step.listen, intent=event.intent, event=event.trigger,
            confidence=round(heard.utterance.confidence, 3) if heard else None))
        return event

    def _speak(self, model: DialogModel) -> None:
        interruptible = self.barge_in is not None and self.play_line is not None and model.step is not None
        for line in model.take_outbox():
            self.speak(line, model.state, interruptible)
            if self._barged is not None:
                return  # the rest of the outbox is dropped: the partner interrupted

    def speak(self, line: Line, state: str, interruptible: bool = False) -> None:
        """Say one line (logged, timed); `interruptible`: a time out or stop may cut it short (barge-in)."""
        if self._pending_endpoint is not None:
            self.timings.append(TurnTiming(self._pending_endpoint, self.clock.monotonic()))
            self._pending_endpoint = None
        self.transcript.add(Turn(who="assistant", text=line.text, state=state,
                                 time=self.clock.now().isoformat(), dialog_id=line.dialog_id,
                                 slots=dict(line.slots)))
        if not interruptible:
            self.say_line(line)
            return
        assert self.play_line is not None
        playback = self.play_line(line)
        clip = getattr(playback, "clip", None)
        duration = clip.duration if clip is not None else 0.0
        event = self.barge_in.watch(playback, line.text, duration)
        if event is not None:
            self._barged = event.intent
            self._pending_endpoint = event.endpoint_at
            self.transcript.add(Turn(who="both", text=event.text, state=state, time=self.clock.now().isoformat(),
                                     listen="barge_in", intent=event.intent, event=event.intent,
                                     confidence=None))
