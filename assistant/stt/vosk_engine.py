"""vosk recogniser: a model loaded by path; grammar mode for phrase lists, free decoding otherwise."""

from __future__ import annotations

import difflib
import functools
import json
import logging
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import vosk

from assistant.audio.base import SAMPLE_RATE, SAMPLE_WIDTH
from assistant.stt.base import Utterance
from assistant.stt.models import FIX_HINT, ModelError, check_model_dir

_LOGGER = logging.getLogger(__name__)
UNKNOWN = "[unk]"


def load_model(path: str | Path) -> vosk.Model:
    """Load a vosk model by path, once per process; a missing or corrupt directory raises ModelError."""
    return _load_model(check_model_dir(Path(path).expanduser()).resolve())


@functools.lru_cache(maxsize=2)
def _load_model(path: Path) -> vosk.Model:
    vosk.SetLogLevel(-1)
    try:
        return vosk.Model(str(path))
    except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
        raise ModelError(f"vosk cannot load the model in {path} (corrupt or incomplete?): {exc}; "
                         f"{FIX_HINT}") from exc


def _letters(text: str) -> str:
    """The letters of `text` without spaces; Hangul syllables split into their jamo (NFD), so a near miss
    of one syllable still shares most of its letters."""
    return unicodedata.normalize("NFD", text.replace(" ", ""))


class VoskRecognizer:
    """Streaming vosk recogniser; start/end times count samples fed since construction."""

    name = "vosk"

    def __init__(self, model_path: str | Path | None = None, model: vosk.Model | None = None) -> None:
        if model is None:
            if model_path is None:
                raise ModelError(f"no vosk model given; {FIX_HINT}")
            model = load_model(model_path)
        self._model = model
        self._phrases: list[str] | None = None
        self._samples = 0
        self._offset = 0.0
        self._utt_start: float | None = None
        self._built: dict[tuple[str, ...] | None, vosk.KaldiRecognizer] = {}
        self._has_unknown = self._model.vosk_model_find_word(UNKNOWN) >= 0
        self._free: vosk.KaldiRecognizer | None = None
        self._free_heard: list[str] = []
        """A model without "[unk]" cannot reject inside its grammar (every word scores ~1.0): a free decoder
        then runs alongside, and the grammar's words must agree with what it heard."""
        self._rec = self._recognizer()

    def _recognizer(self) -> vosk.KaldiRecognizer:
        """The recogniser for the current phrase set, built once per set and reset on reuse."""
        self._offset = self._samples / SAMPLE_RATE
        self._utt_start = None
        key = tuple(self._phrases) if self._phrases else None
        self._free_heard = []
        if self._free is not None:
            self._free.Reset()
        elif self._phrases and not self._has_unknown:
            self._free = vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        rec = self._built.get(key)
        if rec is not None:
            rec.Reset()
            return rec
        if self._phrases:
            unknown = [UNKNOWN] if self._has_unknown else []
            grammar = json.dumps([*self._phrases, *unknown], ensure_ascii=False)
            rec = vosk.KaldiRecognizer(self._model, SAMPLE_RATE, grammar)
        else:
            rec = vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        rec.SetWords(True)
        self._built[key] = rec
        return rec

    def set_phrases(self, phrases: Sequence[str] | None, sentinel: Sequence[str] = ()) -> None:
        """Restrict to `phrases` plus "[unk]"; None or empty means free text. Drops the current utterance."""
        cleaned = [" ".join(p.lower().split()) for p in phrases or [] if p.strip()]
        self._phrases = list(dict.fromkeys(cleaned)) or None
        self._rec = self._recognizer()

    def accept(self, pcm: bytes) -> Utterance | None:
        """Feed audio; returns an utterance when vosk's endpoint (trailing silence) fires."""
        if self._utt_start is None:
            self._utt_start = self._samples / SAMPLE_RATE
        self._samples += len(pcm) // SAMPLE_WIDTH
        if self._phrases and self._free is not None and self._free.AcceptWaveform(pcm):
            self._free_heard.append(json.loads(self._free.Result()).get("text", ""))
        if self._rec.AcceptWaveform(pcm):
            return self._utterance(self._rec.Result())
        return None

    def _utterance(self, raw: str) -> Utterance | None:
        fallback_start = self._utt_start if self._utt_start is not None else self._offset
        self._utt_start = None
        result = json.loads(raw)
        words = result.get("result") or []
        text = " ".join(result.get("text", "").split())
        if not text and not words:
            return None
        unknown = any(word == UNKNOWN for word in text.split())
        if all(word == UNKNOWN for word in text.split()):
            text = ""
        if words:
            # The acceptance score: mean word posterior; "[unk]" anywhere means the grammar did not hold it.
            confidence = 0.0 if unknown else sum(float(w.get("conf", 0.0)) for w in words) / len(words)
            confidence *= self._agreement(text)
            start = self._offset + float(words[0]["start"])
            end = self._offset + float(words[-1]["end"])
        else:
            confidence, start, end = 0.0, fallback_start, self._samples / SAMPLE_RATE
        return Utterance(text=text, confidence=round(confidence, 3), start=round(start, 3), end=round(end, 3))

    def _agreement(self, text: str) -> float:
        """0..1: how closely the free decoder running alongside heard the grammar's words (1 when the model
        has "[unk]" or in free mode); the free decoder starts afresh for the next utterance."""
        if not self._phrases or self._free is None:
            return 1.0
        self._free_heard.append(json.loads(self._free.FinalResult()).get("text", ""))
        free, self._free_heard = " ".join(self._free_heard), []
        self._free.Reset()
        return difflib.SequenceMatcher(None, _letters(text), _letters(free)).ratio()

    def flush(self) -> Utterance | None:
        """End the current utterance now (end of audio)."""
        return self._utterance(self._rec.FinalResult())

    def reset(self) -> None:
        """Forget the current utterance; the stream clock keeps running."""
        self._rec = self._recognizer()
