"""The activity registry: a new activity is its dialog file (dialogs/<name>.yaml) plus one module here.

Each activity module calls `register(ActivityKind(...))` at import; `activity(name)` and `for_intent` find
them (every module of assistant.activities is imported on first use, so nothing else lists them).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timezone, tzinfo
from typing import Protocol

from assistant.clock import Clock
from assistant.config import Settings
from assistant.dialog.activity import Activity
from assistant.dialog.library import DialogLibrary
from assistant.store.store import Store

_LOGGER = logging.getLogger(__name__)


class SessionActivity(Activity, Protocol):
    """An activity a session runs: the dialog side (Activity) plus its session log."""

    session_id: str

    def status(self, status: str, step: str = "", item: int = 0, reason: str = "") -> None:
        """Log a status change (started, paused...)."""

    def finish(self, final_state: str, step: str = "", item: int = 0) -> None:
        """Close the session in `final_state` (completed, paused, stopped, safety) and log it."""


@dataclass(frozen=True)
class SessionContext:
    """What building any activity may need."""

    store: Store
    library: DialogLibrary
    settings: Settings
    clock: Clock
    tz: tzinfo = timezone.utc
    """The couple's local zone (appreciation days)."""
    seed: int | None = None
    """Prompt choice seed (simulations)."""


@dataclass(frozen=True)
class ActivityKind:
    """One kind of activity."""

    name: str
    """Its dialog script (dialogs/<name>.yaml) and the `activity` of its SessionEvents."""
    prompt: str
    """The scheduled prompt a finished session of it settles."""
    build: Callable[[SessionContext], SessionActivity]
    starts_on: tuple[str, ...] = ()
    """Activation intents that start it."""
    resumes_on: tuple[str, ...] = ()
    """Activation intents that resume its paused session."""
    held_after_safety: bool = False
    """Only say safety.checkin_held on a day a safety response was given (unless asked to continue)."""


_KINDS: dict[str, ActivityKind] = {}
_LOADED = False


def register(kind: ActivityKind) -> ActivityKind:
    """Make `kind` known (called by its module at import)."""
    _KINDS[kind.name] = kind
    return kind


def _load() -> dict[str, ActivityKind]:
    """Every activity module imported once (one imported directly before does not stand for all of them)."""
    global _LOADED
    if not _LOADED:
        import assistant.activities as package

        for module in pkgutil.iter_modules(package.__path__):
            importlib.import_module(f"{package.__name__}.{module.name}")
        _LOADED = True
    return _KINDS


def activity(name: str) -> ActivityKind:
    """The activity called `name`; KeyError naming the known ones."""
    kinds = _load()
    if name not in kinds:
        raise KeyError(f"unknown activity {name!r}; known: {sorted(kinds)}")
    return kinds[name]


def for_intent(intent: str) -> tuple[ActivityKind, bool] | None:
    """(activity, resume?) an activation intent asks for, or None."""
    for kind in _load().values():
        if intent in kind.starts_on or intent in kind.resumes_on:
            return kind, intent in kind.resumes_on
    return None


def for_prompt(prompt: str) -> ActivityKind | None:
    """The activity a scheduled prompt invites to."""
    return next((kind for kind in _load().values() if kind.prompt == prompt), None)
