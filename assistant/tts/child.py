"""The speech worker's child program: one Pyttsx3Engine answering JSON lines on stdin/stdout.

Protocol (one JSON object per line):
    parent -> {"voice": ..., "rate": ..., "volume": ..., "patience_s": ...}
    child  -> {"ready": true, "pid": ..., "engine": "<versions>"} | {"ready": false, "error": ...}
    parent -> {"text": "..."}
    child  -> {"pcm": base64 of 16 kHz int16} ... as espeak-ng produces audio, then
              {"ok": true} | {"ok": false, "error": ...}
End of stdin ends the child. pyttsx3 prints to stdout, so the protocol uses a private copy of fd 1 and
fd 1 itself is sent to /dev/null.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sys
from typing import Any, TextIO

from assistant.tts.base import TTSError

_LOGGER = logging.getLogger(__name__)


def _send(out: TextIO, message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def run_child(stdin: TextIO | None = None) -> int:
    """The child's loop (see the module docstring); returns the exit code."""
    from assistant.tts.pyttsx3_engine import Pyttsx3Engine

    logging.basicConfig(level=logging.WARNING, format="tts-worker %(levelname)s %(name)s: %(message)s")
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    lines = stdin or sys.stdin
    config = json.loads(lines.readline() or "{}")
    try:
        engine = Pyttsx3Engine(config.get("voice"), int(config.get("rate", 160)),
                               float(config.get("volume", 1.0)), float(config.get("patience_s", 10.0)))
    except TTSError as exc:
        _send(out, {"ready": False, "error": str(exc)})
        return 1
    try:
        engine.render("Ready.")  # loads the voice's phoneme data now, not on the first real line (~0.2 s)
    except TTSError as exc:
        _send(out, {"ready": False, "error": str(exc)})
        return 1
    _send(out, {"ready": True, "pid": os.getpid(), "engine": engine.version})
    try:
        for line in lines:
            request = json.loads(line)
            try:
                for pcm in engine.stream(str(request.get("text", ""))):
                    _send(out, {"pcm": base64.b64encode(pcm).decode("ascii")})
            except TTSError as exc:
                _send(out, {"ok": False, "error": str(exc)})
            else:
                _send(out, {"ok": True})
    finally:
        engine.close()
    return 0


def main() -> int:
    """`python -m assistant.tts.child`."""
    return run_child()


if __name__ == "__main__":
    sys.exit(main())
