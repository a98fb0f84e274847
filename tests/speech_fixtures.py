"""Shared test helper: speech synthesised with espeak-ng (the scenario voices), as 16 kHz mono int16."""

from __future__ import annotations

from assistant.audio.base import FRAME_BYTES
from assistant.simulate.voices import speak
from assistant.stt.base import Recognizer, Utterance

TRAIL_S = 0.6
"""Silence after the speech."""


def synthesize(text: str, voice: str = "en-us", rate: int = 150) -> bytes:
    """`text` spoken by espeak-ng with 0.3 s of silence before and TRAIL_S after (cached per process)."""
    return speak(text, voice=voice, rate=rate, tail_s=TRAIL_S)



def transcribe(recognizer: Recognizer, pcm: bytes) -> list[Utterance]:
    """Every utterance a recogniser reports for `pcm`, fed frame by frame, then flushed."""
    utterances = []
    for offset in range(0, len(pcm), FRAME_BYTES):
        if (utterance := recognizer.accept(pcm[offset:offset + FRAME_BYTES])) is not None:
            utterances.append(utterance)
    if (utterance := recognizer.flush()) is not None:
        utterances.append(utterance)
    return utterances
