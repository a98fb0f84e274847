"""The terminal in audio mode: one line for what the assistant says, one for what it heard, and a level meter.

A tiny surface for the turn engine: `said(text)`, `heard(text, intent)`, `listening(level_dbfs)`. What a partner
said is shown only when transcripts are kept (settings.dialog.keep_transcripts); otherwise only what it meant.
On a terminal the meter redraws one line in place; into a file or pipe it prints "listening…" once per turn.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

METER_WIDTH = 12
"""Cells of the level meter."""
METER_FLOOR_DBFS = -60.0
"""Level shown as an empty meter (quiet room)."""
REDRAW_S = 0.1
"""Shortest time between two redraws of the meter."""


class Display:
    """Prints the conversation for the couple; safe to call from the listening and the speaking threads."""

    def __init__(self, stream: TextIO | None = None, keep_transcripts: bool = False,
                 live_meter: bool | None = None) -> None:
        self._stream = stream
        self.keep_transcripts = keep_transcripts
        out = stream or sys.stdout
        self._live = out.isatty() if live_meter is None else live_meter
        self._lock = threading.Lock()
        self._meter_shown = False
        self._listening_noted = False
        self._last_draw = 0.0

    @property
    def _out(self) -> TextIO:
        return self._stream or sys.stdout

    def said(self, text: str) -> None:
        """The assistant speaks `text` (dialog text, shown in full)."""
        if text.strip():
            self._line(f"assistant: {text.strip()}")

    def heard(self, text: str, intent: str | None) -> None:
        """What was heard and what it meant; the words only when transcripts are kept."""
        meaning = intent or "not understood"
        if self.keep_transcripts and text.strip():
            self._line(f"heard: \u201c{text.strip()}\u201d ({meaning})")
        else:
            self._line(f"heard: ({meaning})")

    def listening(self, level_dbfs: float) -> None:
        """The assistant is listening; `level_dbfs` is the loudness of the latest frame."""
        with self._lock:
            if not self._live:
                if not self._listening_noted:
                    print("listening\u2026", file=self._out, flush=True)
                    self._listening_noted = True
                return
            now = time.monotonic()
            if now - self._last_draw < REDRAW_S:
                return
            self._last_draw = now
            print(f"\rlistening\u2026 {meter(level_dbfs)}", end="", file=self._out, flush=True)
            self._meter_shown = True

    def _line(self, text: str) -> None:
        with self._lock:
            if self._meter_shown:
                print("\r\033[K", end="", file=self._out)
                self._meter_shown = False
            self._listening_noted = False
            print(text, file=self._out, flush=True)


def meter(level_dbfs: float) -> str:
    """A bar of METER_WIDTH cells, empty at METER_FLOOR_DBFS and full at 0 dBFS."""
    filled = round(METER_WIDTH * min(1.0, max(0.0, 1.0 - level_dbfs / METER_FLOOR_DBFS)))
    return "\u2588" * filled + "\u00b7" * (METER_WIDTH - filled)
