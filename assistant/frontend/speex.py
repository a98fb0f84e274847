"""A minimal ctypes binding of libspeexdsp's echo canceller and its residual-echo suppressor.

The PyPI `speexdsp` package exposes only the linear canceller (and ships no wheels: it needs swig and
headers to build). The residual echo suppressor, which takes ERLE from ~10 dB to ~25 dB on speech, lives
in speex's preprocessor linked to the echo state. Debian and Raspberry Pi OS ship the runtime library as
`libspeexdsp1` (its C API unchanged since 2008), so binding the six functions directly is the smaller part.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

_LOGGER = logging.getLogger(__name__)

SPEEX_ECHO_SET_SAMPLING_RATE = 24
SPEEX_PREPROCESS_SET_DENOISE = 0
SPEEX_PREPROCESS_SET_NOISE_SUPPRESS = 18
SPEEX_PREPROCESS_SET_ECHO_SUPPRESS = 20
SPEEX_PREPROCESS_SET_ECHO_SUPPRESS_ACTIVE = 22
SPEEX_PREPROCESS_SET_ECHO_STATE = 24
_SHORTS = ctypes.POINTER(ctypes.c_int16)


class SpeexUnavailable(RuntimeError):
    """libspeexdsp is not installed."""


def _library() -> ctypes.CDLL:
    name = ctypes.util.find_library("speexdsp") or "libspeexdsp.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError as exc:
        raise SpeexUnavailable("libspeexdsp is missing: sudo apt-get install libspeexdsp1") from exc
    lib.speex_echo_state_init.restype = ctypes.c_void_p
    lib.speex_echo_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.speex_echo_state_destroy.argtypes = [ctypes.c_void_p]
    lib.speex_echo_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    lib.speex_echo_cancellation.argtypes = [ctypes.c_void_p, _SHORTS, _SHORTS, _SHORTS]
    lib.speex_preprocess_state_init.restype = ctypes.c_void_p
    lib.speex_preprocess_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.speex_preprocess_state_destroy.argtypes = [ctypes.c_void_p]
    lib.speex_preprocess_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    lib.speex_preprocess_run.argtypes = [ctypes.c_void_p, _SHORTS]
    return lib


class SpeexEcho:
    """speex_echo_cancellation followed by speex_preprocess_run with the echo state (residual suppression)."""

    def __init__(self, frame_size: int, filter_length: int, sample_rate: int,
                 suppress_db: int = -40, suppress_active_db: int = -15) -> None:
        self._lib = _library()
        self.frame_size = frame_size
        self._echo = self._lib.speex_echo_state_init(frame_size, filter_length)
        self._pre = self._lib.speex_preprocess_state_init(frame_size, sample_rate)
        rate = ctypes.c_int(sample_rate)
        self._lib.speex_echo_ctl(self._echo, SPEEX_ECHO_SET_SAMPLING_RATE, ctypes.byref(rate))
        self._lib.speex_preprocess_ctl(self._pre, SPEEX_PREPROCESS_SET_ECHO_STATE, ctypes.c_void_p(self._echo))
        # the preprocessor applies its gains only with denoise on; noise is left to the suppressor stage (-1 dB)
        on, mild = ctypes.c_int(1), ctypes.c_int(-1)
        quiet, active = ctypes.c_int(suppress_db), ctypes.c_int(suppress_active_db)
        self._lib.speex_preprocess_ctl(self._pre, SPEEX_PREPROCESS_SET_DENOISE, ctypes.byref(on))
        self._lib.speex_preprocess_ctl(self._pre, SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, ctypes.byref(mild))
        self._lib.speex_preprocess_ctl(self._pre, SPEEX_PREPROCESS_SET_ECHO_SUPPRESS, ctypes.byref(quiet))
        self._lib.speex_preprocess_ctl(self._pre, SPEEX_PREPROCESS_SET_ECHO_SUPPRESS_ACTIVE, ctypes.byref(active))
        self._out = (ctypes.c_int16 * frame_size)()

    def process(self, near: bytes, far: bytes) -> bytes:
        """One block of `frame_size` samples: microphone and the aligned speaker reference."""
        near_buf = (ctypes.c_int16 * self.frame_size).from_buffer_copy(near)
        far_buf = (ctypes.c_int16 * self.frame_size).from_buffer_copy(far)
        self._lib.speex_echo_cancellation(self._echo, near_buf, far_buf, self._out)
        self._lib.speex_preprocess_run(self._pre, self._out)
        return bytes(self._out)

    def __del__(self) -> None:
        lib = getattr(self, "_lib", None)
        if lib is not None:
            lib.speex_preprocess_state_destroy(self._pre)
            lib.speex_echo_state_destroy(self._echo)
