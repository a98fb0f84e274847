"""Test helpers for the safety tests: a typed-text listener and a check-in wired to a real store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.audio.base import ListenRequest
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.conversation import Conversation
from assistant.dialog.library import DialogLibrary, Line
from assistant.intents import IntentMatcher
from assistant.interpret import Interpreter
from assistant.listener import Heard
from assistant.stt.base import Utterance


@dataclass
class TextListener:
    """Answers each listen with the next text (None: silence); falls back to `default` per kind."""

    texts: list[str | None]
    defaults: dict[str, str] = field(default_factory=lambda: {"yes_no": "yes", "rating": "four",
                                                              "free": "we talked", "choice": "keep"})
    requests: list[ListenRequest] = field(default_factory=list)

    def listen(self, request: ListenRequest, timeout_s: float | None = None) -> Heard | None:
        self.requests.append(request)
        text = self.texts.pop(0) if self.texts else self.defaults.get(request.kind, "yes")
        if text is None:
            return None
        return Heard(Utterance(text=text, confidence=0.9, start=0.0, end=1.0), 0.0, 1.0)


def conversation(texts: Iterable[str | None], clock: VirtualClock) -> tuple[Conversation, list[Line]]:
    """A Conversation over typed text that collects every line said."""
    said: list[Line] = []
    listener = TextListener(list(texts))
    conv = Conversation(listener, Interpreter(IntentMatcher.load()), said.append, clock)
    return conv, said


def settings(country: str = "US") -> Settings:
    return Settings.model_validate({"safety": {"country": country}})


def library() -> DialogLibrary:
    return DialogLibrary.load(seed=0)


def journal_bytes(directory: Path) -> bytes:
    """Every byte the store wrote (journal and backups)."""
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())
