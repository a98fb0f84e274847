"""Engine selection: vosk when a model is installed, else pocketsphinx."""

from __future__ import annotations

import logging
import sys

from assistant.config import Settings
from assistant.stt.base import Recognizer
from assistant.stt.models import FIX_HINT, ModelError, find_model

_LOGGER = logging.getLogger(__name__)
FALLBACK_NOTICE = ("No vosk model installed; using pocketsphinx (lower accuracy). "
                   "Get the better model with: assistant models download")

ENGINE_TRAILING_SLACK_S = 0.3
"""How much longer than the front end's longest hang-over the engine's own end-of-speech silence is."""


def create_recognizer(settings: Settings, engine: str | None = None) -> Recognizer:
    """Build the configured engine; "auto" falls back to pocketsphinx with one notice on stderr."""
    choice = engine or settings.speech.engine
    if choice == "wyoming":
        from assistant.stt.fallback import wyoming_with_fallback

        speech = settings.speech
        if not speech.uri:
            raise ModelError('the wyoming engine needs [speech] uri = "tcp://host:port" in the settings file')
        return wyoming_with_fallback(speech.uri, speech.service_timeout_s,  # type: ignore[return-value]
                                     lambda: create_recognizer(settings, _local_choice(settings)))
    if choice not in ("auto", "vosk", "pocketsphinx"):
        raise ValueError(f"unknown speech engine {choice!r}; use auto, vosk, pocketsphinx or wyoming")
    if choice in ("auto", "vosk"):
        model = find_model(settings.speech.model_path)
        if model is not None:
            from assistant.stt.vosk_engine import VoskRecognizer

            _LOGGER.info("speech engine: vosk (%s)", model)
            return VoskRecognizer(model)
        if choice == "vosk":
            raise ModelError(f"no vosk model found (looked at --model, $ASSISTANT_MODEL, models/, the user's "
                             f"models directory); {FIX_HINT}")
        print(FALLBACK_NOTICE, file=sys.stderr)
    from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer

    _LOGGER.info("speech engine: pocketsphinx")
    if settings.frontend.vad == "none":
        return PocketsphinxRecognizer()
    # the front end's endpointer ends each utterance (the Listener flushes): the engine's own trailing
    # silence only has to outlast the longest hang-over
    return PocketsphinxRecognizer(trailing_silence=settings.frontend.endpoint.free_hangover_ms / 1000
                                  + ENGINE_TRAILING_SLACK_S)


def _local_choice(settings: Settings) -> str:
    """The engine "auto" would pick, without its notice (the fallback prints its own one line)."""
    return "vosk" if find_model(settings.speech.model_path) is not None else "pocketsphinx"


def describe_engines(settings: Settings) -> list[str]:
    """Lines for `assistant models list`: the configured engine, the model found, what auto picks."""
    lines = [f"configured engine: {settings.speech.engine}"]
    try:
        model = find_model(settings.speech.model_path)
    except ModelError as exc:
        model = None
        lines.append(f"vosk model: ERROR {exc}")
    else:
        lines.append(f"vosk model: {model}" if model else f"vosk model: none installed ({FIX_HINT})")
    lines.append("pocketsphinx: built-in en-us model (always available)")
    lines.append(f"auto selects: {'vosk' if model else 'pocketsphinx'}")
    from assistant.wyoming_client import service_lines

    return lines + service_lines(settings)
