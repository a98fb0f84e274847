"""Pauses inside free answers as the endpointer counts them: how often a decode started after T ms of silence
(`[frontend.endpoint] free_decode_after_ms`) would be taken back because speech resumed before the hang-over ran
out. The hearing corpus's free answers (split: tuning, or held_out once), one espeak-ng voice of the split each,
clean or with `noise` (pink/babble/tv) at 10 dB, through the configured front end (no echo) and endpointer.

    python scripts/free_decode_pauses.py [tuning|held_out] [clean|pink|babble|tv]
"""

from __future__ import annotations

import random
import sys

from assistant.audio.base import FRAME_BYTES
from assistant.audio.convert import silence
from assistant.evaluation import corpus
from assistant.frontend import FrontEndSettings, SpeechGate, build_front_end
from assistant.frontend.endpoint import Event
from assistant.simulate.acoustics import add_noise
from assistant.simulate.voices import speak

CANDIDATES_MS = (150, 210, 240, 270, 300, 330, 390)
SNR_DB = 10.0


def pauses(pcm: bytes, gate: SpeechGate) -> list[float]:
    """Silences (ms) inside one answer after which speech resumed before the END."""
    gate.begin("free")
    found, current = [], 0.0
    for offset in range(0, len(pcm) - FRAME_BYTES + 1, FRAME_BYTES):
        step = gate.push(pcm[offset:offset + FRAME_BYTES])
        if step.event is Event.END:
            break
        silence_ms = gate.endpointer.silence_ms
        if gate.endpointer.in_speech and not silence_ms and current:
            found.append(current)
        current = silence_ms
    return found


def main(split: str = "tuning", noise: str = "clean") -> None:
    spec = corpus.load_spec()
    answers = [item for item in corpus.items(spec, split) if item.kind == "free"]
    voices = corpus.voices(spec, split)
    gate = SpeechGate(build_front_end(FrontEndSettings(echo="none")))
    rng = random.Random(0)
    resumed = {t: [0, 0] for t in CANDIDATES_MS}
    for number, item in enumerate(answers):
        pcm = silence(0.5) + speak(item.text, voice=voices[number % len(voices)], rate=rng.choice((140, 160, 180)),
                                   tail_s=0.0) + silence(1.0)
        if noise != "clean":
            pcm = add_noise(pcm, noise, SNR_DB, seed=number)
        found = pauses(pcm, gate)
        for t, counts in resumed.items():
            hits = sum(p >= t for p in found)
            counts[0] += hits
            counts[1] += hits > 0
    print(f"{split}, {noise}: {len(answers)} free answers, {len(voices)} voices")
    for t, (times, answers_hit) in resumed.items():
        print(f"  after {t} ms: taken back {times} times, in {answers_hit} answers")


if __name__ == "__main__":
    main(*sys.argv[1:3])
