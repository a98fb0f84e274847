"""pyttsx3 (espeak-ng) rendered to a private temporary WAV, checked, and converted to 16 kHz mono.

Also the speech worker's child program: `python -m assistant.tts.pyttsx3_engine` reads JSON lines on
stdin and answers JSON lines on stdout (see `main`). The engine is never asked to speak empty text
(pyttsx3 #140 segfault) and a missing, empty or truncated file is rendered once more (#142, #219).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import shutil
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any, TextIO

from assistant.audio.base import Clip
from assistant.audio.convert import AudioFormatError, read_wav
from assistant.config import VoiceSettings
from assistant.tts.base import TTSError

_LOGGER = logging.getLogger(__name__)


def _complete_wav(path: Path) -> bool:
    """True when `path` is a WAV file with a non-empty data chunk as long as its header says."""
    try:
        if path.stat().st_size <= 44:
            return False
        with wave.open(str(path), "rb") as wav:
            expected = wav.getnframes() * wav.getsampwidth() * wav.getnchannels()
            return expected > 0 and len(wav.readframes(wav.getnframes())) == expected
    except (OSError, EOFError, wave.Error):
        return False


def _wait_complete(path: Path, patience_s: float = 2.0) -> bool:
    """runAndWait can return before the file is written (pyttsx3 #142): give it a moment to finish."""
    deadline = time.monotonic() + patience_s
    while not _complete_wav(path):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.02)
    return True


class Pyttsx3Engine:
    """A Synthesizer running pyttsx3 in this process. Use it from one thread only (or via SpeechWorker).

    pyttsx3 keeps ONE espeak engine per process, so instances share it; each render re-applies this
    instance's voice, rate and volume. An unknown voice logs a warning and the default voice is used.
    """

    def __init__(self, voice: str | None = "en-us", rate: int = 160, volume: float = 1.0) -> None:
        import pyttsx3

        try:
            self._engine: Any = pyttsx3.init()
            self._voice = self._resolve_voice(voice)
            self._rate, self._volume = rate, volume
            self._apply()
        except (RuntimeError, ValueError, KeyError, OSError) as exc:
            raise TTSError(f"cannot start pyttsx3 with voice {voice!r}: {exc}") from exc
        self._dir = Path(tempfile.mkdtemp(prefix="assistant-tts-"))  # mode 0700: private
        self._count = 0

    def _resolve_voice(self, wanted: str | None) -> str | None:
        """The pyttsx3 voice id for an id, espeak name ("en-us"), language or display name."""
        if not wanted:
            return None
        key = wanted.casefold()
        for voice in self._engine.getProperty("voices"):
            names = {str(voice.id), str(voice.id).rsplit("/", 1)[-1], str(voice.name),
                     *(str(lang) for lang in (voice.languages or []))}
            if key in {name.casefold() for name in names}:
                return str(voice.id)
        _LOGGER.warning("unknown voice %r; using the default voice", wanted)
        return None

    @property
    def voice(self) -> str | None:
        """The resolved pyttsx3 voice id (None: the engine's default)."""
        return self._voice

    def _apply(self) -> None:
        """Set voice, rate and volume now. pyttsx3's own setProperty only queues the change, and in
        2.99 a queued change can take effect one utterance late; the espeak driver sets it at once.
        After a voice change espeak-ng ignores the first rate/volume change: they are set twice."""
        driver = getattr(getattr(self._engine, "proxy", None), "_driver", None)
        set_now = getattr(driver, "setProperty", None) or self._engine.setProperty
        if self._voice:
            set_now("voice", self._voice)
        for _ in range(2):
            set_now("rate", self._rate)
            set_now("volume", self._volume)

    @classmethod
    def from_settings(cls, settings: VoiceSettings) -> Pyttsx3Engine:
        return cls(settings.voice, settings.rate, settings.volume)

    def render(self, text: str) -> bytes:
        """16 kHz mono int16 audio of `text` (b"" for blank text, without calling the engine)."""
        if not text.strip():
            return b""
        for attempt in (1, 2):
            self._count += 1
            path = self._dir / f"line-{self._count}.wav"
            try:
                self._apply()
                self._engine.save_to_file(text, str(path))
                self._engine.runAndWait()
                if _wait_complete(path):
                    return read_wav(path)
            except (RuntimeError, AudioFormatError, OSError) as exc:
                _LOGGER.warning("pyttsx3 render failed (attempt %d): %s", attempt, type(exc).__name__)
            finally:
                path.unlink(missing_ok=True)
            _LOGGER.log(logging.INFO if attempt == 1 else logging.WARNING,
                        "pyttsx3 wrote no complete WAV file (attempt %d)", attempt)
        raise TTSError("pyttsx3 produced no audio twice in a row")

    def synthesize(self, text: str, dialog_id: str = "") -> Clip:
        return Clip(self.render(text), text, dialog_id)

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)


def _send(out: TextIO, message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def main(stdin: TextIO | None = None) -> int:
    """Child-process loop. Protocol (one JSON object per line):

    parent -> {"voice": ..., "rate": ..., "volume": ...}
    child  -> {"ready": true, "pid": ...} | {"ready": false, "error": ...}
    parent -> {"text": "..."}
    child  -> {"ok": true, "pcm": base64 of 16 kHz int16} | {"ok": false, "error": ...}
    End of stdin ends the child. pyttsx3 prints to stdout, so the protocol uses a private copy of fd 1
    and fd 1 itself is sent to /dev/null.
    """
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    lines = stdin or sys.stdin
    config = json.loads(lines.readline() or "{}")
    try:
        engine = Pyttsx3Engine(config.get("voice"), int(config.get("rate", 160)),
                               float(config.get("volume", 1.0)))
    except TTSError as exc:
        _send(out, {"ready": False, "error": str(exc)})
        return 1
    _send(out, {"ready": True, "pid": os.getpid()})
    try:
        for line in lines:
            request = json.loads(line)
            try:
                pcm = engine.render(str(request.get("text", "")))
            except TTSError as exc:
                _send(out, {"ok": False, "error": str(exc)})
            else:
                _send(out, {"ok": True, "pcm": base64.b64encode(pcm).decode("ascii")})
    finally:
        engine.close()
    return 0


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="tts-worker %(levelname)s %(name)s: %(message)s")
    sys.exit(main())
