"""Settings: packaged defaults merged with the user's TOML file, validated with clear errors naming the key."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from msgspec import Meta, field

from assistant import paths
from assistant.frontend.settings import FrontEndSettings
from assistant.table import Invalid, Table, describe_error

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


class AudioSettings(Table, frozen=True):
    input_device: str | int | None = None
    """Microphone by name (substring) or index; None: the system default."""
    output_device: str | int | None = None
    """Speaker by name (substring) or index; None: the system default."""
    output_latency_ms: Annotated[int, Meta(ge=10, le=1000)] | None = None
    """Output buffer asked of the speaker (every reply starts this much later; too little underruns on a busy
    or slow machine, e.g. a Raspberry Pi); None: assistant.audio.speaker.DEFAULT_LATENCY_S."""

    @property
    def output_latency_s(self) -> float | None:
        return None if self.output_latency_ms is None else self.output_latency_ms / 1000


def _check_service(engine: str, uri: str | None, what: str) -> None:
    """`uri`: a `tcp://host:port` address of a Wyoming service the user runs (the only network speech goes
    to), required by engine "wyoming"."""
    if uri is not None:
        from assistant.wyoming_client import parse_uri

        try:
            parse_uri(uri)
        except ValueError as exc:
            raise Invalid("uri", str(exc)) from None
    elif engine == "wyoming":
        raise Invalid("uri", f'engine "wyoming" needs uri = "tcp://host:port" of the {what} service')


class SpeechSettings(Table, frozen=True):
    engine: Literal["auto", "vosk", "pocketsphinx", "wyoming"] = "auto"
    """"auto": vosk when a model is installed, else pocketsphinx; "wyoming": the service at `uri`."""
    uri: str | None = None
    """Wyoming speech-to-text service, e.g. "tcp://homeserver:10300"; audio then crosses the home network."""
    service_timeout_s: Annotated[float, Meta(gt=0, le=60)] = 5.0
    """Longest wait for the Wyoming service (connect, each send, the transcript after the end of speech)."""
    model_path: str | None = None
    """Path of a vosk model directory."""
    silence_timeout_s: Annotated[float, Meta(gt=0, le=120)] = 8.0
    """Seconds without speech before the assistant re-prompts."""
    min_confidence: Annotated[float, Meta(ge=0, le=1)] = 0.3
    """Commands heard with less confidence are treated as no match."""

    def __post_init__(self) -> None:
        _check_service(self.engine, self.uri, "speech")


class VoiceSettings(Table, frozen=True):
    engine: Literal["pyttsx3", "wyoming"] = "pyttsx3"
    """"wyoming": the text-to-speech service at `uri` (e.g. wyoming-piper), pyttsx3 when it fails."""
    uri: str | None = None
    """Wyoming text-to-speech service, e.g. "tcp://homeserver:10200"; text then crosses the home network."""
    voice: str | None = "en-us"
    """pyttsx3 voice id or espeak-ng voice name."""
    rate: Annotated[int, Meta(ge=60, le=400)] = 160
    """Words per minute."""
    volume: Annotated[float, Meta(ge=0, le=1)] = 1.0
    tts_timeout_s: Annotated[float, Meta(gt=0, le=120)] = 10.0
    """Watchdog: longest a single line may take to render (also each wait for a Wyoming voice service)."""

    def __post_init__(self) -> None:
        _check_service(self.engine, self.uri, "voice")


class DialogSettings(Table, frozen=True):
    max_silent_prompts: Annotated[int, Meta(ge=1, le=10)] = 2
    """Silences in a row before a session is paused and saved."""
    keep_transcripts: bool = True
    """False: store outcomes (intents, ratings, durations) but never free-text answers."""


Minutes = Annotated[float, Meta(gt=0, le=24 * 60)]
Seconds = Annotated[float, Meta(gt=0, le=20)]


class TimeOutSettings(Table, frozen=True):
    cooloff_minutes: Minutes = 20.0
    min_cooloff_minutes: Minutes = 20.0
    breathing_cycles: Annotated[int, Meta(ge=1, le=30)] = 6
    breathing_pattern: Literal["paced", "cyclic_sigh"] = "paced"
    inhale_s: Seconds = 4.0
    exhale_s: Seconds = 6.0


def _time_of_day(name: str, value: str) -> None:
    hours, sep, minutes = value.partition(":")
    if not (sep and hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
        raise Invalid(name, f"{value!r} is not a time of day like '20:00'")


class ScheduleSettings(Table, frozen=True):
    appreciation_times: list[str] = field(default_factory=lambda: ["20:00"])
    checkin_day: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] = "sunday"
    checkin_time: str = "19:00"
    agreement_review_day: Annotated[int, Meta(ge=1, le=28)] = 1
    agreement_review_time: str = "19:30"
    quiet_hours: tuple[str, str] = ("22:30", "07:30")
    snooze_minutes: Annotated[int, Meta(ge=1, le=720)] = 30
    timezone: str | None = None
    """IANA zone of the schedule (e.g. "America/New_York"); None: $TZ, else /etc/localtime."""

    def __post_init__(self) -> None:
        if self.timezone is not None:
            try:
                known_zone(self.timezone)
            except ValueError as exc:
                raise Invalid("timezone", str(exc)) from None
        for name in ("appreciation_times", "checkin_time", "agreement_review_time", "quiet_hours"):
            value = getattr(self, name)
            for item in value if isinstance(value, (list, tuple)) else [value]:
                _time_of_day(name, str(item))


class SafetySettings(Table, frozen=True):
    country: str = "US"
    """Which resource list in dialogs/safety.yaml to read."""


class Settings(Table, frozen=True):
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

    def __post_init__(self) -> None:
        first, second = (name.strip() for name in self.partners)
        if not first or not second or first == second:
            raise Invalid("partners", "two different, non-empty names are needed")
        msgspec.structs.force_setattr(self, "partners", (first, second))


def other_partner(partners: tuple[str, str], name: str) -> str:
    """The partner who is not `name` (one of `partners`)."""
    return partners[1] if name == partners[0] else partners[0]


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
    except msgspec.ValidationError as exc:
        raise ConfigError(describe_error(str(path), data, Settings)) from exc
