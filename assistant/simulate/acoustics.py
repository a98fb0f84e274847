"""Acoustic conditions for simulations, tests and benches: noises, SNR mixing, a room's echo.

Everything is generated (numpy, espeak-ng, pyroomacoustics), never recorded or committed. Audio is 16 kHz
mono; float arrays are in int16 units unless a name says otherwise.
"""

from __future__ import annotations

import numpy as np

from assistant.audio.base import SAMPLE_RATE
from assistant.simulate.voices import speak


def samples_of(pcm: bytes) -> np.ndarray:
    """int16 bytes as float64 samples (int16 units)."""
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64)


def pcm_of(samples: np.ndarray) -> bytes:
    """float samples (int16 units) as clipped int16 bytes."""
    return np.clip(np.round(samples), -32768, 32767).astype("<i2").tobytes()


def power(samples: np.ndarray) -> float:
    """Mean power, ignoring digital silence (so leading/trailing silence does not dilute speech)."""
    active = samples[np.abs(samples) > 0.5]
    return float(np.mean(active * active)) if len(active) else 0.0


def pink_noise(n: int, seed: int = 0) -> np.ndarray:
    """Unit-variance pink (1/f) noise, shaped in the frequency domain."""
    rng = np.random.default_rng(seed)
    spectrum = np.fft.rfft(rng.standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1.0 / SAMPLE_RATE)
    spectrum[1:] /= np.sqrt(freqs[1:])
    spectrum[0] = 0.0
    noise = np.fft.irfft(spectrum, n)
    return noise / (np.std(noise) or 1.0)


def fan_noise(n: int, seed: int = 0) -> np.ndarray:
    """Unit-variance steady fan-like noise: brown-ish broadband plus a low hum and its harmonics."""
    rng = np.random.default_rng(seed)
    broadband = np.cumsum(rng.standard_normal(n))
    broadband -= np.convolve(broadband, np.ones(400) / 400, mode="same")  # remove drift
    t = np.arange(n) / SAMPLE_RATE
    hum = sum(np.sin(2 * np.pi * f * t + p) / k for k, (f, p) in enumerate([(100, 0.3), (200, 1.1), (300, 2.0)], 1))
    noise = broadband / (np.std(broadband) or 1.0) + 0.5 * hum
    return noise / (np.std(noise) or 1.0)


def babble_noise(n: int, seed: int = 0, talkers: int = 4) -> np.ndarray:
    """Unit-variance babble: several espeak voices reading sentences, overlapped at random offsets."""
    rng = np.random.default_rng(seed)
    voices = ["en-us+m3", "en-gb+f2", "en-us+f4", "en-gb-x-rp+m5", "en-029+m2", "en-us-nyc+f1"]
    lines = ["we should paint the fence before the weekend comes around",
             "the bus was late again so I walked the whole way home",
             "did you see the game last night it went into overtime",
             "my sister is moving to a new flat near the river",
             "there is a sale at the garden centre on saturday morning",
             "the recipe needs two eggs a cup of flour and some butter"]
    mix = np.zeros(n)
    for k in range(talkers):
        voice = voices[int(rng.integers(len(voices)))]
        talk = samples_of(speak(lines[(seed + k) % len(lines)], voice=voice, rate=int(rng.integers(140, 200)),
                                lead_s=0.0, tail_s=0.0))
        talk = np.tile(talk, n // max(1, len(talk)) + 2)
        start = int(rng.integers(len(talk) - n))
        mix += talk[start:start + n] / (np.std(talk) or 1.0)
    return mix / (np.std(mix) or 1.0)


def tv_noise(n: int, seed: int = 0) -> np.ndarray:
    """Unit-variance TV-like noise: chords of harmonic tones (music) under a voice, with a little hiss."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / SAMPLE_RATE
    music = np.zeros(n)
    note_len = SAMPLE_RATE // 2
    for start in range(0, n, note_len):
        stop = min(n, start + note_len)
        for base in 220.0 * 2 ** (rng.integers(0, 12, 3) / 12):
            for harmonic in (1, 2, 3):
                music[start:stop] += np.sin(2 * np.pi * base * harmonic * t[start:stop]) / harmonic
        music[start:stop] *= np.hanning(stop - start) ** 0.3
    voice = babble_noise(n, seed + 17, talkers=1)
    hiss = rng.standard_normal(n) * 0.1
    mix = music / (np.std(music) or 1.0) + 0.7 * voice + hiss
    return mix / (np.std(mix) or 1.0)


NOISES = {"pink": pink_noise, "babble": babble_noise, "tv": tv_noise, "fan": fan_noise}
"""Noise generators by name: each returns unit-variance float samples."""


def add_noise(pcm: bytes, kind: str, snr_db: float, seed: int = 0) -> bytes:
    """`pcm` with noise of `kind` at `snr_db` below the speech's active power, over its whole length."""
    speech = samples_of(pcm)
    noise = NOISES[kind](len(speech), seed)
    gain = np.sqrt(power(speech) / (10 ** (snr_db / 10)))
    return pcm_of(speech + gain * noise)


def noise_at_dbfs(kind: str, seconds: float, level_dbfs: float, seed: int = 0) -> bytes:
    """Noise alone at an RMS level in dB full scale (e.g. a fan at -41 dBFS)."""
    n = int(seconds * SAMPLE_RATE)
    return pcm_of(NOISES[kind](n, seed) * 32768.0 * 10 ** (level_dbfs / 20))


def room_impulse_response(seed: int = 0, rt60_s: float = 0.3) -> np.ndarray:
    """A loudspeaker-to-microphone impulse response of a small living room (pyroomacoustics, image method)."""
    import pyroomacoustics as pra  # test extra: only simulations need it

    rng = np.random.default_rng(seed)
    size = [4.0 + rng.uniform(0, 2), 3.5 + rng.uniform(0, 1.5), 2.6]
    absorption, max_order = pra.inverse_sabine(rt60_s, size)
    room = pra.ShoeBox(size, fs=SAMPLE_RATE, materials=pra.Material(absorption), max_order=min(max_order, 12))
    speaker = [1.0 + rng.uniform(0, 1), 1.0 + rng.uniform(0, 1), 1.0]
    room.add_source(speaker)
    room.add_microphone([speaker[0] + 0.3 + rng.uniform(0, 0.4), speaker[1] + 0.2, 1.0])
    room.compute_rir()
    rir = np.asarray(room.rir[0][0], dtype=np.float64)
    return rir / (np.max(np.abs(rir)) or 1.0)


def echo_of(played: bytes, rir: np.ndarray, delay_s: float, total_samples: int) -> np.ndarray:
    """What the microphone hears of `played`: through the room, starting `delay_s` into the recording."""
    wet = np.convolve(samples_of(played), rir)
    out = np.zeros(total_samples)
    start = int(round(delay_s * SAMPLE_RATE))
    stop = min(total_samples, start + len(wet))
    if stop > start:
        out[start:stop] = wet[:stop - start]
    return out


def scale_to(samples: np.ndarray, reference: np.ndarray, ratio_db: float) -> np.ndarray:
    """`samples` scaled so their active power is `ratio_db` above `reference`'s."""
    target = power(reference) * 10 ** (ratio_db / 10)
    current = power(samples)
    return samples * np.sqrt(target / current) if current > 0 else samples
