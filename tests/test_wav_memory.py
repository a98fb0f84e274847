"""Issue 13 #9: a long WAV is streamed: peak memory does not grow with the file (the 512 MiB file took 2.9 GB)."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

SIZE_MIB = 96
"""Big enough that holding the file (and its float copies, ~6x) would show; small enough for a shared disk."""

READER = r"""
import resource, sys
from assistant.audio.sources import WavSource
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
source = WavSource(sys.argv[1])
frames = 0
while source.read() is not None:
    frames += 1
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(frames, round(source.duration, 3), (after - before) // 1024, after // 1024)
"""


def test_reading_a_long_wav_keeps_memory_flat(tmp_path: Path) -> None:
    path = tmp_path / "long.wav"
    second = bytes(48000 * 2 * 2)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(48000)
        for _ in range(SIZE_MIB * 1024 * 1024 // len(second)):
            wav.writeframes(second)
    seconds = path.stat().st_size // (48000 * 4)
    done = subprocess.run([sys.executable, "-c", READER, str(path)], capture_output=True, text=True, check=True)
    frames, duration, grown_mib, peak_mib = done.stdout.split()
    assert abs(float(duration) - seconds) < 0.01
    assert abs(int(frames) * 0.03 - seconds) < 0.1  # every 30 ms frame of the file was handed out
    assert int(grown_mib) < 16, f"memory grew by {grown_mib} MiB while reading (peak {peak_mib} MiB)"
