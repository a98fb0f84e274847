"""A private virtual room on a real sound server: a PulseAudio daemon of our own with a null sink `room`.

Everything played into `room` (our speaker, a partner's `paplay`) is heard by its monitor `room.monitor`, the
default source, exactly as a laptop's microphone hears its speakers. The daemon has its own runtime directory,
so it never meets a desktop's server. Used by the audio-rig tests, `scripts/bench_room.py`, and by hand:
`python -m assistant.audio.room` prints the environment to export and keeps the room until Ctrl-C.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

_LOGGER = logging.getLogger(__name__)
SINK = "room"
"""Name of the null sink; its monitor `room.monitor` is the default source."""
RATE = 48_000
"""The server's default sample rate (PulseAudio's own default)."""


class HeardLine(Protocol):
    """A line playing through the speaker: when its first sample reached the room (`SpeakerSink.play`'s)."""

    started_at: float | None

    def wait_started(self, timeout: float | None = None) -> bool: ...


class RoomError(RuntimeError):
    """The sound server could not be started or commanded; the message says what to install or check."""


@dataclass
class PulseRoom:
    """One private PulseAudio server with the virtual room; `start()` then `stop()` (or use `with`)."""

    runtime_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="pulse-room-")))
    process: subprocess.Popen[bytes] | None = None
    sink_module: int | None = None
    """pactl module index of the null sink while it is loaded."""

    @property
    def env(self) -> dict[str, str]:
        """Variables that point libpulse (pactl, paplay, the ALSA pulse plugin) at this server only."""
        return {"PULSE_SERVER": f"unix:{self.runtime_dir / 'native'}", "PULSE_RUNTIME_PATH": str(self.runtime_dir),
                "XDG_RUNTIME_DIR": str(self.runtime_dir), "PULSE_COOKIE": str(self.runtime_dir / "cookie"),
                "PULSE_CLIENTCONFIG": str(self.runtime_dir / "client.conf")}

    def start(self, timeout_s: float = 10.0) -> PulseRoom:
        """Start the daemon (no default modules, never exits when idle), load the room, make it the default."""
        binary = shutil.which("pulseaudio")
        if binary is None or shutil.which("pactl") is None:
            raise RoomError("pulseaudio is not installed: run scripts/setup.sh test "
                            "(apt-get install pulseaudio pulseaudio-utils libasound2-plugins)")
        self.runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        (self.runtime_dir / "client.conf").write_text("autospawn = no\n", encoding="utf-8")
        log = self.runtime_dir / "pulseaudio.log"
        args = [binary, "-n", "--daemonize=no", "--system=false", "--exit-idle-time=-1", "--disallow-exit",
                "--use-pid-file=no", f"--log-target=file:{log}", "--log-level=notice",
                f"--load=module-native-protocol-unix socket={self.runtime_dir / 'native'} auth-anonymous=1"]
        env = {**os.environ, **self.env, "HOME": str(self.runtime_dir)}
        self.process = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout_s
        while self._pactl_ok("info") is False:
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-600:] if log.exists() else "(no log)"
                self.stop()
                raise RoomError(f"pulseaudio did not start: {tail}")
            time.sleep(0.05)
        self.add_room()
        _LOGGER.info("virtual room up at %s", self.runtime_dir)
        return self

    def _pactl_ok(self, *args: str) -> bool:
        return subprocess.run(["pactl", *args], env={**os.environ, **self.env}, capture_output=True,
                              timeout=10).returncode == 0

    def pactl(self, *args: str) -> str:
        """Run pactl against this server; RoomError with its message when it fails."""
        done = subprocess.run(["pactl", *args], env={**os.environ, **self.env}, capture_output=True, text=True,
                              timeout=10)
        if done.returncode != 0:
            raise RoomError(f"pactl {' '.join(args)}: {done.stderr.strip() or done.returncode}")
        return done.stdout.strip()

    def add_room(self) -> None:
        """Load the null sink `room` and make it and its monitor the defaults (again, after remove_room)."""
        self.sink_module = int(self.pactl("load-module", "module-null-sink", f"sink_name={SINK}",
                                          f"rate={RATE}", "channels=2"))
        self.pactl("set-default-sink", SINK)
        self.pactl("set-default-source", f"{SINK}.monitor")

    def remove_room(self) -> None:
        """Unload the null sink: the room and its monitor (our microphone) disappear."""
        if self.sink_module is not None:
            self.pactl("unload-module", str(self.sink_module))
            self.sink_module = None

    def play(self, wav: Path | str) -> subprocess.Popen[bytes]:
        """`paplay` a WAV file into the room (a partner speaking); returns the running process."""
        return subprocess.Popen(["paplay", f"--device={SINK}", str(wav)], env={**os.environ, **self.env},
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def record(self, wav: Path | str) -> subprocess.Popen[bytes]:
        """`parecord` the room monitor to a 16 kHz mono WAV file until terminated (an independent ear)."""
        return subprocess.Popen(["parecord", f"--device={SINK}.monitor", "--rate=16000", "--channels=1",
                                 "--format=s16le", "--latency-msec=10", "--file-format=wav", str(wav)],
                                env={**os.environ, **self.env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self) -> None:
        """Stop the daemon and remove its runtime directory."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        shutil.rmtree(self.runtime_dir, ignore_errors=True)

    def __enter__(self) -> PulseRoom:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class PartnerCue:
    """A partner speaking into the room `at_s` after a line is first heard there (`paplay`, on its own thread),
    as the room bench, the barge-in recorder and the rig's tests play "time out" over the assistant's voice."""

    def __init__(self, room: PulseRoom, wav: Path | str, line: HeardLine, at_s: float) -> None:
        self._player: subprocess.Popen[bytes] | None = None
        self._thread = threading.Thread(target=self._speak, args=(room, wav, line, at_s), daemon=True)
        self._thread.start()

    def _speak(self, room: PulseRoom, wav: Path | str, line: HeardLine, at_s: float) -> None:
        line.wait_started(10)
        time.sleep(max(0.0, (line.started_at or time.monotonic()) + at_s - time.monotonic()))
        self._player = room.play(wav)

    def finish(self, timeout_s: float = 10.0) -> None:
        """Wait (up to `timeout_s` each) for the partner to start speaking, then to finish."""
        self._thread.join(timeout_s)
        if self._player is not None:
            self._player.wait(timeout_s)


def main() -> int:
    """Keep a room up until Ctrl-C and say how to use it from another shell."""
    with PulseRoom() as room:
        print("Virtual room running. In another shell:")
        for key, value in room.env.items():
            print(f"  export {key}={value}")
        print("then e.g. `assistant checkin` (device: pulse) and `paplay --device=room answer.wav`. Ctrl-C stops.")
        try:
            while room.process is not None and room.process.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
