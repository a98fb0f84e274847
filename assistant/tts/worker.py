"""The speech worker: pyttsx3 in a child process behind a watchdog, streaming, with a cache of fixed lines.

A hang or segfault of espeak-ng can only take the child down. The start-up handshake and each whole line
must be answered within `VoiceSettings.tts_timeout_s`; otherwise, or when the child dies or reports an
error, it is killed, restarted and asked once more (audio already handed over is skipped on the second
render, which is identical). A second failure ends the line with TTSError, so the worst case is about
2 x tts_timeout_s. The next request starts a fresh child again. Lines render one at a time, in order, on
one thread; audio reaches the caller chunk by chunk while the child renders (`stream`).
"""

from __future__ import annotations

import base64
import functools
import itertools
import logging
import queue
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence

from assistant.audio.base import Clip
from assistant.config import VoiceSettings
from assistant.tts.base import TTSError
from assistant.tts.cache import DiskClipCache, cache_key
from assistant.tts.child_process import DEFAULT_COMMAND, RenderChild, WorkerFailure
from assistant.tts.speaker import FallbackSpeaker
from assistant.tts.stream import SpeechStream

_LOGGER = logging.getLogger(__name__)

LIVE, BACKGROUND = 0, 1
"""Job priorities: a line someone waits for goes before pre-rendering."""

__all__ = ["DEFAULT_COMMAND", "FallbackSpeaker", "SpeechWorker"]


class SpeechWorker:
    """Synthesizer that renders in a child process (`command`, default DEFAULT_COMMAND).

    Clips are kept in a memory LRU of `cache_size` entries by (text, voice, rate, volume). With a
    `disk_cache`, lines that `may_cache(text, dialog_id)` allows are also kept on disk (keyed with the
    engine's version, too). `start_seconds` is the last start-up time; `restarts` counts restarts after
    failures; `renders` counts lines rendered by the child.
    """

    def __init__(self, settings: VoiceSettings | None = None, command: Sequence[str] | None = None,
                 cache_size: int = 64, disk_cache: DiskClipCache | None = None,
                 may_cache: Callable[[str, str], bool] | None = None) -> None:
        self._child = RenderChild(settings or VoiceSettings.model_validate({}), command)
        self._cache: OrderedDict[tuple[str, str | None, int, float], bytes] = OrderedDict()
        self._cache_size = cache_size
        self._disk, self._may_cache = disk_cache, may_cache or (lambda text, dialog_id: False)
        self._lock = threading.RLock()
        self._jobs: queue.PriorityQueue[tuple[int, int, Callable[[], None] | None]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self.restarts = 0
        self.renders = 0

    # --- the child --------------------------------------------------------------------------------

    @property
    def settings(self) -> VoiceSettings:
        """Voice, rate, volume and the watchdog's timeout, read at each exchange with the child."""
        return self._child.settings

    @settings.setter
    def settings(self, settings: VoiceSettings) -> None:
        self._child.settings = settings

    @property
    def pid(self) -> int | None:
        """Process id of the running child, if any."""
        return self._child.pid

    @property
    def engine(self) -> str:
        """Engine versions reported by the child (part of the disk cache key)."""
        return self._child.engine

    @property
    def start_seconds(self) -> float:
        """The child's last start-up time."""
        return self._child.start_seconds

    def start(self) -> None:
        """Start the child now (otherwise the first request does); raises TTSError when it cannot start."""
        with self._lock:
            try:
                self._child.ensure_started()
            except WorkerFailure as exc:
                self._child.kill()
                raise TTSError(f"speech worker did not start: {exc}") from exc

    def _render_into(self, stream: SpeechStream) -> bytes:
        """Render stream.text in the child, pushing audio as it arrives; the whole audio, or TTSError."""
        delivered: list[bytes] = []
        sent = 0
        last: WorkerFailure | None = None
        for attempt in (1, 2):
            try:
                self._child.ensure_started()
                self._child.send({"text": stream.text})
                deadline, received = time.monotonic() + self.settings.tts_timeout_s, 0
                while "pcm" in (answer := self._child.receive(deadline)):
                    pcm = base64.b64decode(answer["pcm"])
                    new = pcm[max(0, sent - received):]  # a second render repeats what was handed over
                    received += len(pcm)
                    if new:
                        delivered.append(new)
                        sent += len(new)
                        stream.push(new)
                if not answer.get("ok"):
                    raise WorkerFailure(str(answer.get("error", "render failed")))
                self.renders += 1
                return b"".join(delivered)
            except WorkerFailure as exc:
                last = exc
                _LOGGER.warning("speech worker failed (attempt %d): %s", attempt, exc)
                self._child.kill()
                if attempt == 1:
                    self.restarts += 1
        raise TTSError(f"text-to-speech failed twice: {last}")

    # --- lines ------------------------------------------------------------------------------------

    def _submit(self, priority: int, job: Callable[[], None]) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run_jobs, name="tts-render", daemon=True)
                self._thread.start()
        self._jobs.put((priority, next(self._order), job))

    def _run_jobs(self) -> None:
        while (job := self._jobs.get()[2]) is not None:
            try:
                job()
            except Exception:  # pragma: no cover - a job must never end the render thread
                _LOGGER.exception("speech job failed")

    def _keys(self, text: str) -> tuple[tuple[str, str | None, int, float], str]:
        voice = self.settings
        return (text, voice.voice, voice.rate, voice.volume), cache_key(text, voice.voice, voice.rate,
                                                                        voice.volume, self.engine)

    def _cached(self, text: str, dialog_id: str) -> bytes | None:
        memory_key, disk_key = self._keys(text)
        with self._lock:
            pcm = self._cache.get(memory_key)
            if pcm is not None:
                self._cache.move_to_end(memory_key)
                return pcm
        if self._disk is not None and self.engine and self._may_cache(text, dialog_id):
            pcm = self._disk.get(disk_key)
            if pcm is not None:
                self._remember(memory_key, pcm)
            return pcm
        return None

    def _remember(self, memory_key: tuple[str, str | None, int, float], pcm: bytes) -> None:
        with self._lock:
            self._cache[memory_key] = pcm
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def _produce(self, stream: SpeechStream) -> None:
        if (pcm := self._cached(stream.text, stream.dialog_id)) is not None:  # cached while it waited
            stream.cached = True
            stream.push(pcm)
            stream.finish()
            return
        with self._lock:
            try:
                pcm = self._render_into(stream)
            except TTSError as exc:
                stream.fail(exc)
                return
        stream.finish()
        memory_key, disk_key = self._keys(stream.text)
        self._remember(memory_key, pcm)
        if self._disk is not None and self._may_cache(stream.text, stream.dialog_id):
            self._disk.put(disk_key, pcm)

    def stream(self, text: str, dialog_id: str = "") -> SpeechStream:
        """Start speaking `text`: a cached line is complete at once, others fill in as the child renders."""
        if not text.strip():
            return SpeechStream.of(Clip(b"", text, dialog_id))
        if (pcm := self._cached(text, dialog_id)) is not None:
            return SpeechStream.of(Clip(pcm, text, dialog_id), cached=True)
        stream = SpeechStream(text, dialog_id)
        self._submit(LIVE, lambda: self._produce(stream))
        return stream

    def synthesize(self, text: str, dialog_id: str = "") -> Clip:
        return self.stream(text, dialog_id).clip()

    def warm(self, lines: Iterable[tuple[str, str]] = ()) -> None:
        """In the background: start the child now, then render `lines` ((text, dialog_id)) that the
        cache policy allows and the cache lacks, after any line someone is waiting for."""
        self._submit(LIVE, self._start_quietly)
        for text, dialog_id in lines:
            if self._disk is not None and self._may_cache(text, dialog_id):
                self._submit(BACKGROUND, functools.partial(self._prerender, text, dialog_id))

    def _start_quietly(self) -> None:
        try:
            self.start()
        except TTSError as exc:
            _LOGGER.warning("%s", exc)

    def _prerender(self, text: str, dialog_id: str) -> None:
        """Render a fixed line the disk cache lacks; one already there is only looked up (not read, checked
        and held in memory at every start, which competed with start-up for the interpreter)."""
        if self._disk is not None and self._disk.has(self._keys(text)[1]):
            return
        if self._cached(text, dialog_id) is None:
            self._produce(SpeechStream(text, dialog_id))

    def idle(self, timeout: float | None = None) -> bool:
        """Block until every queued job is done (tests, benches); False on timeout."""
        done = threading.Event()
        self._submit(BACKGROUND + 1, done.set)
        return done.wait(timeout)

    def close(self) -> None:
        """End the render thread and the child (it exits at end of input; killed if it lingers)."""
        self._jobs.put((BACKGROUND, -1, None))  # after the lines someone waits for, before pre-rendering
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2 * self.settings.tts_timeout_s + 5)
        self._thread = None
        with self._lock:
            self._child.close()
