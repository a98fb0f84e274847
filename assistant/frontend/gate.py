"""The listening gate: front end + endpointer + pre-roll, one call per microphone frame.

What the Listener needs per frame: the cleaned audio to hand to the recogniser (nothing before the onset,
the pre-roll with it, every frame after) and whether the partner has finished.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from assistant.audio.convert import rms_dbfs
from assistant.frontend.base import FrontEnd, Processed
from assistant.frontend.endpoint import Endpointer, Event
from assistant.frontend.settings import EndpointSettings

PRE_ROLL_FRAMES = 10
"""Cleaned frames (30 ms each) kept before the onset and fed to the recogniser with it."""


@dataclass(frozen=True)
class GateStep:
    """The gate's verdict on one frame."""

    feed: bytes
    """Cleaned audio to pass to the recogniser now (empty before the onset)."""
    event: Event
    """ONSET on the frame speech started, END on the frame the hang-over ran out, else NONE."""


class SpeechGate:
    """One listen at a time: `begin(kind)`, then `push(frame)` until a step says END."""

    def __init__(self, front_end: FrontEnd, settings: EndpointSettings | None = None) -> None:
        self.front_end = front_end
        self.settings = settings or EndpointSettings()
        self.endpointer = Endpointer("command", self.settings)
        self._pre_roll: deque[bytes] = deque(maxlen=PRE_ROLL_FRAMES)

    def begin(self, kind: str, reset_front: bool = True) -> None:
        """Start a listen of this kind (its hang-over); the VAD's state is reset (unless the front end runs
        continuously on a reader thread: `reset_front=False`), the echo path is kept."""
        if reset_front:
            self.front_end.reset()
        self.endpointer = Endpointer(kind, self.settings)
        self._pre_roll.clear()

    def push(self, frame: bytes) -> GateStep:
        """One raw frame through the front end and the endpointer."""
        return self.push_processed(self.front_end.process(frame))

    def push_processed(self, out: Processed) -> GateStep:
        """One frame the front end already processed (FrontEndStream) through the endpointer."""
        event = self.endpointer.update(out.speech_probability, rms_dbfs(out.pcm))
        if event is Event.ONSET:
            self._pre_roll.append(out.pcm)
            feed = b"".join(self._pre_roll)
            self._pre_roll.clear()
            return GateStep(feed, event)
        if self.endpointer.in_speech:
            return GateStep(out.pcm, event)
        self._pre_roll.append(out.pcm)
        return GateStep(b"", event)
