"""A pocketsphinx utterance decoded before its end is decided, and what taking it back or settling it needs
(the Listener's `free_decode_after_ms`: the free-text passes run while the partner's pause is still only a pause).

Only the free-text search ends early. The decoder then starts another utterance through a one-word grammar and is fed
every frame heard since, so the cepstral mean and the front end's noise estimate (both carried across utterances,
moved by the audio whatever the search) go on as if the utterance had not ended: at the end the sentinel pass runs on
the same audio, from the same state, as a decode after the end runs it (assistant/stt/pocketsphinx_engine.py). Only
the two frames that straddle the early end are computed apart: in silence, the mean after the answer matched a
continuous decode's to six digits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pocketsphinx import Decoder

from assistant.stt.base import Utterance

HOLD_SEARCH = "hold"
"""A one-word grammar: the cheapest search to run audio through when only the state it leaves matters."""


@dataclass
class EarlyDecode:
    """An utterance decoded early, with the audio and mean to decode it again."""

    result: Utterance
    """The free-text words, before the sentinel pass (which runs at the end)."""
    fed: list[bytes]
    """The chunks the decoder was given, as given (the live cepstral mean moves at chunk ends)."""
    mean: str
    """The cepstral mean the utterance started from."""
    held: list[bytes] = field(default_factory=list)
    """Frames heard since, fed to the one-word grammar only (to free text again if speech resumes)."""


def decode_from(decoder: Decoder, mean: str, chunks: Iterable[bytes]) -> None:
    """Start an utterance from the cepstral `mean` and decode `chunks` one by one, as they were first given."""
    decoder.set_cmn(mean)
    decoder.start_utt()
    for pcm in chunks:
        decoder.process_raw(pcm, False, False)


def hold(decoder: Decoder, word: str) -> None:
    """After an early end: start an utterance through a one-word grammar of `word`, for the frames that follow (the
    caller ends it and activates its own search again)."""
    try:
        decoder.activate_search(HOLD_SEARCH)
    except (KeyError, RuntimeError):
        decoder.add_jsgf_string(HOLD_SEARCH, f"#JSGF V1.0;\ngrammar hold;\npublic <w> = {word};\n")
        decoder.activate_search(HOLD_SEARCH)
    decoder.start_utt()


def decode_aside(decoder: Decoder, pcm: bytes, search: str | None = None, back_to: str | None = None,
                 mean: Sequence[float] | None = None) -> str:
    """The words of `pcm` (audio already heard) decoded once more as one utterance, with `search` (default: the
    active one), then `back_to` activated; the live cepstral mean is put back after, so a second look at the
    same audio does not count it twice. `mean`: decode as the live decoder did, streamed from that mean; None:
    the whole audio with its own mean."""
    saved = decoder.get_cmn()
    if search is not None:
        decoder.activate_search(search)
    try:
        if mean is not None:
            decoder.set_cmn(",".join(f"{value:.2f}" for value in mean))
        decoder.start_utt()
        decoder.process_raw(pcm, False, mean is None)
        decoder.end_utt()
        hyp = decoder.hyp()
    finally:
        decoder.set_cmn(saved)
        if back_to is not None:
            decoder.activate_search(back_to)
    return " ".join(hyp.hypstr.split()) if hyp else ""
