"""Cold start of the real command: `assistant run` spawned -> listening, and `assistant --help` spawned -> exit.

Clock for `run`: from just before the process is spawned (a new interpreter: CLI imports, settings, the store
opened and read, microphone and speaker opened, the TTS worker started and warming in the background,
pocketsphinx loaded, dialogs, scheduler) to the moment its `-v` log prints "companion ready: listening" (just
before the first listen). The microphone and speaker are a private PulseAudio room (assistant/audio/room.py):
there is no sound card here. Two stores: consent only, and 50 years of history (scripts/bench_store.py's
generator, ~120,000 records). Each is spawned REPEATS times; min/median/max. Also the peak RSS (VmHWM) of the
`run` process when it is ready, and `assistant --help` from spawn to exit.
`run(results)` adds its numbers to `results`; `main()` prints them as JSON.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from measure import spread

from assistant.store.records import Consent
from assistant.store.store import Store

REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
READY = "companion ready: listening"
ASSISTANT = [sys.executable, "-m", "assistant"]

GOALS = {
    "coldstart.run_to_listening_empty_s": ("<=", 1.0),
    "coldstart.run_to_listening_50y_s": ("<=", 1.0),
    "coldstart.help_spawn_to_exit_s": ("<=", 0.3),
}
"""Goals shown beside this section's figures by scripts/bench (issue 16: quiet machine)."""


def _history(years: int) -> list:  # type: ignore[type-arg]
    """scripts/bench_store.py's generator (owned by the store bench), loaded by path."""
    spec = importlib.util.spec_from_file_location("bench_store", Path(__file__).with_name("bench_store.py"))
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.ten_years(years)  # type: ignore[no-any-return]


def make_store(directory: Path, years: int) -> int:
    """A store with both partners' consent and `years` of history; returns the record count."""
    records = _history(years) if years else []
    with Store.open(directory) as store:
        store.append(Consent(at="2015-12-31T19:00:00+00:00", partners=("Alex", "Sam")))
        store.append_many(records)
    for backup in directory.glob("store.jsonl.bak*"):
        backup.unlink()
    return len(records) + 1


def _peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    return kb / 1024


def run_to_listening(data_dir: Path, env: dict[str, str], timeout_s: float = 60.0) -> tuple[float, float]:
    """Seconds from spawning `assistant run` to its ready log line, and its peak RSS (MB) then; the process
    is then stopped (SIGTERM)."""
    args = [*ASSISTANT, "-v", "--engine", "pocketsphinx", "--data-dir", str(data_dir), "run"]
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            if READY in line:
                return time.perf_counter() - started, _peak_rss_mb(proc.pid)
            if time.perf_counter() - started > timeout_s:
                break
        raise RuntimeError(f"`assistant run` never reported {READY!r} (exit {proc.poll()})")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def help_to_exit(env: dict[str, str]) -> float:
    """Seconds from spawning `assistant --help` to its exit."""
    started = time.perf_counter()
    subprocess.run([*ASSISTANT, "--help"], env=env, capture_output=True, check=True)
    return time.perf_counter() - started


def run(results: dict) -> None:  # type: ignore[type-arg]
    """Add `coldstart` figures (seconds) to `results`."""
    from assistant.audio.room import PulseRoom

    out: dict[str, object] = {"repeats": REPEATS}
    with tempfile.TemporaryDirectory(prefix="bench-coldstart-") as tmp, PulseRoom() as room:
        env = {**os.environ, **room.env}
        stores = {"empty": Path(tmp) / "empty", "50y": Path(tmp) / "fifty"}
        out["records_50y"] = make_store(stores["50y"], 50)
        make_store(stores["empty"], 0)
        timings: dict[str, list[float]] = {name: [] for name in stores}
        peaks: list[float] = []
        for _ in range(REPEATS):  # interleaved: load on the shared machine hits both alike
            for name, directory in stores.items():
                seconds, peak = run_to_listening(directory, env)
                timings[name].append(seconds)
                peaks.append(peak)
        for name, values in timings.items():
            out[f"run_to_listening_{name}_s"] = spread(values)
        out["run_peak_rss_at_listening_mb"] = spread(peaks, 1)
        out["help_spawn_to_exit_s"] = spread([help_to_exit(env) for _ in range(REPEATS)])
    results["coldstart"] = out


def main() -> None:
    results: dict[str, object] = {}
    run(results)
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
