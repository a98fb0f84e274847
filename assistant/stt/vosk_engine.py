"""vosk recogniser: a model loaded by path; grammar mode for phrase lists, free decoding otherwise."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path

import vosk

from assistant.audio.base import SAMPLE_RATE, SAMPLE_WIDTH
from assistant.stt.base import Utterance
from assistant.stt.models import FIX_HINT, ModelError, check_model_dir

_LOGGER = logging.getLogger(__name__)
UNKNOWN = "[unk]"


def load_model(path: str | Path) -> vosk.Model:
    """Load a vosk model by path; a missing or corrupt directory raises ModelError with the fix."""
    path = check_model_dir(Path(path).expanduser())
    vosk.SetLogLevel(-1)
    try:
        return vosk.Model(str(path))
    except Exception as exc:  # vosk raises a bare Exception("Failed to create a model")
        raise ModelError(f"vosk cannot load the model in {path} (corrupt or incomplete?): {exc}; "
                         f"{FIX_HINT}") from exc


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
        self._rec = self._new_recognizer()

    def _new_recognizer(self) -> vosk.KaldiRecognizer:
        self._offset = self._samples / SAMPLE_RATE
        self._utt_start = None
        if self._phrases:
            unknown = [UNKNOWN] if self._model.vosk_model_find_word(UNKNOWN) >= 0 else []
            grammar = json.dumps([*self._phrases, *unknown], ensure_ascii=False)
            rec = vosk.KaldiRecognizer(self._model, SAMPLE_RATE, grammar)
        else:
            rec = vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        rec.SetWords(True)
        return rec

    def set_phrases(self, phrases: Sequence[str] | None, sentinel: Sequence[str] = ()) -> None:
        """Restrict to `phrases` plus "[unk]"; None or empty means free text. Drops the current utterance."""
        cleaned = [" ".join(p.lower().split()) for p in phrases or [] if p.strip()]
        self._phrases = list(dict.fromkeys(cleaned)) or None
        self._rec = self._new_recognizer()

    def accept(self, pcm: bytes) -> Utterance | None:
        """Feed audio; returns an utterance when vosk's endpoint (trailing silence) fires."""
        if self._utt_start is None:
            self._utt_start = self._samples / SAMPLE_RATE
        self._samples += len(pcm) // SAMPLE_WIDTH
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
        if all(word == UNKNOWN for word in text.split()):
            text = ""
        if words:
            confidence = sum(float(w.get("conf", 0.0)) for w in words) / len(words)
            start = self._offset + float(words[0]["start"])
            end = self._offset + float(words[-1]["end"])
        else:
            confidence, start, end = 0.0, fallback_start, self._samples / SAMPLE_RATE
        return Utterance(text=text, confidence=round(confidence, 3), start=round(start, 3), end=round(end, 3))

    def partial(self) -> str:
        """Words heard so far in the current utterance."""
        return str(json.loads(self._rec.PartialResult()).get("partial", ""))

    def flush(self) -> Utterance | None:
        """End the current utterance now (end of audio)."""
        return self._utterance(self._rec.FinalResult())

    def reset(self) -> None:
        """Forget the current utterance; the stream clock keeps running."""
        self._rec = self._new_recognizer()
