"""Audio of a corpus sample: espeak-ng speech, optional room reverberation, noise at a given SNR.

Deterministic by the sample's seed and cached on disk (CACHE_DIR, gitignored), never committed.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import numpy as np

from assistant.audio.base import SAMPLE_RATE
from assistant.evaluation.corpus import Sample
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
"""What babble voices, the TV presenter and the assistant say (not corpus items)."""
BABBLE_VOICES = ("en-us+m3", "en-gb+f2", "en-029+m5", "en-gb-x-rp+f4")


def speech_of(sample: Sample) -> np.ndarray:
    """The clean utterance with LEAD_S/TAIL_S silence, as float64 samples."""
    pcm = speak(sample.item.text, voice=sample.condition.voice, rate=sample.condition.rate, lead_s=LEAD_S,
                tail_s=TAIL_S)
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64)


def true_end_s(sample: Sample) -> float:
    """Seconds from the start of the sample's audio to the true end of speech."""
    return len(speech_of(sample)) / SAMPLE_RATE - TAIL_S


def render(sample: Sample) -> bytes:
    """16 kHz mono int16 audio of `sample`, from the cache when present."""
    condition = sample.condition
    key = hashlib.sha256(repr((sample.item.text, condition, sample.seed)).encode()).hexdigest()[:24]
    path = CACHE_DIR / f"{key}.raw"
    if path.exists():
        return path.read_bytes()
    rng = np.random.default_rng(sample.seed)
    speech = speech_of(sample)
    if condition.reverb:
        speech = reverberate(speech, rng)
    mixed = speech
    if condition.noise != "clean" and condition.snr_db is not None:
        noise = make_noise(condition.noise, len(speech), rng)
        mixed = speech + scale_to_snr(speech, noise, condition.snr_db)
    pcm = np.clip(np.round(mixed), -32768, 32767).astype("<i2").tobytes()
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pcm)
    tmp.replace(path)
    return pcm


def scale_to_snr(speech: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    """`noise` scaled so active speech is `snr_db` above it."""
    active = speech[np.abs(speech) > 0.05 * (np.abs(speech).max() or 1.0)]
    speech_power = float(np.mean(active**2)) if len(active) else 1.0
    noise_power = float(np.mean(noise**2)) or 1.0
    return np.asarray(noise * np.sqrt(speech_power / (noise_power * 10 ** (snr_db / 10))), dtype=np.float64)


def make_noise(kind: str, length: int, rng: np.random.Generator) -> np.ndarray:
    """Pink noise, babble (several other voices talking), TV (music under a presenter) or the assistant."""
    if kind == "pink":
        return pink_noise(length, rng)
    if kind == "babble":
        return sum((_voice_loop(BACKGROUND_LINES[i], BABBLE_VOICES[i], length, rng) for i in range(4)),
                   np.zeros(length))
    if kind == "tv":
        music = _music(length, rng)
        presenter = _voice_loop(BACKGROUND_LINES[2], "en-gb+m1", length, rng)
        return np.asarray(music + scale_to_snr(music, presenter, 0.0), dtype=np.float64)
    if kind == "assistant":
        return _voice_loop(BACKGROUND_LINES[int(rng.integers(4))], ASSISTANT_VOICE, length, rng)
    raise ValueError(f"unknown noise kind {kind!r}; use pink, babble, tv or assistant")


def pink_noise(length: int, rng: np.random.Generator) -> np.ndarray:
    """1/f noise shaped in the frequency domain."""
    spectrum = np.fft.rfft(rng.standard_normal(length))
    freqs = np.fft.rfftfreq(length)
    freqs[0] = freqs[1] if len(freqs) > 1 else 1.0
    return np.fft.irfft(spectrum / np.sqrt(freqs), n=length)


def _voice_loop(text: str, voice: str, length: int, rng: np.random.Generator) -> np.ndarray:
    """Speech repeated to `length`, starting at a random offset."""
    one = np.frombuffer(speak(text, voice=voice, rate=170, lead_s=0.1, tail_s=0.2), dtype="<i2").astype(np.float64)
    looped = np.tile(one, length // len(one) + 2)
    start = int(rng.integers(len(one)))
    return looped[start:start + length]


def _music(length: int, rng: np.random.Generator) -> np.ndarray:
    """Chords of harmonic tones changing every half second, with a soft beat."""
    t = np.arange(length) / SAMPLE_RATE
    out = np.zeros(length)
    step = SAMPLE_RATE // 2
    for start in range(0, length, step):
        root = 110.0 * 2 ** (int(rng.integers(12)) / 12)
        seg = t[start:start + step]
        for ratio in (1.0, 1.26, 1.5, 2.0):
            out[start:start + step] += np.sin(2 * np.pi * root * ratio * seg) * np.exp(-3 * (seg - seg[0]))
    beat = (np.sin(2 * np.pi * 2 * t) > 0.95) * rng.standard_normal(length) * 0.5
    return out + beat


def reverberate(speech: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`speech` through a simulated living room (pyroomacoustics image source); unchanged if not installed."""
    try:
        import pyroomacoustics as pra
    except ImportError:
        _LOGGER.warning("pyroomacoustics not installed: reverberant samples are dry")
        return speech
    dims = [float(rng.uniform(3.5, 6.0)), float(rng.uniform(3.0, 5.0)), 2.6]
    rt60 = float(rng.uniform(0.3, 0.7))
    absorption, order = pra.inverse_sabine(rt60, dims)
    room = pra.ShoeBox(dims, fs=SAMPLE_RATE, materials=pra.Material(absorption), max_order=min(order, 12))
    room.add_source([dims[0] * 0.3, dims[1] * 0.4, 1.5], signal=speech)
    room.add_microphone([dims[0] * 0.7, dims[1] * 0.6, 1.0])
    room.simulate()
    wet = room.mic_array.signals[0][: len(speech)]
    peak = np.abs(wet).max() or 1.0
    return np.asarray(wet * (np.abs(speech).max() / peak), dtype=np.float64)
