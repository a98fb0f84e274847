"""Conversions to the program's one internal format: 16 kHz mono int16."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path
from typing import BinaryIO

import numpy as np
import soxr

from assistant.audio.base import SAMPLE_RATE


class AudioFormatError(ValueError):
    """A file or buffer that cannot be turned into 16 kHz mono audio."""


def to_internal(raw: bytes, rate: int, width: int = 2, channels: int = 1) -> bytes:
    """Convert interleaved PCM of any common width, channel count and rate to 16 kHz mono int16."""
    if width == 2 and channels == 1 and rate == SAMPLE_RATE:
        return raw[:len(raw) - len(raw) % 2]
    return float_to_internal(to_float_mono(raw, width, channels), rate)


def to_float_mono(raw: bytes, width: int, channels: int) -> np.ndarray:
    """Interleaved PCM of any common width and channel count as float mono samples in [-1, 1]."""
    if channels >= 1 and 1 <= width <= 4:  # a partial sample or frame at the end (a cut file) is dropped
        raw = raw[:len(raw) - len(raw) % (width * channels)]
    if width == 1:
        samples = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    elif width == 2:
        samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    elif width == 3:
        padded = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3)
        as_int = (padded[:, 0].astype(np.int32) | (padded[:, 1].astype(np.int32) << 8)
                  | (padded[:, 2].astype(np.int32) << 16))
        as_int = np.where(as_int >= 1 << 23, as_int - (1 << 24), as_int)
        samples = as_int.astype(np.float32) / float(1 << 23)
    elif width == 4:
        samples = np.frombuffer(raw, dtype="<i4").astype(np.float32) / float(1 << 31)
    else:
        raise AudioFormatError(f"unsupported sample width: {width} bytes")
    if channels < 1:
        raise AudioFormatError(f"invalid channel count: {channels}")
    usable = len(samples) - len(samples) % channels
    mono: np.ndarray = samples[:usable].reshape(-1, channels).mean(axis=1)
    return mono


def float_to_internal(mono: np.ndarray, rate: int) -> bytes:
    """Float mono samples in [-1, 1] at `rate` to 16 kHz int16 bytes."""
    if rate <= 0:
        raise AudioFormatError(f"invalid sample rate: {rate}")
    if rate != SAMPLE_RATE and len(mono):
        mono = soxr.resample(mono.astype(np.float32), rate, SAMPLE_RATE)
    pcm: bytes = (np.clip(mono, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
    return pcm


def read_wav(path: str | Path | BinaryIO) -> bytes:
    """Read any PCM WAV file (path or binary file object) as 16 kHz mono int16; errors name the file."""
    try:
        with wave.open(str(path) if isinstance(path, (str, Path)) else path, "rb") as wav:
            raw = wav.readframes(wav.getnframes())
            return to_internal(raw, wav.getframerate(), wav.getsampwidth(), wav.getnchannels())
    except wave.Error as exc:
        if "65534" in str(exc) and isinstance(path, (str, Path)):
            return _read_extensible(Path(path))
        raise AudioFormatError(f"{path}: cannot read as a PCM WAV file: {exc}") from exc
    except (EOFError, OSError, AudioFormatError) as exc:
        raise AudioFormatError(f"{path}: cannot read as a PCM WAV file: {exc}") from exc


def _read_extensible(path: Path) -> bytes:
    """WAVE_FORMAT_EXTENSIBLE with PCM samples (sox's 24-bit output; Python < 3.12's wave refuses it)."""
    data = path.read_bytes()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioFormatError(f"{path}: not a RIFF/WAVE file")
    offset, fmt, samples = 12, None, None
    while offset + 8 <= len(data):
        chunk_id, size = data[offset:offset + 4], struct.unpack("<I", data[offset + 4:offset + 8])[0]
        body = data[offset + 8:offset + 8 + size]
        if chunk_id == b"fmt ":
            fmt = body
        elif chunk_id == b"data":
            samples = body
        offset += 8 + size + (size & 1)
    if fmt is None or samples is None or len(fmt) < 26:
        raise AudioFormatError(f"{path}: WAV file without fmt or data chunk")
    _, channels, rate, _, _, bits = struct.unpack("<HHIIHH", fmt[:16])
    if struct.unpack("<H", fmt[24:26])[0] != 1:
        raise AudioFormatError(f"{path}: only PCM WAV data is supported")
    return to_internal(samples, rate, bits // 8, channels)


def write_wav(path: str | Path, pcm: bytes, rate: int = SAMPLE_RATE) -> None:
    """Write 16-bit mono PCM to a WAV file (0600; never replaces a link or device)."""
    from assistant.store.private import open_output

    with open_output(Path(path)) as file, wave.open(file, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm)


def silence(seconds: float) -> bytes:
    """Digital silence of the given length."""
    return bytes(2 * int(round(seconds * SAMPLE_RATE)))


def rms_dbfs(pcm: bytes) -> float:
    """Loudness of a buffer in dB full scale (-120 for silence)."""
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    if not len(samples):
        return -120.0
    rms = math.sqrt(float(np.dot(samples, samples)) / len(samples)) / 32768.0  # the gate's per-frame level:
    return 20.0 * math.log10(rms) if rms > 1e-6 else -120.0  # one dot product, 3x cheaper than mean/sqrt/log10
