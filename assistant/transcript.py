"""The transcript of a simulated conversation: one JSON line per assistant or user turn."""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

from assistant.store.private import open_output


@dataclass(frozen=True)
class Turn:
    """One line of the transcript."""

    who: str
    """"assistant" or the partner's name (or "user" when unknown)."""
    text: str
    state: str
    """Machine state when the turn happened."""
    time: str
    """Virtual (or real) clock time, ISO 8601."""
    dialog_id: str = ""
    slots: dict[str, str] | None = None
    listen: str = ""
    """Listening kind the user turn answered."""
    intent: str | None = None
    event: str = ""
    """Machine trigger the user turn caused."""
    confidence: float | None = None


class Transcript:
    """Collects turns in memory and (optionally) appends them to a JSON Lines file."""

    def __init__(self, path: Path | None = None, echo_heard: bool = False) -> None:
        self.echo_heard = echo_heard
        """Print what the partners were heard saying (the demo shows both sides)."""
        self.turns: list[Turn] = []
        self._file: IO[str] | None = None
        if path is not None:  # 0600 whatever the umask: it holds what the partners said
            self._file = io.TextIOWrapper(open_output(path), encoding="utf-8")

    def add(self, turn: Turn) -> None:
        self.turns.append(turn)
        if self.echo_heard and turn.who != "assistant":
            heard = f"{turn.who} (heard): {turn.text}" if turn.text else f"{turn.who}: (silence)"
            print(f"    {heard}   -> {turn.event}", flush=True)
        if self._file:
            self._file.write(json.dumps(asdict(turn), ensure_ascii=False) + "\n")
            self._file.flush()

    def said(self) -> list[str]:
        """Dialog ids the assistant spoke, in order."""
        return [t.dialog_id for t in self.turns if t.who == "assistant"]

    def close(self) -> None:
        if self._file:
            self._file.close()
            self._file = None
