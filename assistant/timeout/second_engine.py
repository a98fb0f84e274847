"""A second recogniser of the listener's kind, for decoding audio already heard again off the live decoder.

The barge-in watcher's later starts and own-words check decode an utterance's audio a second time. On the live
decoder that moved state it cannot put back (later utterances decoded differently: replay identical to live in 31
of 64 room trials), so they run on an engine of their own, built on first need (~+1 decoder's memory).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any


class SecondEngine:
    """Builds the second engine on first need and keeps it on the watcher's phrase grammar."""

    def __init__(self) -> None:
        self._engine: Any = None
        self._phrases: tuple[str, ...] = ()

    def get(self, live_engine: object, phrases: Collection[str], needs: str) -> Any:
        """The second engine set to `phrases`; None when the live engine's kind lacks the method `needs`."""
        if not hasattr(live_engine, needs):
            return None
        if self._engine is None:
            self._engine = type(live_engine)()
        key = tuple(sorted(phrases))
        if key != self._phrases:
            self._engine.set_phrases(list(key))
            self._phrases = key
        return self._engine
