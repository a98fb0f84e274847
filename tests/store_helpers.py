"""Helpers for the store's adversarial tests: real CLI processes, small tmpfs mounts, record factories."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from assistant.store.records import StepAnswer

T0 = datetime(2026, 1, 5, 19, 0, tzinfo=timezone.utc)


def answer(n: int, text: str | None = None) -> StepAnswer:
    return StepAnswer(at=(T0 + timedelta(minutes=n)).isoformat(), id=f"ans-{n}", session_id="s1",
                      activity="checkin", step="rating", rating=n % 5 + 1, text=text or f"answer number {n}")


def run_cli(data_dir: Path, *args: str, input: bytes | None = None, timeout: float = 60.0,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`assistant --data-dir DATA ARGS...` in a real process (stdin from `input`)."""
    full_env = {**os.environ, "ASSISTANT_CONFIG": str(data_dir.parent / "no-config.toml"), **(env or {})}
    result = subprocess.run([sys.executable, "-m", "assistant", "--data-dir", str(data_dir), *args],
                            input=input, capture_output=True, timeout=timeout, env=full_env, check=False)
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode(errors="replace"),
                                       result.stderr.decode(errors="replace"))


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, result.stderr


@contextlib.contextmanager
def tmpfs(where: Path, size: str = "256k") -> Iterator[Path]:
    """A small real filesystem mounted at `where` (root only): fills up for real, remounts read-only."""
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"needs root to mount a tmpfs ({done.stderr.decode().strip()})")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def remount_read_only(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)


def fill(where: Path) -> None:
    """Fill the filesystem holding `where` to the last byte."""
    fd = os.open(where / "filler", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (1 << 16, 1 << 10, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)


def count_decoded(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """From now on, how many snapshot rows are built into records, by kind."""
    from assistant.store import kinds
    from assistant.store.records import Record

    counts: Counter[str] = Counter()
    real = kinds._build

    def build(kind: str, rows: list[list[object]]) -> tuple[list[Record], list[int]]:
        counts[kind] += len(rows)
        return real(kind, rows)

    monkeypatch.setattr(kinds, "_build", build)
    return counts
