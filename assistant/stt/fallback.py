"""A network recogniser with the local engine behind it: faults cost one line, never the turn.

While the service works, every frame of the current utterance is also kept. When the service fails (down
at start, dropped, too slow, wrong protocol), one line goes to stderr, the kept audio is decoded by the
local engine and the local engine carries on. A background probe (doubling delay) notices when the
service is back; the switch back happens at the next `reset()`, i.e. between turns, never mid-utterance.
"""

from __future__ import annotations

import logging
import sys
from collections import deque
from collections.abc import Callable, Sequence
from typing import Protocol

from assistant.audio.base import FRAME_BYTES, duration_of
from assistant.stt.base import Recognizer, Utterance
from assistant.wyoming_client import Reprobe, ServiceError

_LOGGER = logging.getLogger(__name__)

KEEP_S = 60.0
"""Longest stretch of one utterance's audio kept for a local re-decode (Listener caps utterances at 45 s)."""


class NetworkRecognizer(Protocol):
    """The part of WyomingRecognizer the wrapper uses."""

    name: str
    uri: str

    def set_phrases(self, phrases: Sequence[str] | None, sentinel: Sequence[str] = ()) -> None: ...
    def accept(self, pcm: bytes) -> Utterance | None: ...
    def flush(self) -> Utterance | None: ...
    def reset(self) -> None: ...
    def check(self) -> None: ...


def stderr_line(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class FallbackRecognizer:
    """Recognizer that uses `primary` while it works and `make_local()` (built on first need) otherwise."""

    def __init__(self, primary: NetworkRecognizer, make_local: Callable[[], Recognizer], reprobe: Reprobe,
                 notify: Callable[[str], None] = stderr_line) -> None:
        self.primary, self.reprobe, self.notify = primary, reprobe, notify
        self._make_local = make_local
        self._local: Recognizer | None = None
        self._phrases: tuple[Sequence[str] | None, Sequence[str]] = (None, ())
        self._kept: deque[bytes] = deque(maxlen=max(1, round(KEEP_S / duration_of(b"\0" * FRAME_BYTES))))
        self.name = primary.name
        self.fallbacks = 0
        """How many times the local engine took over (for tests and the bench)."""
        try:
            primary.check()
        except ServiceError as exc:
            self._fall_back(exc)

    @property
    def using_service(self) -> bool:
        return self.name == self.primary.name

    def _local_engine(self) -> Recognizer:
        if self._local is None:
            self._local = self._make_local()
            self._local.set_phrases(*self._phrases)
        return self._local

    def _fall_back(self, exc: ServiceError) -> Utterance | None:
        """One line, then the local engine decodes the kept audio of the current utterance."""
        self.primary.reset()
        local = self._local_engine()
        self.notify(f"Speech service problem: {exc}. Using the local {local.name} engine; "
                    f"retrying the service in the background.")
        self.name = local.name
        self.fallbacks += 1
        self.reprobe.start()
        local.reset()
        result = None
        for pcm in self._kept:
            result = local.accept(pcm) or result
        return result

    def set_phrases(self, phrases: Sequence[str] | None, sentinel: Sequence[str] = ()) -> None:
        self._phrases = (phrases, sentinel)
        self.primary.set_phrases(phrases, sentinel)
        if self._local is not None:
            self._local.set_phrases(phrases, sentinel)

    def accept(self, pcm: bytes) -> Utterance | None:
        self._kept.append(pcm)
        if self.using_service:
            try:
                result = self.primary.accept(pcm)
            except ServiceError as exc:
                result = self._fall_back(exc)
        else:
            result = self._local_engine().accept(pcm)
        if result is not None:
            self._kept.clear()
        return result

    def flush(self) -> Utterance | None:
        result = None
        if self.using_service:
            try:
                result = self.primary.flush()
            except ServiceError as exc:
                result = self._fall_back(exc)
        if not self.using_service and result is None:
            result = self._local_engine().flush()
        self._kept.clear()
        return result

    def reset(self) -> None:
        """Forget the current utterance; between turns, go back to the service once the probe found it."""
        self._kept.clear()
        if not self.using_service and self.reprobe.back.is_set():
            self.notify(f"Speech service back: using the Wyoming service at {self.primary.uri} again.")
            self.name = self.primary.name
        self.primary.reset()
        if self._local is not None:
            self._local.reset()

    def close(self) -> None:
        self.reprobe.stop()
        self.primary.reset()


def wyoming_with_fallback(uri: str, timeout_s: float, make_local: Callable[[], Recognizer]) -> FallbackRecognizer:
    """The Wyoming engine at `uri` with `make_local` behind it (what `engine = "wyoming"` builds)."""
    from assistant.stt.wyoming_engine import WyomingRecognizer

    return FallbackRecognizer(WyomingRecognizer(uri, timeout_s), make_local, Reprobe(uri, timeout_s))
