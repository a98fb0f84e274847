"""Settings: packaged defaults merged with the user's TOML file, validated with clear errors naming the key."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant import paths
from assistant.frontend.settings import FrontEndSettings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib



def known_zone(name: str) -> str:
    """`name` when zoneinfo knows it; ValueError otherwise (a typo must not fall back to another zone)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"{name!r} is not a known time zone (IANA name like 'Europe/Paris')") from None
    return name

class ConfigError(ValueError):
    """The settings file cannot be used; the message names the file and key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AudioSettings(_Section):
    input_device: str | int | None = None
    """Microphone by name (substring) or index; None: the system default."""
    output_device: str | int | None = None
    """Speaker by name (substring) or index; None: the system default."""
    output_latency_ms: int | None = Field(None, ge=10, le=1000)
    """Output buffer asked of the speaker (every reply starts this much later; too little underruns on a busy
    or slow machine, e.g. a Raspberry Pi); None: assistant.audio.speaker.DEFAULT_LATENCY_S."""

    @property
    def output_latency_s(self) -> float | None:
        return None if self.output_latency_ms is None else self.output_latency_ms / 1000


def _wyoming_uri(value: str | None) -> str | None:
    """A `tcp://host:port` address of a Wyoming service the user runs (the only network speech goes to)."""
    if value is not None:
        from assistant.wyoming_client import parse_uri

        parse_uri(value)
    return value


class SpeechSettings(_Section):
    engine: Literal["auto", "vosk", "pocketsphinx", "wyoming"] = "auto"
    """"auto": vosk when a model is installed, else pocketsphinx; "wyoming": the service at `uri`."""
    uri: str | None = None
    """Wyoming speech-to-text service, e.g. "tcp://homeserver:10300"; audio then crosses the home network."""
    service_timeout_s: float = Field(5.0, gt=0, le=60)
    """Longest wait for the Wyoming service (connect, each send, the transcript after the end of speech)."""
    model_path: str | None = None
    """Path of a vosk model directory."""
    silence_timeout_s: float = Field(8.0, gt=0, le=120)
    """Seconds without speech before the assistant re-prompts."""
    min_confidence: float = Field(0.3, ge=0, le=1)
    """Commands heard with less confidence are treated as no match."""

    _uri = field_validator("uri")(_wyoming_uri)

    @model_validator(mode="after")
    def _uri_for_wyoming(self) -> SpeechSettings:
        if self.engine == "wyoming" and not self.uri:
            raise ValueError('engine "wyoming" needs uri = "tcp://host:port" of the speech service')
        return self


class VoiceSettings(_Section):
    engine: Literal["pyttsx3", "wyoming"] = "pyttsx3"
    """"wyoming": the text-to-speech service at `uri` (e.g. wyoming-piper), pyttsx3 when it fails."""
    uri: str | None = None
    """Wyoming text-to-speech service, e.g. "tcp://homeserver:10200"; text then crosses the home network."""
    voice: str | None = "en-us"
    """pyttsx3 voice id or espeak-ng voice name."""
    rate: int = Field(160, ge=60, le=400)
    """Words per minute."""
    volume: float = Field(1.0, ge=0, le=1)
    tts_timeout_s: float = Field(10.0, gt=0, le=120)
    """Watchdog: longest a single line may take to render (also each wait for a Wyoming voice service)."""

    _uri = field_validator("uri")(_wyoming_uri)

    @model_validator(mode="after")
    def _uri_for_wyoming(self) -> VoiceSettings:
        if self.engine == "wyoming" and not self.uri:
            raise ValueError('engine "wyoming" needs uri = "tcp://host:port" of the voice service')
        return self


class DialogSettings(_Section):
    max_silent_prompts: int = Field(2, ge=1, le=10)
    """Silences in a row before a session is paused and saved."""
    keep_transcripts: bool = True
    """False: store outcomes (intents, ratings, durations) but never free-text answers."""


class TimeOutSettings(_Section):
    cooloff_minutes: float = Field(20.0, gt=0, le=24 * 60)
    min_cooloff_minutes: float = Field(20.0, gt=0, le=24 * 60)
    breathing_cycles: int = Field(6, ge=1, le=30)
    breathing_pattern: Literal["paced", "cyclic_sigh"] = "paced"
    inhale_s: float = Field(4.0, gt=0, le=20)
    exhale_s: float = Field(6.0, gt=0, le=20)


class ScheduleSettings(_Section):
    appreciation_times: list[str] = ["20:00"]
    checkin_day: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] = "sunday"
    checkin_time: str = "19:00"
    agreement_review_day: int = Field(1, ge=1, le=28)
    agreement_review_time: str = "19:30"
    quiet_hours: tuple[str, str] = ("22:30", "07:30")
    snooze_minutes: int = Field(30, ge=1, le=720)
    timezone: str | None = None
    """IANA zone of the schedule (e.g. "America/New_York"); None: $TZ, else /etc/localtime."""

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else known_zone(value)

    @field_validator("appreciation_times", "checkin_time", "agreement_review_time", "quiet_hours")
    @classmethod
    def _hh_mm(cls, value: object) -> object:
        items = value if isinstance(value, (list, tuple)) else [value]
        for item in items:
            hours, sep, minutes = str(item).partition(":")
            if not (sep and hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
                raise ValueError(f"{item!r} is not a time of day like '20:00'")
        return value


class SafetySettings(_Section):
    country: str = "US"
    """Which resource list in dialogs/safety.yaml to read."""


class Settings(_Section):
    """Everything configurable. Defaults work with no file."""

    partners: tuple[str, str] = ("Alex", "Sam")
    """The two partners' names, in turn-taking order."""
    data_dir: str | None = None
    audio: AudioSettings = AudioSettings()
    speech: SpeechSettings = SpeechSettings()
    voice: VoiceSettings = VoiceSettings()
    dialog: DialogSettings = DialogSettings()
    timeout: TimeOutSettings = TimeOutSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    safety: SafetySettings = SafetySettings()
    frontend: FrontEndSettings = FrontEndSettings()
    """Speech front end: echo canceller, noise suppressor, VAD and endpointing (assistant/frontend/)."""

    @field_validator("partners")
    @classmethod
    def _names(cls, value: tuple[str, str]) -> tuple[str, str]:
        if any(not name.strip() for name in value) or value[0].strip() == value[1].strip():
            raise ValueError("two different, non-empty names are needed")
        return (value[0].strip(), value[1].strip())


def other_partner(partners: tuple[str, str], name: str) -> str:
    """The partner who is not `name` (one of `partners`)."""
    return partners[1] if name == partners[0] else partners[0]


def describe_validation_error(source: str, error: ValidationError) -> str:
    """One line per problem: `source: key.path: message`."""
    lines = []
    for problem in error.errors():
        key = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        lines.append(f"{source}: {key}: {problem['msg']}")
    return "\n".join(lines)


def load_settings(path: Path | None = None, overrides: dict[str, object] | None = None) -> Settings:
    """Read settings from `path` (default: the user config file); missing file means defaults."""
    path = path or paths.config_file()
    data: dict[str, object] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    for key, value in (overrides or {}).items():
        section, _, name = key.rpartition(".")
        target = data
        if section:
            target = data.setdefault(section, {})  # type: ignore[assignment]
            if not isinstance(target, dict):
                raise ConfigError(f"{path}: {section}: must be a table")
        target[name] = value
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(str(path), exc)) from exc
