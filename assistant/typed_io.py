"""Typed input instead of a microphone (`--io text`), for accessibility and debugging."""

from __future__ import annotations

import sys
from typing import TextIO

from assistant.audio.base import ListenRequest
from assistant.clock import Clock
from assistant.listening import Heard
from assistant.stt.base import Utterance


class TypedListener:
    """Reads one typed line per listen. An empty line means silence; end of input means "stop"."""

    def __init__(self, clock: Clock, stream: TextIO | None = None, out: TextIO | None = None) -> None:
        self.clock = clock
        self.stream = stream or sys.stdin
        self.out = out or sys.stdout

    def listen(self, request: ListenRequest, timeout_s: float | None = None) -> Heard | None:
        hint = f" [{request.kind}]" if request.kind != "free" else ""
        print(f"you{hint}> ", end="", file=self.out, flush=True)
        line = self._readline()
        text = line.strip() if line else "stop"
        if not text:
            return None
        now = self.clock.monotonic()
        return Heard(Utterance(text=text.lower(), confidence=1.0, start=0.0, end=0.0), now, 0.0)

    def _readline(self) -> str:
        """One typed line; a line that is not UTF-8 is refused with a word and counts as silence."""
        raw = getattr(self.stream, "buffer", None)
        if raw is None:
            return self.stream.readline()
        data = raw.readline()
        if isinstance(data, str):  # a wrapper whose "buffer" is text already
            return data
        try:
            return data.decode("utf-8") if data else ""
        except UnicodeDecodeError:
            print("(That line was not UTF-8 text, so it was not used; please type it again.)", file=self.out,
                  flush=True)
            return "\n"
