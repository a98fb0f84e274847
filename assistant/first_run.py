"""First-run setup, spoken or typed: the partners' names, the appreciation time and the check-in day, saved to
the user's settings file (0600, written atomically) before anything is recorded. Words: dialogs/setup.yaml.

Names heard by a recogniser are read back and kept only when confirmed (one retry, then the default stays).
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import Settings
from assistant.interpret import Question
from assistant.schedule.rules import WEEKDAYS

if TYPE_CHECKING:
    from assistant.conversation import Conversation
    from assistant.dialog.library import DialogLibrary

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_LOGGER = logging.getLogger(__name__)

APPRECIATION_TIMES = {"morning": "08:00", "lunchtime": "12:30", "evening": "20:00"}
"""The appreciation choice -> its time of day (phrasings: setup.options_appreciation_<choice>)."""
NAME_ATTEMPTS = 2


@dataclass(frozen=True)
class SetupResult:
    """What the setup saved (or None when it stopped for safety)."""

    settings: Settings | None
    path: Path


def needs_setup(config: Path) -> bool:
    """True when the settings file does not name the partners yet (the defaults "Alex" and "Sam" apply)."""
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return not config.exists()
    return "partners" not in data


class _Asker:
    def __init__(self, conversation: Conversation, library: DialogLibrary) -> None:
        self.conversation, self.library = conversation, library
        self.stopped = False

    def say(self, dialog_id: str, **slots: object) -> None:
        self.conversation.say(self.library.render(dialog_id, **slots), "setup")

    def hear(self, step: str, kind: str, intents: tuple[str, ...],
             options: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> tuple[str | None, str]:
        question = Question(kind, step, (*intents, "skip", "stop", "help_line"), options=options)
        decision = self.conversation.hear(question, "setup")
        self.stopped = self.stopped or decision.intent in ("safety", "stop")
        if decision.intent == "help_line":  # the quiet path, here too
            self.conversation.say_help_line("setup")
        text = decision.heard.utterance.text.strip() if decision.heard is not None else ""
        return decision.intent, text

    def name(self, step: str, default: str) -> str:
        for _attempt in range(NAME_ATTEMPTS):
            self.say(f"setup.ask_{step}_name")
            intent, text = self.hear(f"setup_{step}_name", "free", ())
            if intent == "help_line":  # the numbers were given; ask again (the attempts still bound it)
                continue
            if self.stopped or intent == "skip" or not text:
                break
            name = " ".join(word.capitalize() for word in text.split())[:40]
            self.say("setup.confirm_name", name=name)
            confirmed, _ = self.hear(f"setup_{step}_name_confirm", "yes_no", ("yes", "no"))
            if confirmed == "yes":
                return name
            if self.stopped:
                break
        if not self.stopped:
            self.say("setup.name_kept_default", name=default)
        return default

    def choice(self, step: str, prompt: str, options: dict[str, tuple[str, ...]]) -> str | None:
        self.say(prompt)
        intent, _ = self.hear(step, "choice", (), tuple(options.items()))
        return intent if intent in options else None


def run_setup(conversation: Conversation, library: DialogLibrary, config: Path, settings: Settings) -> SetupResult:
    """Ask the three questions and save the answers into `config` (other settings there are kept)."""
    ask = _Asker(conversation, library)
    ask.say("setup.welcome")
    first = ask.name("first", settings.partners[0])
    second = ask.name("second", settings.partners[1]) if not ask.stopped else settings.partners[1]
    if second == first:
        second = settings.partners[1] if settings.partners[1] != first else settings.partners[0]
    times = {name: tuple(library.prompts[f"setup.options_appreciation_{name}"]) for name in APPRECIATION_TIMES}
    moment = None if ask.stopped else ask.choice("setup_appreciation", "setup.ask_appreciation", times)
    days: dict[str, tuple[str, ...]] = {day: (day,) for day in WEEKDAYS}
    day = None if ask.stopped else ask.choice("setup_checkin_day", "setup.ask_checkin_day", days)
    if ask.stopped:
        return SetupResult(None, config)
    schedule: dict[str, Any] = {"checkin_day": day or settings.schedule.checkin_day}
    if moment:
        schedule["appreciation_times"] = [APPRECIATION_TIMES[moment]]
    save_settings(config, {"partners": [first, second], "schedule": schedule})
    saved = settings.model_copy(update={"partners": (first, second),
                                        "schedule": settings.schedule.model_copy(update=schedule)})
    ask.say("setup.saved", partner_a=first, partner_b=second,
            appreciation=" and ".join(saved.schedule.appreciation_times), day=saved.schedule.checkin_day.capitalize(),
            path=str(config))
    return SetupResult(saved, config)


def save_settings(config: Path, changes: dict[str, Any]) -> None:
    """Merge `changes` (top-level keys and tables) into the TOML file, written atomically, 0600."""
    import tomli_w

    data: dict[str, Any] = {}
    if config.exists():
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    config.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = config.with_name(f".{config.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(tomli_w.dumps(data).encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, config)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _LOGGER.info("settings saved (%d keys)", len(changes))
