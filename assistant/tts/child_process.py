"""The speech worker's child process: start-up handshake, one JSON message per line each way, and killing it."""

from __future__ import annotations

import json
import logging
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import IO, Any

from assistant.config import VoiceSettings

_LOGGER = logging.getLogger(__name__)

DEFAULT_COMMAND = (sys.executable, "-m", "assistant.tts.child")


class WorkerFailure(Exception):
    """One failed exchange with the child (timeout, exit, bad answer)."""


class RenderChild:
    """The pyttsx3 child (`command`, default DEFAULT_COMMAND); not thread-safe: the worker holds its lock.

    `engine` is the engine versions the child reported; `start_seconds` the last start-up time.
    """

    def __init__(self, settings: VoiceSettings, command: Sequence[str] | None = None) -> None:
        self.settings = settings
        self._command = list(command or DEFAULT_COMMAND)
        self._proc: subprocess.Popen[str] | None = None
        self._answers: queue.Queue[str | None] = queue.Queue()
        self.engine = ""
        self.start_seconds = 0.0

    @property
    def pid(self) -> int | None:
        """Process id of the running child, if any."""
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def ensure_started(self) -> None:
        """Start the child and wait for its ready handshake, unless it runs already."""
        if self._proc is not None and self._proc.poll() is None:
            return
        self.kill()
        began = time.monotonic()
        try:
            self._proc = subprocess.Popen(self._command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          text=True, encoding="utf-8", bufsize=1)
        except OSError as exc:
            raise WorkerFailure(f"cannot run {self._command[0]}: {exc}") from exc
        self._answers = queue.Queue()
        threading.Thread(target=self._read_answers, args=(self._proc.stdout, self._answers),
                         name="tts-reader", daemon=True).start()
        voice = self.settings
        self.send({"voice": voice.voice, "rate": voice.rate, "volume": voice.volume,
                    "patience_s": voice.tts_timeout_s})
        answer = self.receive(began + voice.tts_timeout_s)
        if not answer.get("ready"):
            raise WorkerFailure(str(answer.get("error", "no ready message")))
        self.engine = str(answer.get("engine", ""))
        self.start_seconds = time.monotonic() - began
        _LOGGER.info("speech worker pid %d ready in %.2f s", self._proc.pid, self.start_seconds)

    @staticmethod
    def _read_answers(stream: IO[str] | None, answers: queue.Queue[str | None]) -> None:
        if stream is not None:
            for line in stream:
                answers.put(line)
        answers.put(None)

    def send(self, message: dict[str, Any]) -> None:
        """One JSON line to the child; WorkerFailure when it is gone."""
        assert self._proc is not None and self._proc.stdin is not None
        try:
            self._proc.stdin.write(json.dumps(message) + "\n")
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError) as exc:
            raise WorkerFailure(f"worker gone ({exc})") from exc

    def receive(self, deadline: float) -> dict[str, Any]:
        """The child's next answer by `deadline` (monotonic); WorkerFailure on timeout, exit or garbage."""
        assert self._proc is not None
        try:
            line = self._answers.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise WorkerFailure(f"no answer within {self.settings.tts_timeout_s:g} s") from None
        if line is None:
            code = self._proc.wait(timeout=2)
            raise WorkerFailure(f"worker exited with code {code}")
        try:
            answer = json.loads(line)
        except json.JSONDecodeError as exc:
            raise WorkerFailure("unreadable answer from worker") from exc
        if not isinstance(answer, dict):
            raise WorkerFailure("unreadable answer from worker")
        return answer

    def kill(self) -> None:
        """Kill the child now (if any) and close its pipes."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:  # pragma: no cover - a process that survives SIGKILL
            _LOGGER.error("speech worker pid %d did not die", proc.pid)
        for pipe in (proc.stdin, proc.stdout):
            try:
                if pipe is not None:
                    pipe.close()
            except OSError:
                pass

    def close(self) -> None:
        """Let the child exit at the end of its input; kill it if it lingers."""
        proc = self._proc
        if proc is not None and proc.poll() is None and proc.stdin is not None:
            try:
                proc.stdin.close()
                proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.kill()
