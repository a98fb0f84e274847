"""pocketsphinx 5 recogniser: default en-us LM for free text, JSGF command grammars with a garbage loop."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Sequence
from dataclasses import replace

from pocketsphinx import Decoder, Vad

from assistant.audio.base import SAMPLE_RATE, SAMPLE_WIDTH, Rechunker
from assistant.stt.base import Utterance, feed_frames
from assistant.stt.early_decode import EarlyDecode, decode_aside, decode_from, hold
from assistant.stt.free_lm import free_text_lm
from assistant.stt.jsgf import PhraseError, grammar
from assistant.stt.sentinel_rule import FUNCTION_WORDS, plausible

_LOGGER = logging.getLogger(__name__)

GARBAGE_WORDS = ("what", "it", "is", "of", "oven", "take", "out", "store", "today", "later", "dinner",
                 "think", "did", "call", "mother")
"""The garbage loop: a small set of common words covering typical distractors. Keep it short: large
word loops make the FSG search explode (a ~100-word loop decoded for >10 minutes) and short words ("the",
"a", "by", "he") steal commands ("he hits me" -> "the", "five" -> "by"). Measured on espeak en-us speech."""
START_FRAMES = 3
"""Speech frames in a row (30 ms each) that open an utterance."""
COMMAND_CONFIDENCE, GARBAGE_CONFIDENCE, FREE_CONFIDENCE = 0.9, 0.2, 0.5
"""Fixed confidences: without bestpath pocketsphinx gives no usable posterior, so the grammar path decides."""
PREROLL_S = 0.3
"""Audio kept before the detected start and fed to the decoder for context."""
FLAT_PASS = True
"""pocketsphinx's second free-text pass (fwdflat) runs over the whole utterance at its end: 0.5-0.7 s of CPU for
a 4.5 s answer on this machine (0.02 s without; flush with the sentinel pass 0.6 -> 0.2 s), all of it between the
end of speech and the reply. It stays on: without it `scripts/bench_safety.py` caught fewer spoken danger lines on
held-out voices (6 instead of 8 of 80; tuned voices 14 instead of 10 of 40, false stops 0 instead of 2 of 80).
Command grammars never use it."""
FREE_SEARCH = "free"
"""The free-text search: its language model (assistant/stt/free_lm.py) is loaded on the first free listen."""


def _words(hypothesis: str) -> str:
    """A hypothesis's words without fillers (`<sil>`, `<s>`)."""
    return " ".join(w for w in hypothesis.split() if not w.startswith("<"))


class PocketsphinxRecognizer:
    """Streaming pocketsphinx recogniser with its own VAD endpointing (trailing silence)."""

    name = "pocketsphinx"

    def __init__(self, trailing_silence: float = 0.6, vad_mode: int = Vad.LOOSE,
                 garbage: Sequence[str] = GARBAGE_WORDS, flat_pass: bool = FLAT_PASS,
                 free_lm: str | None = None, function_words: frozenset[str] = FUNCTION_WORDS) -> None:
        """`free_lm`: an ARPA/binary model for free answers (default: `free_lm.free_text_lm()`);
        `function_words`: words the sentinel pass does not count as shared content."""
        self._free_lm = free_lm
        self._function_words = function_words
        self._decoder = Decoder(logfn="/dev/null", bestpath=False, lm=None, fwdflat=flat_pass)
        # bestpath (lattice rescoring) drops the last word of FSG hypotheses in pocketsphinx 5.1
        # ("he hit me" -> "he hit"), so it is off; hyp().prob is then not a posterior.
        # No search is active until one is chosen (pocketsphinx crashes when asked for a missing one).
        self._free_loaded = False
        self._active: str | None = None
        self._vad = Vad(mode=vad_mode, sample_rate=SAMPLE_RATE)
        self._frame_bytes: int = self._vad.frame_bytes
        self._frame_s = self._frame_bytes / (SAMPLE_RATE * SAMPLE_WIDTH)
        self._end_frames = max(1, round(trailing_silence / self._frame_s))
        self._garbage = [w for w in garbage if self._decoder.lookup_word(w) is not None]
        self._searches: dict[tuple[str, ...], str] = {}
        self._phrases: frozenset[str] | None = None
        self._sentinel: tuple[str, frozenset[str]] | None = None
        self._utt_audio: list[bytes] = []
        self._fed: list[bytes] = []
        self._utt_mean = ""
        self._early: EarlyDecode | None = None
        self._chunker = Rechunker(self._frame_bytes)
        self._frames_fed = 0
        self._preroll: deque[bytes] = deque(maxlen=max(START_FRAMES, round(PREROLL_S / self._frame_s)))
        self._speech_run = 0
        self._in_utt = False
        self._silence_run = 0
        self._start = 0.0
        self._last_speech = 0.0

    def set_phrases(self, phrases: Sequence[str] | None, sentinel: Sequence[str] = ()) -> None:
        """Restrict to `phrases` plus the garbage loop (compiled once per phrase set); None: free text.

        `sentinel`: phrases that must be caught even in free text (time out, safety). The free-text model
        misses them in synthetic and accented speech, so each free utterance gets a second, cheap pass
        through a grammar of these phrases (RTF ~0.01); an in-grammar hit of plausible length wins.
        """
        self.reset()
        if not phrases:
            self._activate_free()
            self._phrases = None
            self._sentinel = (self._search_for(sentinel), frozenset(self._key(sentinel))) if sentinel else None
            return
        self._sentinel = None
        name = self._search_for(phrases)
        self._decoder.activate_search(name)
        self._active = name
        self._phrases = frozenset(self._key(phrases))

    def _activate_free(self) -> None:
        """Switch to the free-text search, loading its language model the first time."""
        if not self._free_loaded:
            self._decoder.add_lm_file(FREE_SEARCH, self._free_lm or free_text_lm())
            self._free_loaded = True
            _LOGGER.info("loaded the free-text language model")
        self._decoder.activate_search(FREE_SEARCH)
        self._active = FREE_SEARCH

    @staticmethod
    def _key(phrases: Sequence[str]) -> tuple[str, ...]:
        return tuple(sorted({" ".join(p.lower().split()) for p in phrases if p.strip()}))

    def _search_for(self, phrases: Sequence[str], line: Sequence[str] = (), ordered: bool = True) -> str:
        """The phrase grammar's search; `line`: a line's words as a third alternative (see `_grammar`)."""
        key = self._key(phrases)
        known = tuple(w for w in line if self._decoder.lookup_word(w) is not None)
        cache = (*key, "", str(ordered), *known)
        name = self._searches.get(cache if known else key)
        if name is None:
            missing = sorted({w for p in key for w in p.split() if self._decoder.lookup_word(w) is None})
            if missing:
                raise PhraseError(f"words not in the pocketsphinx dictionary: {', '.join(missing)}")
            name = f"cmd{len(self._searches)}"
            self._decoder.add_jsgf_string(name, grammar(key, self._garbage, known, ordered))
            self._searches[cache if known else key] = name
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
                if self._active is None:  # nothing chosen yet: free text, as pocketsphinx itself defaults
                    self._activate_free()
                self._utt_mean = self._decoder.get_cmn()
                self._decoder.start_utt()
                self._fed = []
                self._decode(b"".join(self._preroll))
                self._preroll.clear()
            return None
        self._decode(frame)
        if speech:
            self._silence_run, self._last_speech = 0, now
            return None
        self._silence_run += 1
        return self._finish() if self._silence_run >= self._end_frames else None

    def _decode(self, pcm: bytes) -> None:
        """Hand `pcm` to the decoder, kept for a decode again and the sentinel pass (held after `finish_early`)."""
        self._decoder.process_raw(pcm, False, False)
        (self._early.held if self._early is not None else self._fed).append(pcm)
        if self._sentinel is not None:
            self._utt_audio.append(pcm)

    def finish_early(self) -> Utterance | None:
        """End the utterance's free-text search now (fwdflat runs while the listener's hang-over does); the decoder
        goes on through a one-word grammar (early_decode.py) until `flush()` (the sentinel pass, as after the end)
        or `take_back()`. None outside an utterance or when already done."""
        if not self._in_utt or self._early is not None:
            return None
        self._decoder.end_utt()
        self._early = EarlyDecode(self._scored(), self._fed, self._utt_mean)
        hold(self._decoder, self._garbage[0])
        return self._early.result

    def take_back(self) -> None:
        """Speech resumed after `finish_early`: decode the utterance so far again (its chunks, from its mean)."""
        early, self._early = self._early, None
        if early is None:
            return
        self._decoder.end_utt()
        self._reactivate()
        self._fed = [*early.fed, *early.held]
        decode_from(self._decoder, early.mean, self._fed)

    def _finish(self) -> Utterance:
        early, self._early = self._early, None
        self._decoder.end_utt()
        self._in_utt, self._speech_run = False, 0
        if early is None:
            result = self._scored()
        else:  # free text decoded already; the one-word grammar took the frames since
            result = replace(early.result, end=round(self._last_speech, 3))
            self._reactivate()
        self._settle_cepstral_mean()
        spotted = self._sentinel_pass(result.text)
        if spotted is not None:
            result = replace(result, text=spotted, confidence=COMMAND_CONFIDENCE)
        return result

    def _scored(self) -> Utterance:
        """The utterance just ended, with the fixed confidence of its words."""
        hyp = self._decoder.hyp()
        text = _words(hyp.hypstr if hyp else "")
        return Utterance(text=text, confidence=self._confidence(text), start=round(self._start, 3),
                         end=round(self._last_speech, 3))

    def _confidence(self, text: str) -> float:
        """The fixed confidence of `text` heard with the active search (see COMMAND_CONFIDENCE)."""
        if not text:
            return 0.0
        if self._phrases is None:
            return FREE_CONFIDENCE
        return COMMAND_CONFIDENCE if text in self._phrases else GARBAGE_CONFIDENCE

    def _reactivate(self) -> None:
        """The chosen search again after the one-word grammar."""
        if self._active is not None:
            self._decoder.activate_search(self._active)

    def _settle_cepstral_mean(self) -> None:
        """Bring the cepstral mean up to date at the end of every utterance.

        pocketsphinx's live mean moves only when its frame window overflows (every ~3 s of audio), wherever
        that falls: an utterance could be decoded with a mean seconds stale or fresh, and one frame more in an
        earlier utterance decided which (it flipped a later decode). Updated at each end, the next utterance
        starts from a mean that includes everything heard before it; an overflow inside it then moves the
        mean only by that utterance's own share.
        """
        self._decoder.get_cmn(update=True)

    def cepstral_mean(self) -> tuple[float, ...]:
        """The mean the next utterance is normalised with (what the speech so far adapted it to)."""
        return tuple(float(value) for value in self._decoder.get_cmn().split(","))

    def _sentinel_pass(self, free_text: str) -> str | None:
        """Decode the free utterance again with the sentinel grammar; the phrase if it plausibly was one.

        Plausible: see assistant/stt/sentinel_rule.py.
        """
        if self._sentinel is None or not self._utt_audio:
            return None
        audio, self._utt_audio = b"".join(self._utt_audio), []
        name, phrases = self._sentinel
        phrase = decode_aside(self._decoder, audio, name)
        self._activate_free()
        seconds = self._last_speech - self._start  # speech only, without pre-roll and trailing silence
        if phrase in phrases and plausible(phrase, free_text, seconds, self._function_words):
            return phrase
        return None

    def decode_again(self, pcm: bytes) -> Utterance | None:
        """Decode `pcm` (audio already heard) as one whole utterance (its own cepstral mean) with the active phrase
        grammar, scored as `_finish` scores; the mean is put back after. None in free text or inside an
        utterance. For the barge-in watcher's later starts, on an engine of their own (the live decoder keeps
        state this cannot restore: assistant/timeout/later_start.py)."""
        return self.decode_against(pcm, ())

    def decode_against(self, pcm: bytes, words: Sequence[str], ordered: bool = True,
                       mean: Sequence[float] | None = None) -> Utterance | None:
        """`decode_again` with the words of the line being played as a third alternative (`jsgf.grammar`): the
        phrase must beat them to be heard (assistant/timeout/own_words.py). `mean`: decode as the live decoder
        did, with its cepstral mean (`cepstral_mean()`) instead of the audio's own. None in free text or in an
        utterance."""
        if self._in_utt or self._phrases is None:
            return None
        search = self._search_for(sorted(self._phrases), words, ordered) if words else None
        heard = decode_aside(self._decoder, pcm, search, back_to=self._active if words else None, mean=mean)
        text = _words(heard)
        return Utterance(text=text, confidence=self._confidence(text), start=0.0,
                         end=len(pcm) / (SAMPLE_RATE * SAMPLE_WIDTH))

    def partial(self) -> str:
        """Words of the best hypothesis so far."""
        if not self._in_utt:
            return ""
        if self._early is not None:
            return self._early.result.text
        hyp = self._decoder.hyp()
        return hyp.hypstr if hyp else ""

    def flush(self) -> Utterance | None:
        """End the current utterance now (end of audio)."""
        rest = self._chunker.padded_rest()
        if rest:
            self._frame(rest)
        return self._finish() if self._in_utt else None

    def reset(self) -> None:
        """Drop the current utterance; the stream clock keeps running."""
        if self._in_utt:
            self._decoder.end_utt()
        if self._early is not None:
            self._early = None
            self._reactivate()
        self._in_utt, self._speech_run, self._silence_run = False, 0, 0
        self._preroll.clear()
        self._chunker.clear()
        self._utt_audio, self._fed = [], []
