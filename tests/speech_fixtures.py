"""Shared test helper: speech synthesised with espeak-ng (the scenario voices), as 16 kHz mono int16."""

from __future__ import annotations

from assistant.simulate.voices import speak

TRAIL_S = 0.6
"""Silence after the speech."""


def synthesize(text: str, voice: str = "en-us", rate: int = 150) -> bytes:
    """`text` spoken by espeak-ng with 0.3 s of silence before and TRAIL_S after (cached per process)."""
    return speak(text, voice=voice, rate=rate, tail_s=TRAIL_S)


def have_espeak() -> bool:
    """True when the espeak-ng CLI is installed (a setup requirement: scripts/setup.sh installs it)."""
    import shutil

    return shutil.which("espeak-ng") is not None
