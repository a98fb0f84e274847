"""Own words: a command heard under the assistant's voice must beat the words of the line being played.

The watcher knows the text it plays. Where the echo canceller has not converged (or lost the path), what it leaves
of that voice reaches the barge-in grammar (`<cmd> | <garb>+`), whose garbage loop knows a few common words and
none of the line's, so residue can come out as a command ("that's enough" under "...stop, and keep the support").
An utterance the grammar heard as a command is therefore decoded again on the second engine, as the live decoder
heard it (its cepstral mean, streamed), with one more alternative: a run of the line's consecutive words, in the
order the line says them, entered and left anywhere. Residue of our own voice is then explained by the line, a
partner's phrase still by the phrase; it is taken only if it is still the same phrase. No threshold and no phrase
list: the evidence is the line itself. Danger phrases are never checked so (dialogs/README.md: safety never fails).
Chosen on the tuning split of recorded room trials (scripts/barge_own_words.py; figures in the README).
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from assistant.intents import normalise
from assistant.timeout.second_engine import SecondEngine

_LOGGER = logging.getLogger(__name__)


def line_explains(second: SecondEngine, live_engine: object, audio: bytes, phrases: Collection[str],
                  heard: str, line_text: str) -> bool:
    """True when `audio` (heard as the phrase `heard`), decoded against the line's words, is no longer `heard`.
    False when the listener's engine cannot decode against words (nothing is rejected then)."""
    engine = second.get(live_engine, phrases, "decode_against")
    if engine is None:
        return False
    mean = getattr(live_engine, "cepstral_mean", None)  # decoded as the live decoder heard it (its mean, streamed)
    again = engine.decode_against(audio, normalise(line_text).split(), mean=mean() if mean else None)
    text = "" if again is None else str(again.text)
    if text != heard:
        _LOGGER.debug("barge-in: %r decoded against the line's words as %r", heard, text)
    return text != heard
