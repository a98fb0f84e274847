"""The listen-speak loop: speak the machine's outbox, listen for the step, fire the matching trigger."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from assistant.audio.base import ListenRequest
from assistant.clock import Clock
from assistant.dialog.activity import Answer
from assistant.dialog.library import Line
from assistant.dialog.machine import DialogModel, Position
from assistant.interpret import Event, Interpreter
from assistant.listener import Heard, Listener
from assistant.transcript import Transcript, Turn

_LOGGER = logging.getLogger(__name__)


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
    _pending_endpoint: float | None = None

    def run(self, model: DialogModel, resume_at: Position | None = None) -> str:
        """Drive `model` until it is completed, paused, stopped or in a safety response; return that state."""
        if resume_at is not None:
            model.outbox.append(model.library.render("common.resumed"))
            model.machine_set(resume_at)
        elif model.state == "idle":
            model.start()  # type: ignore[attr-defined]
        while True:
            self._speak(model)
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
            model.trigger(event.trigger, answer=event.answer)  # type: ignore[attr-defined]

    def _listen(self, model: DialogModel) -> Event:
        step = model.step
        assert step is not None
        request = ListenRequest(kind=step.listen, step=step.id, phrases=self.interpreter.phrases(step))
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
        for line in model.take_outbox():
            if self._pending_endpoint is not None:
                self.timings.append(TurnTiming(self._pending_endpoint, self.clock.monotonic()))
                self._pending_endpoint = None
            self.transcript.add(Turn(who="assistant", text=line.text, state=model.state,
                                     time=self.clock.now().isoformat(), dialog_id=line.dialog_id,
                                     slots=dict(line.slots)))
            self.say_line(line)
