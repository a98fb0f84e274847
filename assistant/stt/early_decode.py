"""A pocketsphinx utterance decoded before its end is decided, and what taking it back or settling it needs
(the Listener's `free_decode_after_ms`: the end-of-utterance passes run while the partner's pause is still only a
pause)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pocketsphinx import Decoder

from assistant.stt.base import Utterance

REPLAY_SEARCH = "replay"
"""A one-word grammar: the cheapest search to run audio through when only the cepstral mean it leaves matters."""


@dataclass
class EarlyDecode:
    """An utterance decoded early, with the audio and mean to decode it again."""

    result: Utterance
    fed: list[bytes]
    """The chunks the decoder was given, as given (the live cepstral mean moves at chunk ends)."""
    sentinel_audio: list[bytes]
    mean: str
    """The cepstral mean the utterance started from."""
    held: list[bytes] = field(default_factory=list)
    """Frames heard since, not decoded (decoded after the others if speech resumes, dropped at the end)."""


def decode_from(decoder: Decoder, mean: str, chunks: Iterable[bytes]) -> None:
    """Start an utterance from the cepstral `mean` and decode `chunks` one by one, as they were first given."""
    decoder.set_cmn(mean)
    decoder.start_utt()
    for pcm in chunks:
        decoder.process_raw(pcm, False, False)


def catch_up_mean(decoder: Decoder, early: EarlyDecode, word: str, active: str | None) -> None:
    """Leave the cepstral mean where decoding the held frames too would have left it, so the next utterance starts
    from the same mean either way: the utterance's chunks again from the mean it started with, through a one-word
    grammar of `word` (the mean moves with the audio, not with the search); `active` is the search to go back to.
    The engine calls this when the mean is next needed, not between the end and the reply."""
    try:
        decoder.activate_search(REPLAY_SEARCH)
    except (KeyError, RuntimeError):
        decoder.add_jsgf_string(REPLAY_SEARCH, f"#JSGF V1.0;\ngrammar replay;\npublic <w> = {word};\n")
        decoder.activate_search(REPLAY_SEARCH)
    try:
        decode_from(decoder, early.mean, [*early.fed, *early.held])
        decoder.end_utt()
        decoder.get_cmn(update=True)  # settled, as at the end of every utterance
        decoder.set_cmn(decoder.get_cmn())  # as the sentinel pass leaves it
    finally:
        if active is not None:
            decoder.activate_search(active)


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
