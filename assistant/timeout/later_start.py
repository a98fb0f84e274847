"""Barge-in from later starts: find a partner's phrase that begins inside an utterance of our own residue.

Under the assistant's voice an utterance often opens on what the echo canceller left of that voice (the gate's
pre-roll, or a stretch where the canceller had not converged or lost the path), and the partner's "time out"
follows in the same utterance. The barge-in grammar (`<cmd> | <garb>+` over the whole utterance) then hears
garbage, although the same audio from the partner's onset decodes as the phrase. So an utterance that matched
nothing is decoded again from later starts (every STEP_FRAMES), and a phrase is taken only when the whole rest
of the utterance is that phrase *and* AGREEING_STARTS starts in a row give it: a residue fragment that happens
to decode as a phrase from one start rarely does so from its neighbours 90 ms apart, a spoken phrase does
(replay of room trials, scripts/barge_record.py and barge_replay.py; figures in the README's barge-in row).
The starts are decoded on a second engine of the listener's kind (assistant/timeout/second_engine.py) offering
`decode_again(pcm)` (pocketsphinx does; otherwise nothing is tried).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection

from assistant.audio.base import FRAME_BYTES
from assistant.stt.base import Utterance
from assistant.timeout.second_engine import SecondEngine

_LOGGER = logging.getLogger(__name__)

STEP_FRAMES = 3
"""Starts are tried every 3 frames (90 ms)."""
MIN_REST_FRAMES = 8
"""A start must leave at least 240 ms of audio (a phrase is never shorter)."""
MAX_REST_FRAMES = 67
"""Only starts that leave at most 2 s are tried: a phrase ends the utterance (its hang-over follows), and the
cost stays bounded (each start is a decode of the rest)."""
AGREEING_STARTS = 3
"""Consecutive starts that must decode the same phrase. Chosen on tuning voices only, own line first: with one
start a room trial's own line was taken ("that's enough"); with two, decoded in one call, the assistant's line
alone (raw at -3 dB or as residue at -12 dB) was taken as "that's enough" / "he hurt me" in en-029+f4 and
en-gb+m1; three took none and caught the most of what remained."""


def later_start(decode: Callable[[bytes], Utterance | None], audio: bytes, phrases: Collection[str],
                agreeing: int = AGREEING_STARTS) -> Utterance | None:
    """The phrase that `agreeing` consecutive later starts of `audio` decode as a whole, else None."""
    frames = len(audio) // FRAME_BYTES
    run_text, run = "", 0
    first = max(STEP_FRAMES, frames - MAX_REST_FRAMES)
    for start in range(first, frames - MIN_REST_FRAMES + 1, STEP_FRAMES):
        heard = decode(audio[start * FRAME_BYTES:])
        text = heard.text if heard is not None else ""
        if text not in phrases:
            run_text, run = "", 0
            continue
        run = run + 1 if text == run_text else 1
        run_text = text
        if run >= agreeing and heard is not None:
            _LOGGER.debug("barge-in: %r from %d later starts", text, run)
            return heard
    return None


class LaterStarts:
    """Later starts decoded on the watcher's second engine (assistant/timeout/second_engine.py)."""

    def __init__(self, second: SecondEngine | None = None) -> None:
        self.second = second or SecondEngine()

    def find(self, live_engine: object, audio: bytes, phrases: Collection[str]) -> Utterance | None:
        """The phrase `later_start` finds in `audio`; None when the listener's engine cannot decode again."""
        engine = self.second.get(live_engine, phrases, "decode_again")
        return None if engine is None else later_start(engine.decode_again, audio, set(phrases))
