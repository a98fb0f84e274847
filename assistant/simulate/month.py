"""Calendar scenarios (`activity: calendar`): weeks of the always-on companion in seconds.

The schedule runs on a VirtualClock through `simulate_calendar`; the partners answer with the scenario's
ordered turns (by step) and per-kind default answers. Like the other scenarios it writes transcript.jsonl,
assistant.wav (every line rendered by the assistant's voice, back to back) and the store.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path

from assistant.audio.base import Clip
from assistant.audio.sinks import WavFileSink
from assistant.config import Settings
from assistant.schedule.rules import local_zone
from assistant.simulate.calendar import DEFAULT_REPLIES, SpokenLine, simulate_calendar
from assistant.simulate.scenario import Scenario
from assistant.transcript import Transcript, Turn
from assistant.tts.worker import SpeechWorker

_LOGGER = logging.getLogger(__name__)
DEFAULT_START = datetime(2026, 3, 1, 8, 0)
"""Local start when the scenario gives no `clock`."""


@dataclass
class CalendarReplies:
    """The partners: the next ordered turn whose step fits, else the scenario's (or built-in) answer per kind."""

    scenario: Scenario
    transcript: Transcript
    turns: list[object] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.turns = list(self.scenario.turns)

    def __call__(self, request: object, now: datetime) -> str | None:
        kind, step = str(getattr(request, "kind", "")), str(getattr(request, "step", ""))
        reply: str | None
        if self.turns and getattr(self.turns[0], "at_step", None) in (None, step):
            turn = self.turns.pop(0)
            reply = getattr(turn, "say", None)  # a silence turn (or a WAV) is heard as silence here
        else:
            given = getattr(self.scenario.answers, kind, None)
            reply = given if given is not None else DEFAULT_REPLIES.get(kind)
        self.transcript.add(Turn(who="both", text=reply or "", state=step, time=now.isoformat(), listen=kind,
                                 event="reply" if reply else "silence"))
        return reply


def _local(moment: datetime, zone: tzinfo) -> datetime:
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def simulate_month(scenario: Scenario, out_dir: Path, settings: Settings, *, store_dir: Path | None = None,
                   echo: bool = False) -> tuple[Transcript, int, list[SpokenLine]]:
    """Run a calendar scenario; returns the transcript, the unused turns and every line said."""
    zone = local_zone(scenario.timezone or settings.schedule.timezone)
    start = _local(scenario.clock or DEFAULT_START, zone)
    off = [(_local(w.start, zone), _local(w.end, zone)) for w in scenario.machine_off]
    transcript = Transcript(out_dir / "transcript.jsonl")
    sink = WavFileSink(out_dir / "assistant.wav")
    worker = SpeechWorker(settings.voice)
    rendered: dict[str, Clip] = {}

    def on_line(line: SpokenLine) -> None:
        transcript.add(Turn(who="assistant", text=line.text, state="calendar", time=line.at.isoformat(),
                            dialog_id=line.dialog_id, slots=line.slots))
        if echo:
            print(f"{line.at:%a %d %b %H:%M %Z}  assistant: {line.text}", flush=True)
        clip = rendered.get(line.text)
        if clip is None:
            clip = rendered[line.text] = worker.synthesize(line.text, line.dialog_id)
        sink.play(clip)

    replies = CalendarReplies(scenario, transcript)
    result = None
    try:
        result = simulate_calendar(store_dir or out_dir / "store", settings, start, scenario.days, tz=zone,
                                   responder=replies, off=off, on_line=on_line)
    finally:
        transcript.close()
        sink.close()
        worker.close()
        if result is not None:
            result.store.close()
    return transcript, len(replies.turns), result.lines
