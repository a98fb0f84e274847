"""Audio of a corpus sample: espeak-ng speech, optional room reverberation, noise at a given SNR.

Deterministic by the sample's seed and cached on disk (CACHE_DIR, gitignored), never committed.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import numpy as np

from assistant.evaluation.corpus import Sample
from assistant.simulate import acoustics
from assistant.simulate.voices import speak

_LOGGER = logging.getLogger(__name__)

CACHE_DIR = Path(os.environ.get("HEARING_CACHE", Path(__file__).resolve().parents[2] / ".cache" / "hearing"))
LEAD_S, TAIL_S = 0.5, 1.0
"""Silence before and after the speech in every sample."""
ASSISTANT_VOICE = "en-us"
"""The assistant's own voice, talking under a barge-in sample."""
BACKGROUND_LINES = ("we went to the market on saturday and bought some apples and bread",
                    "the weather will be cloudy tomorrow with some rain in the evening",
                    "and now the news at nine o'clock from around the country",
                    "she told me the story about her grandmother and the old house by the sea")
"""What the assistant says under a barge-in sample (not corpus items)."""


def speech_of(sample: Sample) -> np.ndarray:
    """The clean utterance with LEAD_S/TAIL_S silence, as float64 samples."""
    pcm = speak(sample.item.text, voice=sample.condition.voice, rate=sample.condition.rate, lead_s=LEAD_S,
                tail_s=TAIL_S)
    return acoustics.samples_of(pcm)


def speech_end_s(sample: Sample) -> float:
    """Seconds from the sample's start to the end of its last 30 ms frame within 35 dB of the clean render's
    loudest frame (the front-end and turn benches' true end of speech; espeak's own trailing quiet excluded)."""
    clean = speech_of(sample)
    frames = clean[:len(clean) // 480 * 480].reshape(-1, 480)
    energy = 10 * np.log10(np.mean(frames * frames, axis=1) + 1e-9)
    return float((np.nonzero(energy > energy.max() - 35)[0][-1] + 1) * 0.03)


AUDIO_VERSION = 2
"""Part of the cache key: 2 = noises and rooms from assistant.simulate.acoustics (1 had copies of its own)."""


def render(sample: Sample) -> bytes:
    """16 kHz mono int16 audio of `sample`, from the cache when present."""
    condition = sample.condition
    key = hashlib.sha256(repr((AUDIO_VERSION, sample.item.text, condition, sample.seed)).encode()).hexdigest()[:24]
    path = CACHE_DIR / f"{key}.raw"
    if path.exists():
        return path.read_bytes()
    speech, noise = components(sample)
    pcm = acoustics.pcm_of(speech + noise)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # two processes rendering one sample must not collide
    tmp.write_bytes(pcm)
    tmp.replace(path)
    return pcm


def components(sample: Sample) -> tuple[np.ndarray, np.ndarray]:
    """The sample's speech (reverberated when its condition says so) and the noise added to it, at its SNR
    (zeros when clean): the noise of an "assistant" sample is the assistant's voice, the echo reference."""
    condition = sample.condition
    rng = np.random.default_rng(sample.seed)
    speech = speech_of(sample)
    if condition.reverb:
        speech = reverberate(speech, rng)
    if condition.noise == "clean" or condition.snr_db is None:
        return speech, np.zeros_like(speech)
    noise = make_noise(condition.noise, len(speech), rng)
    return speech, acoustics.scale_to(noise, speech, -condition.snr_db)


def make_noise(kind: str, length: int, rng: np.random.Generator) -> np.ndarray:
    """Pink noise, babble or TV (acoustics.NOISES), or the assistant's own voice talking."""
    if kind == "assistant":
        return _voice_loop(BACKGROUND_LINES[int(rng.integers(len(BACKGROUND_LINES)))], ASSISTANT_VOICE, length, rng)
    if kind not in ("pink", "babble", "tv"):
        raise ValueError(f"unknown noise kind {kind!r}; use pink, babble, tv or assistant")
    return acoustics.NOISES[kind](length, int(rng.integers(2**31)))


def _voice_loop(text: str, voice: str, length: int, rng: np.random.Generator) -> np.ndarray:
    """Speech repeated to `length`, starting at a random offset."""
    one = acoustics.samples_of(speak(text, voice=voice, rate=170, lead_s=0.1, tail_s=0.2))
    looped = np.tile(one, length // len(one) + 2)
    start = int(rng.integers(len(one)))
    return looped[start:start + length]


def reverberate(speech: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`speech` through a simulated living room (acoustics.room_impulse_response); dry without pyroomacoustics."""
    try:
        rir = acoustics.room_impulse_response(int(rng.integers(2**31)), rt60_s=float(rng.uniform(0.3, 0.7)))
    except ImportError:
        _LOGGER.warning("pyroomacoustics not installed: reverberant samples are dry")
        return speech
    wet = np.convolve(speech, rir)[: len(speech)]
    return wet * ((np.abs(speech).max() or 1.0) / (np.abs(wet).max() or 1.0))
