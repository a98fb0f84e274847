"""pocketsphinx 5 recogniser: JSGF phrase grammars (with a garbage loop, or scored against a phone loop);
the free LM loaded lazily.

The search streams from the moment CMN_PREFIX_S of speech gave the utterance's cepstral mean
(phone_loop.CmnEstimator): it catches up on the buffered audio, then follows the stream, so a command's
decision at the endpoint needs no second decode. The phone-loop rule runs a phone-loop decoder alongside.
"""

from __future__ import annotations

import logging
import os
import re
from collections import deque
from collections.abc import Sequence

import pocketsphinx
from pocketsphinx import Vad

from assistant.audio.base import SAMPLE_RATE, SAMPLE_WIDTH
from assistant.frontend.base import Rechunker
from assistant.stt import garbage_loop, phone_loop
from assistant.stt.base import Spotted, Utterance, feed_frames

_LOGGER = logging.getLogger(__name__)

FREE_LM = os.path.join(os.path.dirname(pocketsphinx.__file__), "model", "en-us", "en-us.lm.bin")
FREE_SEARCH = "free"
START_FRAMES = 3
"""Speech frames in a row (30 ms each) that open an utterance."""
COMPLETE_SILENCE_S = 0.15
"""Trailing silence that ends an utterance early once the grammar's best path is a complete phrase."""
PREROLL_S = 0.3
"""Audio kept before the detected start and fed to the decoder for context."""
GARBAGE_RULE, PHONE_LOOP_RULE = "garbage_loop", "phone_loop"
DEFAULT_RULE = GARBAGE_RULE
"""How an utterance is scored: the garbage-loop grammar (garbage_loop) or the grammar path against a phone
loop (phone_loop). Chosen on the tuning split (README, "Hearing figures")."""


class PhraseError(ValueError):
    """A phrase uses a word the pocketsphinx dictionary does not know."""


def _jsgf_token(word: str) -> str:
    return word if re.fullmatch(r"[a-z0-9']+", word) else f'"{word}"'


class PocketsphinxRecognizer:
    """Streaming pocketsphinx recogniser with its own VAD endpointing, per-utterance CMN and a scoring rule."""

    name = "pocketsphinx"

    def __init__(self, trailing_silence: float = 0.6, vad_mode: int = Vad.LOOSE,
                 complete_silence: float = COMPLETE_SILENCE_S, rule: str = DEFAULT_RULE) -> None:
        # No language model at start: phrase grammars need only the dictionary; the free LM loads on the
        # first free listen. bestpath is off: it drops the last word of FSG hypotheses in pocketsphinx 5.1.
        self._decoder = phone_loop.live_decoder(compallsen=rule == PHONE_LOOP_RULE)
        self._loop = phone_loop.live_decoder() if rule == PHONE_LOOP_RULE else None
        if self._loop is not None:
            phone_loop.add_phone_loop(self._loop)
            self._loop.activate_search(phone_loop.ALLPHONE)
        self._garbage = [w for w in garbage_loop.GARBAGE_WORDS if self._decoder.lookup_word(w) is not None]
        self._cmn = phone_loop.CmnEstimator()
        self._free_loaded = False
        self._vad = Vad(mode=vad_mode, sample_rate=SAMPLE_RATE)
        self._chunker = Rechunker(self._vad.frame_bytes)
        self._frame_s = self._vad.frame_bytes / (SAMPLE_RATE * SAMPLE_WIDTH)
        self._prefix_frames = max(1, round(phone_loop.CMN_PREFIX_S / self._frame_s))
        self._decoding = False
        self._end_frames = max(1, round(trailing_silence / self._frame_s))
        self._complete_frames = max(1, round(complete_silence / self._frame_s))
        self._searches: dict[tuple[str, ...], str] = {}
        self._search = ""
        self._phrases: frozenset[str] | None = None
        self._sentinel: str | None = None
        self._sentinel_phrases: frozenset[str] = frozenset()
        self._utt_audio: list[bytes] = []
        self._frames_fed = 0
        self._preroll: deque[bytes] = deque(maxlen=max(START_FRAMES, round(PREROLL_S / self._frame_s)))
        self._speech_run = 0
        self._in_utt = False
        self._silence_run = 0
        self._start = 0.0
        self._last_speech = 0.0
        self.last_scores: dict[str, float] = {}
        """Raw scores of the last utterance (phone-loop LLR and grammar-only log score per frame), for
        choosing the scoring method on the tuning split."""
        self.completed_early = False
        """True when the last utterance ended on a complete phrase rather than the full trailing silence."""

    def set_phrases(self, phrases: Sequence[str] | None, sentinel: Sequence[str] = ()) -> None:
        """Restrict to `phrases` (compiled once per phrase set); None: free text with `sentinel` phrases.

        `sentinel`: phrases that must be caught even in free text (time out, safety): each free utterance
        gets a second pass through a grammar of these phrases, reported as `Utterance.spotted`.
        """
        self.reset()
        if not phrases:
            self._ensure_free()
            self._search, self._phrases = FREE_SEARCH, None
            self._sentinel = self._search_for(sentinel) if sentinel else None
            self._sentinel_phrases = frozenset(self._key(sentinel))
        else:
            self._sentinel = None
            self._search = self._search_for(phrases)
            self._phrases = frozenset(self._key(phrases))
        self._decoder.activate_search(self._search)

    def _ensure_free(self) -> None:
        if not self._free_loaded:
            self._decoder.add_lm_file(FREE_SEARCH, FREE_LM)
            self._free_loaded = True
            _LOGGER.info("loaded the free-text language model")

    @staticmethod
    def _key(phrases: Sequence[str]) -> tuple[str, ...]:
        return tuple(sorted({" ".join(p.lower().split()) for p in phrases if p.strip()}))

    def _search_for(self, phrases: Sequence[str]) -> str:
        key = self._key(phrases)
        name = self._searches.get(key)
        if name is None:
            missing = sorted({w for p in key for w in p.split() if self._decoder.lookup_word(w) is None})
            if missing:
                raise PhraseError(f"words not in the pocketsphinx dictionary: {', '.join(missing)}")
            name = f"cmd{len(self._searches)}"
            commands = " | ".join("(" + " ".join(_jsgf_token(w) for w in p.split()) + ")" for p in key)
            grammar = (garbage_loop.jsgf(key, self._garbage, _jsgf_token) if self._loop is None
                       else f"#JSGF V1.0;\ngrammar commands;\npublic <cmd> = {commands};\n")
            self._decoder.add_jsgf_string(name, grammar)
            self._searches[key] = name
            _LOGGER.info("compiled grammar %s with %d phrases", name, len(key))
        return name

    def accept(self, pcm: bytes) -> Utterance | None:
        """Feed audio of any length; returns an utterance once trailing silence ends one."""
        return feed_frames(self._chunker, pcm, self._frame)

    def _frame(self, frame: bytes) -> Utterance | None:
        speech = self._vad.is_speech(frame)
        self._frames_fed += 1
        now = self._frames_fed * self._frame_s
        if not self._in_utt:
            self._preroll.append(frame)
            self._speech_run = self._speech_run + 1 if speech else 0
            if self._speech_run >= START_FRAMES:
                self._in_utt, self._silence_run = True, 0
                self._start = now - START_FRAMES * self._frame_s
                self._last_speech = now
                self._utt_audio = list(self._preroll)
                self._preroll.clear()
            return None
        self._utt_audio.append(frame)
        if self._decoding:
            self._decode(frame)
        elif len(self._utt_audio) >= self._prefix_frames:
            self._begin()
        if speech:
            self._silence_run, self._last_speech = 0, now
            return None
        self._silence_run += 1
        if self._silence_run >= self._end_frames:
            return self._finish(early=False)
        if self._silence_run == self._complete_frames and self._phrases is not None and self._holds_phrase():
            return self._finish(early=True)
        return None

    def _begin(self) -> None:
        """Set both decoders to the cepstral mean of the audio so far, start them and catch up."""
        mean = self._cmn.mean(b"".join(self._utt_audio))
        self._decoder.set_cmn(mean)
        self._decoder.activate_search(self._search)
        self._decoder.start_utt()
        if self._loop is not None:
            self._loop.set_cmn(mean)
            self._loop.start_utt()
        self._decoding = True
        self._decode(b"".join(self._utt_audio))

    def _decode(self, pcm: bytes) -> None:
        self._decoder.process_raw(pcm, False, False)
        if self._loop is not None:
            self._loop.process_raw(pcm, False, False)

    def _holds_phrase(self) -> bool:
        """The grammar's best path so far is a complete phrase (it has reached a final state)."""
        hyp = self._decoder.hyp() if self._decoding else None
        return hyp is not None and " ".join(hyp.hypstr.split()) in (self._phrases or ())

    def _finish(self, early: bool) -> Utterance:
        if not self._decoding:
            self._begin()
        self._end_decoders()
        self._in_utt, self._speech_run, self.completed_early = False, 0, early
        audio, self._utt_audio = b"".join(self._utt_audio), []
        if self._phrases is None and self._loop is not None:  # free text: decoded again whole (README)
            mean = self._cmn.mean(audio)
            self._decoder.set_cmn(mean)
            if self._loop is not None:
                self._loop.set_cmn(mean)
        utterance = self._phone_loop_score(audio) if self._loop is not None else self._garbage_score(audio)
        self._decoder.activate_search(self._search)
        return utterance

    def _garbage_score(self, audio: bytes) -> Utterance:
        """Main's rule: which path of the garbage-loop grammar won; a plausible sentinel in free speech.

        Free text is the streamed result (at the prefix's mean): no whole re-decode after the endpoint."""
        text, _, _ = phone_loop.result(self._decoder)
        spotted = None
        if self._sentinel is not None:
            phrase, _, _ = phone_loop.decode(self._decoder, self._sentinel, audio)
            if phrase in self._sentinel_phrases and garbage_loop.plausible_sentinel(
                    phrase, text, self._last_speech - self._start):
                spotted = Spotted(phrase, garbage_loop.IN_GRAMMAR)
        return Utterance(text=text, confidence=garbage_loop.score(text, self._phrases),
                         start=round(self._start, 3), end=round(self._last_speech, 3), spotted=spotted)

    def _phone_loop_score(self, audio: bytes) -> Utterance:
        """The grammar path against the phone loop, per frame, on a logistic scale."""
        assert self._loop is not None
        text, grammar, said = phone_loop.result(self._decoder)
        _, loop, voiced = phone_loop.result(self._loop)
        if self._phrases is None:
            text, grammar, said = phone_loop.decode(self._decoder, self._search, audio)
            _, loop, voiced = phone_loop.decode(self._loop, phone_loop.ALLPHONE, audio)
        score, spotted = 0.0, None
        if text:
            llr = phone_loop.llr_per_frame(grammar, loop)
            score = phone_loop.confidence(llr)
            self.last_scores = {"llr_all": llr, "llr_words": phone_loop.llr_per_frame(grammar, loop, said),
                                "llr_voiced": phone_loop.llr_per_frame(grammar, loop, voiced),
                                "frames": float(len(grammar)), "word_frames": float(said.sum())}
        if self._sentinel is not None:
            spotted = self._spot(audio, loop)
        return Utterance(text=text, confidence=score, start=round(self._start, 3),
                         end=round(self._last_speech, 3), spotted=spotted)

    def _spot(self, audio: bytes, loop: object) -> Spotted | None:
        """The sentinel grammar's phrase in this free utterance, scored over the frames of its words.

        Free answers only: a second pass over the utterance at the same cepstral mean (free answers may
        take longer to decide than commands; README, latency)."""
        assert self._sentinel is not None
        phrase, scores, words = phone_loop.decode(self._decoder, self._sentinel, audio)
        if not phrase:
            return None
        llr = phone_loop.llr_per_frame(scores, loop, words)  # type: ignore[arg-type]
        return Spotted(phrase, phone_loop.confidence(llr))

    def _end_decoders(self) -> None:
        if self._decoding:
            self._decoder.end_utt()
            if self._loop is not None:
                self._loop.end_utt()
            self._decoding = False

    def flush(self) -> Utterance | None:
        """End the current utterance now (end of audio)."""
        self._chunker.clear()  # under one frame (30 ms) of audio left: not worth a frame of its own
        return self._finish(early=False) if self._in_utt else None

    def reset(self) -> None:
        """Drop the current utterance; the stream clock keeps running."""
        self._end_decoders()
        self._in_utt, self._speech_run, self._silence_run = False, 0, 0
        self._preroll.clear()
        self._chunker.clear()
        self._utt_audio = []
