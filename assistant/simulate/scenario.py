"""Scenario files: the partners' side of a conversation, validated with errors naming file and field."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.config import known_zone
from assistant.safe_yaml import YamlProblem, load_yaml


class ScenarioError(ValueError):
    """A scenario file that cannot be used, or a scenario that could not run to its end."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Turn(_Strict):
    """One partner turn: spoken text, a WAV file, or silence; consumed the next time the assistant listens."""

    say: str | None = None
    wav: str | None = None
    silence: float | None = Field(None, ge=0, le=3600)
    voice: str | None = None
    """espeak-ng voice (default: the speaking partner's voice)."""
    rate: int | None = Field(None, ge=60, le=400)
    noise_snr_db: float | None = Field(None, ge=-10, le=80)
    at_step: str | None = None
    """Only consumed when the assistant listens at this step (default answers fill in before)."""
    during: Literal["speech"] | None = None
    """Injected while the assistant is still speaking (barge-in)."""

    @model_validator(mode="after")
    def _exactly_one(self) -> Turn:
        given = [name for name in ("say", "wav", "silence") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"a turn needs exactly one of say, wav, silence (got {given or 'none'})")
        if self.say is not None and not self.say.strip():
            raise ValueError("say: empty text")
        return self


class Answers(_Strict):
    """Default answers by listening kind, used when no ordered turn fits."""

    yes_no: str | None = None
    rating: str | None = None
    free: str | None = None
    choice: str | None = None
    ready: str | None = None
    command: str | None = None


class OffWindow(_Strict):
    """The machine is off from `from` until `to` (calendar scenarios); times without an offset are local."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    start: datetime = Field(alias="from")
    end: datetime = Field(alias="to")

    @model_validator(mode="after")
    def _ordered(self) -> OffWindow:
        same_kind = (self.start.tzinfo is None) == (self.end.tzinfo is None)
        if same_kind and self.start >= self.end:
            raise ValueError("`to` must come after `from`")
        return self


class Scenario(_Strict):
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
    max_turns: int = Field(200, gt=0, le=10_000)
    """Turn budget: partner turns listened for before the run ends as "stalled" (a loop, not a conversation)."""
    days: float = Field(7.0, gt=0, le=400)
    """calendar: how many days to simulate from `clock`."""
    timezone: str | None = None
    """calendar: IANA zone of the schedule (default: the settings' schedule.timezone, $TZ, /etc/localtime)."""
    machine_off: list[OffWindow] = []
    """calendar: spans when the machine is off (not `off`: YAML reads that key as false)."""

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else known_zone(value)


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file."""
    try:
        data = load_yaml(path)
    except YamlProblem as exc:
        raise ScenarioError(str(exc)) from None
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        lines = []
        for problem in exc.errors():
            field = ".".join(str(part) for part in problem["loc"]) or "(top level)"
            lines.append(f"{path}: {field}: {str(problem['msg']).removeprefix('Value error, ')}")
        raise ScenarioError("\n".join(lines)) from exc
    problems = [f"{path}: turns.{index}.wav: {why}" for index, turn in enumerate(scenario.turns)
                if turn.wav is not None and (why := _wav_problem(path.parent / turn.wav))]
    if problems:
        raise ScenarioError("\n".join(problems))
    return scenario


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
