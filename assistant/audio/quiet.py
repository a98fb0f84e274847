"""Keep sound-library chatter off the couple's terminal, without hiding our own errors.

- ALSA reports through an error handler (`snd_lib_error_set_handler`); ours sends its messages to the log at
  debug level and counts the xruns it reports ("underrun occurred"), so they stay measurable.
- PortAudio's device probing (JACK, OSS, ALSA plugins) writes to fd 2 directly; `quiet_stderr()` redirects
  fd 2 to a temporary file only around that probing, then logs what was captured at debug level.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOGGER = logging.getLogger(__name__)
_HANDLER_TYPE = ctypes.CFUNCTYPE(None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                                 ctypes.c_char_p)
_lock = threading.Lock()
_installed: list[object] = []  # keeps the C callback alive
alsa_xruns = 0
"""Underruns/overruns ALSA reported through its error handler since the handler was installed."""


def _on_alsa_error(filename: bytes | None, line: int, function: bytes | None, err: int, fmt: bytes | None) -> None:
    global alsa_xruns
    text = (fmt or b"").decode(errors="replace")
    if function == b"snd_pcm_recover" and "occurred" in text:  # "%s occurred" with "underrun"/"overrun"
        alsa_xruns += 1
    _LOGGER.debug("ALSA %s: %s (%d)", (function or b"?").decode(errors="replace"), text, err)


def install_alsa_handler() -> bool:
    """Route ALSA's messages to our log (idempotent); False when libasound is not there."""
    with _lock:
        if _installed:
            return True
        name = ctypes.util.find_library("asound")
        if name is None:
            return False
        try:
            library = ctypes.CDLL(name)
            handler = _HANDLER_TYPE(_on_alsa_error)
            library.snd_lib_error_set_handler(handler)
        except (OSError, AttributeError) as exc:
            _LOGGER.debug("cannot set the ALSA error handler: %s", exc)
            return False
        _installed.extend([library, handler])
        return True


@contextmanager
def quiet_stderr() -> Iterator[None]:
    """Send fd 2 to a temporary file for the duration (device probing only); log what was written."""
    with _lock, tempfile.TemporaryFile() as captured:
        try:
            saved = os.dup(2)
        except OSError:  # no fd 2 at all: nothing to protect
            yield
            return
        try:
            os.dup2(captured.fileno(), 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            captured.seek(0)
            text = captured.read().decode(errors="replace").strip()
            if text:
                _LOGGER.debug("sound library messages while probing devices:\n%s", text)


def realtime_callback(stream: object, hostapi_name: str) -> bool:
    """Ask PortAudio's ALSA host API to run this (not yet started) stream's callback thread with real-time
    scheduling, as desktop sound clients do, so a busy machine does not starve the device. False when not
    possible (another host API, no permission: PortAudio then keeps a normal thread)."""
    pointer = getattr(stream, "_ptr", None)
    if hostapi_name != "ALSA" or pointer is None:
        return False
    try:
        import sounddevice

        library = ctypes.CDLL(sounddevice._libname)
        address = int(sounddevice._ffi.cast("uintptr_t", pointer))
        library.PaAlsa_EnableRealtimeScheduling(ctypes.c_void_p(address), 1)
    except (OSError, AttributeError, TypeError) as exc:
        _LOGGER.debug("no real-time scheduling for the audio callback: %s", exc)
        return False
    return True
