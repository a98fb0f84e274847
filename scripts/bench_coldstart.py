"""Cold start of the real command: `assistant run` spawned -> listening, and `assistant --help` spawned -> exit.

Clock for `run`: from just before the process is spawned (a new interpreter: CLI imports, settings, the store
opened and read, microphone and speaker opened, the TTS worker started and warming in the background,
pocketsphinx loaded, dialogs, scheduler) to the moment its `-v` log prints "companion ready: listening" (just
before the first listen). `phases_*`: the same clock stopped when each start-up step's log line arrives
(microphone open, speaker open, speech engine chosen, then its model loads until ready), to show where the
time goes, and `cpu_of_run_process`: the CPU seconds the `run` process itself used until ready (all its
threads; not the TTS worker process), a figure the shared machine's load disturbs far less than wall time.
The microphone and speaker are a private PulseAudio room (assistant/audio/room.py): there is no sound card here.
Two stores: consent only, and 50 years of history (scripts/history_gen.py, ~104,000 records).

State measured: the one a user's machine is in, after one earlier untimed `run` of each store (the previous
session): bytecode compiled (as `pip install` does; this sandbox sets PYTHONDONTWRITEBYTECODE, so the children
get a private PYTHONPYCACHEPREFIX instead) and the store's snapshot current. That first spawn is reported too
(`first_run_to_listening_*`: bytecode compiled from source, the 50-year journal read whole and its snapshot
written). Each store is then spawned REPEATS times, interleaved; min/median/max. Also the peak RSS (VmHWM) of
the `run` process when it is ready, `assistant --help` from spawn to exit, and the load average.
`run(results)` adds its numbers to `results`; `main()` prints them as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from history_gen import real_use
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


def settings_file(directory: Path) -> Path:
    """The settings of the couple whose store is `directory` (they are named: no first-run setup)."""
    return directory.with_suffix(".toml")


def make_store(directory: Path, years: int) -> int:
    """A store with both partners' consent and `years` of history, and a settings file naming them; returns the
    record count."""
    records = real_use(years) if years else []
    config = settings_file(directory)
    config.write_text('partners = ["Alex", "Sam"]\n', encoding="utf-8")
    config.chmod(0o600)
    with Store.open(directory) as store:
        store.append(Consent(at="2015-12-31T19:00:00+00:00", partners=("Alex", "Sam")))
        store.append_many(records)
    for backup in directory.glob("store.jsonl.bak*"):
        backup.unlink()
    return len(records) + 1


PHASES = {"microphone_open": "assistant.audio.microphone: microphone", "speaker_open": "assistant.audio.speaker:",
          "speech_engine_chosen": "assistant.stt.factory: speech engine"}
"""Start-up steps timed by the arrival of their `-v` log line (prefix after the level)."""


def _peak_rss_mb(pid: int) -> float:
    """The process's peak resident memory so far (VmHWM)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    return kb / 1024


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) the process has used so far: its own threads, not the TTS worker process."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_to_listening(data_dir: Path, env: dict[str, str],
                     timeout_s: float = 60.0) -> tuple[float, float, dict[str, float]]:
    """Seconds from spawning `assistant run` to its ready log line, its peak RSS (MB) then, and the seconds
    to each of PHASES (and its CPU seconds then); the process is then stopped (SIGTERM)."""
    args = [*ASSISTANT, "-v", "--engine", "pocketsphinx", "--config", str(settings_file(data_dir)),
            "--data-dir", str(data_dir), "run"]
    phases: dict[str, float] = {}
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            now = time.perf_counter() - started
            for phase, prefix in PHASES.items():
                if phase not in phases and prefix in line:
                    phases[phase] = now
            if READY in line:
                phases["cpu_of_run_process"] = _cpu_s(proc.pid)
                return now, _peak_rss_mb(proc.pid), phases
            if now > timeout_s:
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


def child_env(room_env: dict[str, str], pycache: Path) -> dict[str, str]:
    """The children's environment: the room, and bytecode cached privately (see the module docstring)."""
    env = {**os.environ, **room_env, "PYTHONPYCACHEPREFIX": str(pycache)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(results: dict) -> None:  # type: ignore[type-arg]
    """Add `coldstart` figures (seconds) to `results`."""
    from assistant.audio.room import PulseRoom

    out: dict[str, object] = {"repeats": REPEATS, "load_average_1m_at_start": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory(prefix="bench-coldstart-") as tmp, PulseRoom() as room:
        env = child_env(room.env, Path(tmp) / "pycache")
        stores = {"empty": Path(tmp) / "empty", "50y": Path(tmp) / "fifty"}
        out["records_50y"] = make_store(stores["50y"], 50)
        make_store(stores["empty"], 0)
        for name, directory in stores.items():  # the earlier session: compiles bytecode, writes the snapshot
            out[f"first_run_to_listening_{name}_s"] = round(run_to_listening(directory, env)[0], 3)
        timings: dict[str, list[float]] = {name: [] for name in stores}
        phases: dict[str, dict[str, list[float]]] = {name: {} for name in stores}
        peaks: list[float] = []
        for _ in range(REPEATS):  # interleaved: load on the shared machine hits both alike
            for name, directory in stores.items():
                seconds, peak, steps = run_to_listening(directory, env)
                timings[name].append(seconds)
                peaks.append(peak)
                for phase, at in steps.items():
                    phases[name].setdefault(phase, []).append(at)
        for name, values in timings.items():
            out[f"run_to_listening_{name}_s"] = spread(values)
            out[f"phases_{name}_s"] = {phase: spread(values) for phase, values in phases[name].items()}
        out["run_peak_rss_at_listening_mb"] = spread(peaks, 1)
        out["help_spawn_to_exit_s"] = spread([help_to_exit(env) for _ in range(REPEATS)])
    out["load_average_1m_at_end"] = round(os.getloadavg()[0], 2)
    results["coldstart"] = out


def main() -> None:
    results: dict[str, object] = {}
    run(results)
    json.dump(results, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
