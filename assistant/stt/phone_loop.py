"""Acoustic score of a pocketsphinx hypothesis against a free phone loop (allphone) on the same audio.

The score is a log-likelihood ratio per frame: how much worse the grammar's best path explains the
audio than the best unconstrained phone sequence does. Speech the grammar does not hold forces the
grammar path far from the phone loop; a phrase from the grammar stays close to it.

Both searches stream side by side on decoders with live CMN set to one cepstral mean per utterance,
estimated from its first CMN_PREFIX_S of audio (`CmnEstimator`): pocketsphinx's live CMN otherwise keeps
its built-in initial mean for any utterance under ~8 s, which cost a fifth of the grammar's recall on the
tuning split (README, hearing figures).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pocketsphinx
from pocketsphinx import Decoder

PHONE_LM = os.path.join(os.path.dirname(pocketsphinx.__file__), "model", "en-us", "en-us-phone.lm.bin")
ALLPHONE = "allphone"
SCALE = 5.0
"""Log-units per frame mapped to one logistic unit: confidence = 1 / (1 + exp(-llr / SCALE))."""
SILENCE = ("<sil>", "(NULL)", "<s>", "</s>", "[NOISE]", "+NOISE+", "[SPEECH]")


CMN_PREFIX_S = 0.9
"""Audio from the utterance's start (pre-roll included) whose cepstral mean normalises the whole
utterance; chosen on the tuning split (0.9 s matched whole-utterance batch CMN, README)."""


def add_phone_loop(decoder: Decoder) -> None:
    """Register the allphone search once per decoder."""
    decoder.add_allphone_file(ALLPHONE, PHONE_LM)


def live_decoder(compallsen: bool = True) -> Decoder:
    """A decoder whose CMN mean is set from outside per utterance (feat.params asks for batch CMN).

    `compallsen`: score every senone each frame (the phone-loop score compares paths over all of them)."""
    decoder = Decoder(lm=None, bestpath=False, compallsen=compallsen, logfn="/dev/null")
    decoder.config["cmn"] = "live"
    decoder.reinit_feat()
    return decoder


class CmnEstimator:
    """The cepstral mean of a stretch of audio (batch CMN, features only, no search)."""

    def __init__(self) -> None:
        self._decoder = Decoder(lm=None, logfn="/dev/null")
        add_phone_loop(self._decoder)
        self._decoder.activate_search(ALLPHONE)

    def mean(self, audio: bytes) -> str:
        """The mean as pocketsphinx's comma-separated set_cmn string."""
        self._decoder.start_utt()
        self._decoder.process_raw(audio, True, True)
        self._decoder.end_utt()
        return str(self._decoder.get_cmn(False))


def frame_scores(decoder: Decoder, frames: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame acoustic log score of the last decoded hypothesis, and a mask of frames inside words."""
    logmath = decoder.get_logmath()
    scores, words = np.zeros(frames), np.zeros(frames, dtype=bool)
    for seg in decoder.seg() or []:
        if seg.start_frame < 0 or seg.end_frame < seg.start_frame:
            continue
        start, end = seg.start_frame, min(seg.end_frame, frames - 1)
        span = end - start + 1
        if span <= 0:
            continue
        total = logmath.log(seg.ascore) if seg.ascore > 0 else 0
        scores[start:end + 1] = total / span
        if seg.word.split("(")[0] not in SILENCE:
            words[start:end + 1] = True
    return scores, words


def decode(decoder: Decoder, search: str, audio: bytes) -> tuple[str, np.ndarray, np.ndarray]:
    """Decode `audio` whole with `search` (at the decoder's current CMN): text, per-frame scores, word mask."""
    decoder.activate_search(search)
    decoder.start_utt()
    decoder.process_raw(audio, False, True)
    decoder.end_utt()
    return result(decoder)


def result(decoder: Decoder) -> tuple[str, np.ndarray, np.ndarray]:
    """The ended utterance's hypothesis text, per-frame scores and word mask."""
    hyp = decoder.hyp()
    scores, words = frame_scores(decoder, decoder.n_frames())
    text = " ".join(w for w in (hyp.hypstr if hyp else "").split() if not w.startswith("<"))
    return text, scores, words


def llr_per_frame(grammar: np.ndarray, loop: np.ndarray, mask: np.ndarray | None = None) -> float:
    """Mean (grammar - phone loop) log score over the frames of `mask` (default: all frames)."""
    size = min(len(grammar), len(loop))
    if size == 0:
        return -math.inf
    diff = grammar[:size] - loop[:size]
    if mask is not None:
        diff = diff[mask[:size]]
    return float(diff.mean()) if len(diff) else -math.inf


def confidence(llr: float) -> float:
    """The calibrated 0..1 scale of Utterance.confidence for pocketsphinx (0.5: as good as the phone loop)."""
    if llr == -math.inf:
        return 0.0
    return round(1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, llr / SCALE)))), 4)
