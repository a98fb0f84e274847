"""Reopening a microphone that disappeared mid-session: exponential backoff on the injectable clock.

PortAudio reads the device list once (sounddevice #47, #382), so each attempt first asks it to look
again (`rescan`), then opens a fresh MicrophoneSource.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from assistant.audio.base import AudioSource
from assistant.audio.devices import AudioDeviceError, sounddevice_module
from assistant.clock import Clock

_LOGGER = logging.getLogger(__name__)
FIRST_WAIT_S = 1.0
MAX_WAIT_S = 30.0


def backoff_delays(first_s: float = FIRST_WAIT_S, cap_s: float = MAX_WAIT_S) -> Iterator[float]:
    """1, 2, 4, 8, 16, 30, 30, ... seconds (doubling from `first_s`, capped at `cap_s`)."""
    delay = first_s
    while True:
        yield min(delay, cap_s)
        delay = min(delay * 2, cap_s)


def rescan() -> None:
    """Make PortAudio list the devices again (it caches the list from its initialisation)."""
    sd, _ = sounddevice_module()
    if sd is None:
        return
    from assistant.audio.quiet import quiet_stderr

    try:
        with quiet_stderr():
            sd._terminate()
            sd._initialize()
    except (OSError, AttributeError, sd.PortAudioError) as exc:
        _LOGGER.info("PortAudio rescan failed: %s", exc)


def open_microphone(device: str | int | None = None, **kwargs: object) -> AudioSource:
    """A fresh microphone after a rescan; AudioDeviceError while it is still missing."""
    from assistant.audio.microphone import MicrophoneSource

    rescan()
    return MicrophoneSource(device, **kwargs)  # type: ignore[arg-type]


@dataclass
class Reopener:
    """Tries `open_source` after waits of 1, 2, 4 ... up to 30 s until it succeeds or `should_stop()`."""

    open_source: Callable[[], AudioSource]
    clock: Clock
    first_s: float = FIRST_WAIT_S
    cap_s: float = MAX_WAIT_S
    waits: list[float] = field(default_factory=list)
    """Every wait so far (seconds), for logs and tests."""

    def reopen(self, should_stop: Callable[[], bool] = lambda: False) -> AudioSource | None:
        """The reopened source, or None when asked to stop first."""
        for delay in backoff_delays(self.first_s, self.cap_s):
            if should_stop():
                return None
            self.clock.sleep(delay)
            self.waits.append(delay)
            try:
                source = self.open_source()
            except AudioDeviceError as exc:
                _LOGGER.info("microphone still missing after %.0f s: %s", delay, exc)
                continue
            _LOGGER.info("microphone back after %.0f s of waiting", sum(self.waits))
            return source
        return None  # pragma: no cover - the delays never run out


def reopen_in_place(listener: object, reopener: Reopener,
                    opened: list[AudioSource]) -> Callable[[Callable[[], bool]], bool]:
    """A `reopen(should_stop) -> bool` that closes `listener.source`, waits for a new one and swaps it in.

    Every source it opens is added to `opened` (the caller closes them at the end).
    """

    def reopen(should_stop: Callable[[], bool]) -> bool:
        listener.source.close()  # type: ignore[attr-defined]
        source = reopener.reopen(should_stop)
        if source is None:
            return False
        opened.append(source)
        listener.source = source  # type: ignore[attr-defined]
        return True

    return reopen
