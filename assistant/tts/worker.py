"""The speech worker: pyttsx3 in a child process behind a watchdog, and a speaker that falls back to text.

A hang or segfault of espeak-ng can only take the child down. Each request (and the start-up
handshake) must be answered within `VoiceSettings.tts_timeout_s`; otherwise, or when the child dies or
reports an error, it is killed, restarted and asked once more. A second failure raises TTSError, so the
worst case is about 2 x tts_timeout_s. The next request starts a fresh child again.
"""

from __future__ import annotations

import base64
import json
import logging
import queue
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import IO, Any

from assistant.audio.base import AudioSink, Clip, Playback
from assistant.audio.sinks import TextSink
from assistant.config import VoiceSettings
from assistant.tts.base import Synthesizer, TTSError

_LOGGER = logging.getLogger(__name__)

DEFAULT_COMMAND = (sys.executable, "-m", "assistant.tts.pyttsx3_engine")


class _WorkerFailure(Exception):
    """One failed exchange with the child (timeout, exit, bad answer)."""


class SpeechWorker:
    """Synthesizer that renders in a child process (`command`, default DEFAULT_COMMAND).

    Clips are cached by (text, voice, rate, volume) in an LRU of `cache_size` entries, since prompts
    repeat. Thread-safe: requests are serialised. `start_seconds` is the last start-up time and
    `restarts` counts restarts after failures.
    """

    def __init__(self, settings: VoiceSettings | None = None, command: Sequence[str] | None = None,
                 cache_size: int = 64) -> None:
        self.settings = settings or VoiceSettings.model_validate({})
        self._command = list(command or DEFAULT_COMMAND)
        self._cache: OrderedDict[tuple[str, str | None, int, float], bytes] = OrderedDict()
        self._cache_size = cache_size
        self._proc: subprocess.Popen[str] | None = None
        self._answers: queue.Queue[str | None] = queue.Queue()
        self._lock = threading.Lock()
        self.start_seconds = 0.0
        self.restarts = 0

    @property
    def pid(self) -> int | None:
        """Process id of the running child, if any."""
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def start(self) -> None:
        """Start the child now (otherwise the first request does); raises TTSError when it cannot start."""
        with self._lock:
            try:
                self._ensure_started()
            except _WorkerFailure as exc:
                self._kill()
                raise TTSError(f"speech worker did not start: {exc}") from exc

    def _ensure_started(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            return
        self._kill()
        began = time.monotonic()
        try:
            self._proc = subprocess.Popen(self._command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          text=True, encoding="utf-8", bufsize=1)
        except OSError as exc:
            raise _WorkerFailure(f"cannot run {self._command[0]}: {exc}") from exc
        self._answers = queue.Queue()
        threading.Thread(target=self._read_answers, args=(self._proc.stdout, self._answers),
                         name="tts-reader", daemon=True).start()
        voice = self.settings
        answer = self._exchange({"voice": voice.voice, "rate": voice.rate, "volume": voice.volume})
        if not answer.get("ready"):
            raise _WorkerFailure(str(answer.get("error", "no ready message")))
        self.start_seconds = time.monotonic() - began
        _LOGGER.info("speech worker pid %d ready in %.2f s", self._proc.pid, self.start_seconds)

    @staticmethod
    def _read_answers(stream: IO[str] | None, answers: queue.Queue[str | None]) -> None:
        if stream is not None:
            for line in stream:
                answers.put(line)
        answers.put(None)

    def _exchange(self, message: dict[str, Any]) -> dict[str, Any]:
        assert self._proc is not None and self._proc.stdin is not None
        try:
            self._proc.stdin.write(json.dumps(message) + "\n")
            self._proc.stdin.flush()
        except (BrokenPipeError, OSError, ValueError) as exc:
            raise _WorkerFailure(f"worker gone ({exc})") from exc
        try:
            line = self._answers.get(timeout=self.settings.tts_timeout_s)
        except queue.Empty:
            raise _WorkerFailure(f"no answer within {self.settings.tts_timeout_s:g} s") from None
        if line is None:
            code = self._proc.wait(timeout=2)
            raise _WorkerFailure(f"worker exited with code {code}")
        try:
            answer = json.loads(line)
        except json.JSONDecodeError as exc:
            raise _WorkerFailure("unreadable answer from worker") from exc
        if not isinstance(answer, dict):
            raise _WorkerFailure("unreadable answer from worker")
        return answer

    def _kill(self) -> None:
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

    def _render(self, text: str) -> bytes:
        last: _WorkerFailure | None = None
        for attempt in (1, 2):
            try:
                self._ensure_started()
                answer = self._exchange({"text": text})
                if not answer.get("ok"):
                    raise _WorkerFailure(str(answer.get("error", "render failed")))
                return base64.b64decode(answer.get("pcm", ""))
            except _WorkerFailure as exc:
                last = exc
                _LOGGER.warning("speech worker failed (attempt %d): %s", attempt, exc)
                self._kill()
                if attempt == 1:
                    self.restarts += 1
        raise TTSError(f"text-to-speech failed twice: {last}")

    def synthesize(self, text: str, dialog_id: str = "") -> Clip:
        if not text.strip():
            return Clip(b"", text, dialog_id)
        key = (text, self.settings.voice, self.settings.rate, self.settings.volume)
        with self._lock:
            pcm = self._cache.get(key)
            if pcm is None:
                pcm = self._render(text)
                self._cache[key] = pcm
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
            else:
                self._cache.move_to_end(key)
        return Clip(pcm, text, dialog_id)

    def close(self) -> None:
        """End the child: close its stdin (it exits at end of input), kill it if it lingers."""
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is None and proc.stdin is not None:
                try:
                    proc.stdin.close()
                    proc.wait(timeout=2)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            self._kill()


class FallbackSpeaker:
    """`say(text)`: speak through `sink`; when TTS fails, print through `text_sink` instead.

    After the first TTSError the speaker stays in text mode (`degraded`) for the rest of the session,
    so a broken engine costs its timeout once, not on every line.
    """

    def __init__(self, synthesizer: Synthesizer, sink: AudioSink, text_sink: AudioSink | None = None) -> None:
        self.synthesizer = synthesizer
        self.sink = sink
        self.text_sink = text_sink or TextSink()
        self.degraded = False

    def say(self, text: str, dialog_id: str = "") -> Playback:
        if not self.degraded:
            try:
                return self.sink.play(self.synthesizer.synthesize(text, dialog_id))
            except TTSError as exc:
                self.degraded = True
                _LOGGER.warning("text-to-speech unavailable (%s); printing what the assistant says", exc)
        return self.text_sink.play(Clip(b"", text, dialog_id))

    def close(self) -> None:
        self.synthesizer.close()
        self.sink.close()
