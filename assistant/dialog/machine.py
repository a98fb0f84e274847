"""The dialog machine: a `transitions` Machine built from a Script, driving a separate model object.

The model never touches audio: it queues Lines to say (its outbox) and records answers through its
Activity. The conversation driver (assistant/conversation.py) speaks the outbox, listens, and fires
the machine's triggers: answer, skip, back, repeat, help, silence, no_match, stop, time_out, safety.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from transitions import EventData, Machine

from assistant.dialog.activity import Activity, Answer
from assistant.dialog.library import DialogLibrary, Line
from assistant.dialog.safety_message import safety_line
from assistant.dialog.schema import LOW_RATING, Script, Step

FINAL_STATES = ("completed", "paused", "stopped", "safety")
GLOBAL_LISTEN_KIND_OPTIONS = {"yes_no": "common.options_yes_no", "rating": "common.options_rating",
                              "ready": "common.options_ready"}


@dataclass
class Position:
    """Where a session is: step id and which item of a repeated step."""

    step: str
    item: int = 0


@dataclass
class DialogModel:
    """State of one session. `state` is maintained by the Machine."""

    script: Script
    library: DialogLibrary
    activity: Activity
    max_silent_prompts: int = 2
    state: str = "idle"
    item: int = 0
    outbox: list[Line] = field(default_factory=list)
    history: list[Position] = field(default_factory=list)
    silent_count: int = 0
    last_line: Line | None = None
    paused_at: Position | None = None
    pause_reason: str = ""
    machine: Any = field(default=None, repr=False)
    """The transitions Machine driving this model (set by build_machine)."""

    def fire(self, event: str, **kwargs: Any) -> bool:
        """Fire a machine trigger (answer, skip, back, repeat, help, silence, no_match, stop, time_out,
        safety, pause, start) with keyword data such as `answer`."""
        if event not in self.machine.events:
            raise AttributeError(f"the dialog machine has no trigger {event!r}")
        return bool(self.machine.events[event].trigger(self, **kwargs))

    # -- what the driver asks ------------------------------------------------------------------
    @property
    def step(self) -> Step | None:
        return self.script.step(self.state) if self.state not in ("idle", *FINAL_STATES) else None

    @property
    def finished(self) -> bool:
        return self.state in FINAL_STATES

    def take_outbox(self) -> list[Line]:
        lines, self.outbox = self.outbox, []
        return lines

    def items(self) -> list[dict[str, object]]:
        """Items of the current step's loop (a branch step shares the items of the step that branched)."""
        step = self.step
        if step is None:
            return [{}]
        owner = branch_parent(self.script, step) if step.then == "return" else step
        return self.activity.items(owner)

    def answerer(self) -> str:
        """Who answers the current step: the item's partner, the other partner, or "both"."""
        step, slots = self.step, self.slots()
        who = step.answered_by if step is not None else "partner"
        return "both" if who == "both" else str(slots.get(who, "") or "both")

    def slots(self) -> dict[str, object]:
        step = self.step
        items = self.items()
        current = items[self.item] if self.item < len(items) else {}
        return {**self.activity.common_slots(), **current, **(self.activity.step_slots(step) if step else {})}

    # -- callbacks wired by build_machine --------------------------------------------------------
    def enter_step(self, event: EventData) -> None:
        self.silent_count = 0
        step = self.step
        if step is not None and not self.items():
            return  # nothing to ask (e.g. no commitments last week): the driver skips it silently
        self.say_prompt(event)

    def say(self, dialog_id: str, **extra: object) -> Line:
        line = self.library.render(dialog_id, **{**self.slots(), **extra})
        self.outbox.append(line)
        self.last_line = line
        return line

    def say_prompt(self, event: EventData | None = None) -> None:
        step = self.step
        if step is not None:
            self.say(f"{self.script.script}.{step.id}")

    def repeat_last(self, event: EventData) -> None:
        if self.last_line is not None:
            self.outbox.append(self.last_line)
        else:
            self.say_prompt(event)

    def say_help(self, event: EventData) -> None:
        step = self.step
        step_help = ""
        if step is not None and self.library.has(f"{self.script.script}.{step.id}.help"):
            step_help = self.library.render(f"{self.script.script}.{step.id}.help", **self.slots()).text
        self.outbox.append(self.library.render("common.help", step_help=step_help))
        self.say_prompt(event)

    def say_no_match(self, event: EventData) -> None:
        step = self.step
        if step is None:
            return
        if step.listen == "free":
            self.outbox.append(self.library.render("common.no_match_free"))
            return
        if step.listen == "choice":
            options = " or ".join(step.options)
        else:
            options = self.library.render(GLOBAL_LISTEN_KIND_OPTIONS[step.listen]).text
        self.outbox.append(self.library.render("common.no_match", options=options))

    def count_silence(self, event: EventData) -> None:
        self.silent_count += 1

    def silence_limit(self, event: EventData) -> bool:
        return self.silent_count + 1 >= self.max_silent_prompts

    def say_reprompt(self, event: EventData) -> None:
        step = self.step
        if step is None:
            return
        own = f"{self.script.script}.{step.id}.reprompt"
        if self.library.has(own):
            self.say(own)
        else:
            prompt = self.library.render(f"{self.script.script}.{step.id}", **self.slots()).text
            self.outbox.append(self.library.render("common.reprompt", prompt=prompt))

    def record(self, event: EventData) -> None:
        answer: Answer | None = event.kwargs.get("answer")
        step = self.step
        if step is not None and answer is not None:
            self.activity.record(step, self.slots(), answer)

    def push_history(self, event: EventData) -> None:
        self.history.append(Position(self.state, self.item))

    def next_item(self, event: EventData) -> None:
        self.item += 1

    def first_item(self, event: EventData) -> None:
        self.item = 0

    def go_back(self, event: EventData) -> None:
        """Return to the previous question, passing over steps that had nothing to ask (no items)."""
        while self.history and not self._has_question(self.history[-1]):
            self.history.pop()
        if not self.history:
            self.say_prompt(event)
            return
        self.machine_set(self.history.pop())

    def _has_question(self, position: Position) -> bool:
        step = self.script.step(position.step)
        owner = branch_parent(self.script, step) if step.then == "return" else step
        return step.listen != "none" and position.item < len(self.activity.items(owner))

    def remember_pause(self, event: EventData) -> None:
        self.paused_at = Position(event.state.name, self.item) if event.state else None
        self.pause_reason = event.event.name

    def announce_pause(self, event: EventData) -> None:
        reason = "paused_timeout" if self.pause_reason == "time_out" else "paused_silence"
        if self.pause_reason in ("time_out", "silence"):
            self.outbox.append(self.library.render(f"common.{reason}"))

    def announce_stop(self, event: EventData) -> None:
        self.outbox.append(self.library.render("common.stopped"))

    def announce_safety(self, event: EventData) -> None:
        self.outbox.append(safety_line(self.library, getattr(self.activity, "country", "US")))

    def machine_set(self, position: Position) -> None:
        """Jump to a position (go back, resume) and say its prompt again."""
        self.machine.set_state(position.step, model=self)
        self.state = position.step
        self.item = position.item
        self.silent_count = 0
        self.say_prompt()


def linear_next(script: Script, step: Step) -> str:
    """Where a step goes when it is done: `next`, else the following non-branch step, else completed."""
    if step.next:
        return step.next
    ids = [s.id for s in script.steps]
    for later in script.steps[ids.index(step.id) + 1:]:
        if later.then != "return":
            return later.id
    return "completed"


def branch_parent(script: Script, branch: Step) -> Step:
    """The step whose items a branch step shares: the non-branch step at the root of its chain."""
    for step in script.steps:
        if branch.id in step.branches.values() or (step.then == "return" and step.next == branch.id):
            return branch_parent(script, step) if step.then == "return" else step
    raise ValueError(f"step {branch.id!r} has then: return but no step branches to it")


def _transitions_for(script: Script, step: Step) -> list[dict[str, Any]]:
    moves: list[dict[str, Any]] = []
    for trigger, before in (("answer", ["push_history", "record"]), ("skip", ["push_history"])):
        if trigger == "answer":
            for answer_key, target in sorted(step.branches.items(), key=lambda branch: branch[0] == "answer"):
                moves.append({"trigger": trigger, "source": step.id, "dest": target, "before": before,
                              "conditions": [_answer_is(answer_key)]})
        loop_owner = branch_parent(script, step) if step.then == "return" else step
        if step.then == "return" and step.next:  # a chain of branch steps: on to the next, same item
            moves.append({"trigger": trigger, "source": step.id, "dest": step.next, "before": before})
            continue
        if loop_owner.for_each:
            moves.append({"trigger": trigger, "source": step.id, "dest": loop_owner.id,
                          "conditions": [_owner_has_more(loop_owner)], "before": [*before, "next_item"]})
        moves.append({"trigger": trigger, "source": step.id, "dest": linear_next(script, loop_owner),
                      "before": [*before, "first_item"]})
    return moves


def _answer_is(key: str) -> Callable[[EventData], bool]:
    def condition(event: EventData) -> bool:
        answer: Answer | None = event.kwargs.get("answer")
        if answer is None:
            return False
        if key == "answer":  # a free step: any spoken answer (a more specific key's branch is tried first)
            return answer.intent == "answer"
        if key == "low":  # a rating step: a low rating gets a gentle follow-up
            return answer.rating is not None and answer.rating <= LOW_RATING
        return answer.key == key
    condition.__name__ = f"answer_is_{key}"
    return condition


def _owner_has_more(owner: Step) -> Callable[[EventData], bool]:
    def condition(event: EventData) -> bool:
        model = event.model
        assert isinstance(model, DialogModel)
        return model.item + 1 < len(model.activity.items(owner))
    return condition


def build_machine(model: DialogModel) -> Machine:
    """Build the Machine for `model.script` and attach it to the model (as `model.machine`)."""
    script = model.script
    step_ids = [step.id for step in script.steps]
    states = ["idle", *[{"name": sid, "on_enter": "enter_step"} for sid in step_ids], "completed",
              {"name": "paused", "on_enter": "announce_pause"}, {"name": "stopped", "on_enter": "announce_stop"},
              {"name": "safety", "on_enter": "announce_safety"}]
    transitions: list[dict[str, Any]] = [
        {"trigger": "start", "source": "idle", "dest": script.steps[0].id, "before": "first_item"},
    ]
    for step in script.steps:
        transitions.extend(_transitions_for(script, step))
    transitions += [
        {"trigger": "repeat", "source": step_ids, "dest": None, "after": "repeat_last"},
        {"trigger": "help", "source": step_ids, "dest": None, "after": "say_help"},
        {"trigger": "no_match", "source": step_ids, "dest": None, "after": "say_no_match"},
        {"trigger": "silence", "source": step_ids, "dest": "paused", "conditions": "silence_limit",
         "before": "remember_pause"},
        {"trigger": "silence", "source": step_ids, "dest": None, "before": "count_silence",
         "after": "say_reprompt"},
        {"trigger": "back", "source": step_ids, "dest": None, "after": "go_back"},
        {"trigger": "time_out", "source": step_ids, "dest": "paused", "before": "remember_pause"},
        {"trigger": "pause", "source": step_ids, "dest": "paused", "before": "remember_pause"},
        {"trigger": "stop", "source": step_ids, "dest": "stopped", "before": "remember_pause"},
        {"trigger": "safety", "source": [*step_ids, "idle", "paused"], "dest": "safety",
         "before": "remember_pause"},
    ]
    machine = Machine(model=model, states=states, transitions=transitions, initial="idle",
                      send_event=True, queued=True, auto_transitions=False, ignore_invalid_triggers=False)
    model.machine = machine
    return machine
