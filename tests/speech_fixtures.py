"""Shared test helper: speech synthesised with the espeak-ng CLI, as 16 kHz mono int16."""

from __future__ import annotations

import functools
import shutil
import subprocess
import tempfile
from pathlib import Path

from assistant.audio.convert import read_wav, silence

LEAD_S = 0.3
"""Silence before the speech."""
TRAIL_S = 0.6
"""Silence after the speech."""


def have_espeak() -> bool:
    """True when the espeak-ng CLI is installed."""
    return shutil.which("espeak-ng") is not None


@functools.lru_cache(maxsize=512)
def synthesize(text: str, voice: str = "en-us", rate: int = 150) -> bytes:
    """`text` spoken by espeak-ng, with LEAD_S leading and TRAIL_S trailing silence (cached per process)."""
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "tts.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(wav), text],
                       check=True, capture_output=True, timeout=60)
        speech = read_wav(wav)
    return silence(LEAD_S) + speech + silence(TRAIL_S)
