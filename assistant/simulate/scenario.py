"""Scenario files: the partners' side of a conversation, validated with errors naming file and field."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

import msgspec
from msgspec import Meta, field

from assistant.config import known_zone
from assistant.safe_yaml import YamlProblem, load_yaml
from assistant.table import Invalid, Table, describe_error


class ScenarioError(ValueError):
    """A scenario file that cannot be used, or a scenario that could not run to its end."""


class Turn(Table, frozen=True):
    """One partner turn: spoken text, a WAV file, or silence; consumed the next time the assistant listens."""

    say: str | None = None
    wav: str | None = None
    silence: Annotated[float, Meta(ge=0, le=3600)] | None = None
    voice: str | None = None
    """espeak-ng voice (default: the speaking partner's voice)."""
    rate: Annotated[int, Meta(ge=60, le=400)] | None = None
    noise_snr_db: Annotated[float, Meta(ge=-10, le=80)] | None = None
    at_step: str | None = None
    """Only consumed when the assistant listens at this step (default answers fill in before)."""
    during: Literal["speech"] | None = None
    """Injected while the assistant is still speaking (barge-in)."""

    def __post_init__(self) -> None:
        given = [name for name in ("say", "wav", "silence") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"a turn needs exactly one of say, wav, silence (got {given or 'none'})")
        if self.say is not None and not self.say.strip():
            raise Invalid("say", "empty text")


class Answers(Table, frozen=True):
    """Default answers by listening kind, used when no ordered turn fits."""

    yes_no: str | None = None
    rating: str | None = None
    free: str | None = None
    choice: str | None = None
    ready: str | None = None
    command: str | None = None


class OffWindow(Table, frozen=True):
    """The machine is off from `from` until `to` (calendar scenarios); times without an offset are local."""

    start: datetime = field(name="from")
    end: datetime = field(name="to")


class Scenario(Table, frozen=True):
    """A whole scenario file."""

    activity: Literal["checkin", "calendar"] = "checkin"
    """"calendar": the always-on companion's schedule for `days` (prompts, appreciations, reviews)."""
    partners: tuple[str, str] = ("Alex", "Sam")
    voices: dict[str, str] = {}
    """Partner name -> espeak-ng voice."""
    clock: datetime | None = None
    """Virtual clock start (ISO 8601; default 2026-01-05T19:00 UTC)."""
    answers: Answers = Answers()
    turns: list[Turn] = []
    resume: bool = False
    """Resume the paused session of this activity instead of starting a new one."""
    max_turns: Annotated[int, Meta(gt=0, le=10_000)] = 200
    """Turn budget: partner turns listened for before the run ends as "stalled" (a loop, not a conversation)."""
    days: Annotated[float, Meta(gt=0, le=400)] = 7.0
    """calendar: how many days to simulate from `clock`."""
    timezone: str | None = None
    """calendar: IANA zone of the schedule (default: the settings' schedule.timezone, $TZ, /etc/localtime)."""
    machine_off: list[OffWindow] = []
    """calendar: spans when the machine is off (not `off`: YAML reads that key as false)."""



def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file."""
    try:
        data = load_yaml(path)
    except YamlProblem as exc:
        raise ScenarioError(str(exc)) from None
    data = _with_times(data)
    try:
        scenario = Scenario.model_validate(data)
    except msgspec.ValidationError as exc:
        raise ScenarioError(describe_error(str(path), data, Scenario)) from exc
    problems = [f"{path}: {problem}" for problem in _problems(scenario)]
    problems += [f"{path}: turns.{index}.wav: {why}" for index, turn in enumerate(scenario.turns)
                 if turn.wav is not None and (why := _wav_problem(path.parent / turn.wav))]
    if problems:
        raise ScenarioError("\n".join(problems))
    return scenario


def _with_times(data: object) -> object:
    """`data` with its ISO 8601 texts (`clock`, `machine_off` from/to) read as datetimes: msgspec reads only
    RFC 3339 (seconds required), people write "2026-03-12T09:00"; a text that is no time is left to fail."""
    if not isinstance(data, dict):
        return data

    def when(value: object) -> object:
        try:
            return datetime.fromisoformat(value) if isinstance(value, str) else value
        except ValueError:
            return value

    windows = data.get("machine_off")
    if isinstance(windows, list):
        windows = [{key: when(value) for key, value in window.items()} if isinstance(window, dict) else window
                   for window in windows]
    return {**data, **({"clock": when(data["clock"])} if "clock" in data else {}),
            **({"machine_off": windows} if windows is not None else {})}


def _problems(scenario: Scenario) -> list[str]:
    """Checks across fields: every one that fails, as `field: message`."""
    problems = []
    if scenario.timezone is not None:
        try:
            known_zone(scenario.timezone)
        except ValueError as exc:
            problems.append(f"timezone: {exc}")
    for index, window in enumerate(scenario.machine_off):
        same_kind = (window.start.tzinfo is None) == (window.end.tzinfo is None)
        if same_kind and window.start >= window.end:
            problems.append(f"machine_off.{index}: `to` must come after `from`")
    return problems


def _wav_problem(wav: Path) -> str | None:
    """Why `wav` cannot be a partner's turn, or None (checked at load, not half-way through a run)."""
    if not wav.exists():
        return f"{wav} does not exist (paths are relative to the scenario file)"
    if not wav.is_file():
        return f"{wav} is not a file"
    try:
        with wav.open("rb") as file:
            head = file.read(12)
    except OSError as exc:
        return f"{wav} cannot be read ({exc.strerror or exc})"
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return f"{wav} is not a WAV file (convert it, e.g. sox in.mp3 -r 16000 -c 1 out.wav)"
    return None
