"""The continuous microphone reader: a thread drains a live source through the front end into a bounded queue.

A live microphone must be read in full, whether or not anybody is listening: PortAudio's buffer overflows
otherwise, and the echo canceller needs every frame in order to stay aligned with what the speaker played.
The thread reads each frame, cleans and scores it (`FrontEnd.process`) and queues the result; the Listener
takes processed frames from the queue when it listens (it stays the one seat of "what was heard"). While
nobody takes them, the oldest frames fall out of the queue (`dropped`): that is stale audio, not lost audio.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Any

from assistant.audio.base import SAMPLE_RATE, AudioSource, ListenRequest
from assistant.audio.devices import AudioDeviceError
from assistant.frontend.base import FrontEnd, Processed

_LOGGER = logging.getLogger(__name__)

BACKLOG_S = 3.0
"""Seconds of processed audio kept for a listen that starts late (a partner answering as the line ends)."""
FRAME_S = 0.03
HALF_SAMPLE_S = 0.5 / SAMPLE_RATE
"""A frame ending within this of a skip time ended before it (capture times are sums of floats)."""
IDLE_WAIT_S = 0.005
"""Pause after a read that returned no audio, so a source that returns at once never spins a core."""


class FrontEndStream:
    """An AudioSource over a live `source` whose frames are already processed by `front` on a reader thread.

    `read_processed()` gives the next Processed frame (None after `wait_s` without one); `read()` its pcm.
    A device error on the thread is raised by the next read, as the microphone itself would.
    """

    live = True

    def __init__(self, source: AudioSource, front: FrontEnd, backlog_s: float = BACKLOG_S,
                 wait_s: float = 0.5) -> None:
        self.source = source
        self.front = front
        self.wait_s = wait_s
        self.dropped = 0
        """Processed frames that fell out of the full queue unread (nobody was listening)."""
        self.frames_processed = 0
        self._queue: deque[tuple[Processed, float | None]] = deque(maxlen=max(1, round(backlog_s / FRAME_S)))
        """Processed frames with the time.monotonic() their first sample was captured (None: unknown)."""
        self._ready = threading.Condition()
        self._error: AudioDeviceError | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._skip_until = float("-inf")
        self.start()

    def start(self) -> None:
        """Start draining (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="frontend-reader", daemon=True)
            self._thread.start()

    # -- the reader thread --------------------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                frame = self.source.read()
            except AudioDeviceError as exc:
                with self._ready:
                    self._error = exc
                    self._ready.notify_all()
                return
            if frame is None:
                if getattr(self.source, "closed", False):
                    return  # the device was closed under us (e.g. by whoever opened it): nothing more to read
                self._stop.wait(IDLE_WAIT_S)  # a source that returns at once without audio: never spin
                continue
            captured_at = getattr(self.source, "last_frame_at", None)
            try:
                out = self.front.process(frame)
            except Exception as exc:  # a bug must not silently stop the hearing: the listener raises it
                _LOGGER.exception("front end failed on the reader thread")
                with self._ready:
                    self._error = AudioDeviceError(f"the speech front end failed: {exc}")
                    self._ready.notify_all()
                return
            with self._ready:
                if len(self._queue) == self._queue.maxlen:
                    self.dropped += 1
                self._queue.append((out, captured_at))
                self.frames_processed += 1
                self._ready.notify_all()

    # -- AudioSource ----------------------------------------------------------------------------------------
    def read_processed(self) -> Processed | None:
        with self._ready:
            if not self._queue and self._error is None:
                self._ready.wait(self.wait_s)
            while self._queue:
                out, at = self._queue.popleft()
                if at is None or at + FRAME_S > self._skip_until + HALF_SAMPLE_S:
                    return out
            if self._error is not None:
                raise self._error
            return None

    def read(self) -> bytes | None:
        out = self.read_processed()
        return out.pcm if out is not None else None

    def begin(self, request: ListenRequest) -> None:
        self.source.begin(request)

    def discard_pending(self) -> None:
        """Drop the processed frames nobody read (half duplex: they were heard while the assistant spoke)."""
        self.source.discard_pending()
        with self._ready:
            self._queue.clear()

    def discard_before(self, until: float) -> None:
        """Skip the frames captured (wholly) before `until` (time.monotonic()), queued or still to come (the
        device delivers audio some time after capturing it)."""
        with self._ready:
            self._skip_until = until

    @property
    def backlog_s(self) -> float:
        """Seconds of processed audio waiting to be read (how far a reader lags behind the microphone)."""
        with self._ready:
            return len(self._queue) * FRAME_S

    @property
    def overflows(self) -> int:
        """Audio the device lost (the reader fell behind the device): 0 when the thread keeps up."""
        return int(getattr(self.source, "overflows", 0))

    @property
    def last_frame_at(self) -> float | None:
        """Capture time of the frame the reader took last (the one the front end is cleaning)."""
        return getattr(self.source, "last_frame_at", None)

    def __getattr__(self, name: str) -> Any:
        """The wrapped source's other attributes (e.g. `on_level`, `device`)."""
        if name == "source":
            raise AttributeError(name)
        return getattr(self.source, name)

    def close(self) -> None:
        self._stop.set()
        self.source.close()
        if self._thread is not None:
            self._thread.join(timeout=2)
