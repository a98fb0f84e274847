"""The round-5 spoken corpus (tests/corpus/safety_spoken6.yaml): new wordings, split into tune / held-out by a
fixed hash of the line (chosen before any figure was seen), each half spoken by its own espeak-ng voices,
none used by any earlier corpus or test. Shared by scripts/safety_spoken_probe2.py and the spoken tests."""

from __future__ import annotations

import zlib

from danger_corpus import CORPUS_DIR, read_corpus

SPOKEN6 = CORPUS_DIR / "safety_spoken6.yaml"
TUNE_VOICES = (("en-gb-x-rp", 45, 140), ("en-us-nyc", 55, 165))
"""(voice, pitch, rate) for the tuning half."""
HELD_OUT_VOICES = (("en-gb-x-gbclan", 70, 145), ("en-gb-x-gbcwmd", 35, 175))
"""(voice, pitch, rate) for the held-out half: measured, never tuned on."""


def split_of(line: str) -> str:
    """"tune" or "held_out", fixed by the line's text."""
    return "tune" if zlib.crc32(line.encode("utf-8")) % 2 == 0 else "held_out"


def spoken6(split: str) -> dict[str, list[str]]:
    """The danger and everyday lines of one split."""
    corpus = read_corpus(SPOKEN6)
    return {kind: [line for line in corpus[kind] if split_of(line) == split] for kind in ("danger", "everyday")}
