"""Partners' voices for scenarios: espeak-ng speech (optionally with noise) as 16 kHz mono int16."""

from __future__ import annotations

import functools
import io
import shutil
import subprocess

import numpy as np

from assistant.audio.convert import AudioFormatError, read_wav, silence
from assistant.simulate.scenario import ScenarioError

TIMEOUT_S = 30.0
"""An espeak-ng run that takes longer is stopped (a hung synthesiser must not hang the simulation)."""


class VoiceError(ScenarioError):
    """espeak-ng is missing, failed, or hung. The message never contains the text to be spoken."""


@functools.lru_cache(maxsize=512)
def _espeak(text: str, voice: str, rate: int, pitch: int) -> bytes:
    binary = shutil.which("espeak-ng")
    if binary is None:
        raise VoiceError("espeak-ng is not installed (sudo apt-get install espeak-ng)")
    try:  # the text goes on stdin: never parsed as an option ("--version"), never visible in the process list
        done = subprocess.run([binary, "-v", voice, "-s", str(rate), "-p", str(pitch), "--stdout", "--stdin"],
                              input=text.encode("utf-8", "replace"), capture_output=True, timeout=TIMEOUT_S,
                              check=False)
    except subprocess.TimeoutExpired:
        raise VoiceError(f"espeak-ng did not answer within {TIMEOUT_S:g} s (voice {voice!r}); check that "
                         "`espeak-ng -h` runs") from None
    except OSError as exc:
        raise VoiceError(f"espeak-ng could not be started ({exc.strerror or exc}); reinstall it "
                         "(sudo apt-get install espeak-ng)") from None
    if done.returncode != 0:
        said = done.stderr.decode(errors="replace").strip().splitlines()
        reason = said[-1] if said else f"exit code {done.returncode}"
        raise VoiceError(f"espeak-ng failed for voice {voice!r}: {reason} (see `espeak-ng --voices` for "
                         "the voices installed)")
    try:
        return read_wav(io.BytesIO(done.stdout))
    except AudioFormatError as exc:
        raise VoiceError(f"espeak-ng produced no usable audio for voice {voice!r}") from exc


def speaking_seconds(text: str) -> float:
    """About how long a line takes to say (2.5 words a second, at least a second), for text-only simulations."""
    return max(1.0, len(text.split()) / 2.5)


def speak(text: str, voice: str = "en-us", rate: int = 150, pitch: int = 50,
          noise_snr_db: float | None = None, seed: int = 0, lead_s: float = 0.3, tail_s: float = 0.8) -> bytes:
    """Synthesise a partner's utterance with silence around it; add white noise at `noise_snr_db`."""
    pcm = silence(lead_s) + _espeak(text, voice, rate, pitch) + silence(tail_s)
    if noise_snr_db is None:
        return pcm
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    speech = np.frombuffer(_espeak(text, voice, rate, pitch), dtype="<i2").astype(np.float64)
    power = float(np.mean(speech * speech)) if len(speech) else 0.0
    noise_power = power / (10 ** (noise_snr_db / 10))
    noise = np.random.default_rng(seed).normal(0.0, np.sqrt(noise_power), len(samples))
    return np.clip(samples + noise, -32768, 32767).astype("<i2").tobytes()
