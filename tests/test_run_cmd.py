"""`assistant run`: typed activation phrases, clean shutdown on end of input and SIGTERM (a running
check-in is saved as paused at its exact step), and a missing microphone reported and retried."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from assistant.schedule.rules import WEEKDAYS
from assistant.store.records import Consent, SessionEvent
from assistant.store.store import Store

ASSISTANT = [sys.executable, "-m", "assistant"]


def start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    named = tmp_path / "named.toml"  # the first-run setup was done (tests/test_first_run.py runs it)
    now = datetime.now(timezone.utc)  # `run` keeps real time: nothing scheduled may fall due while a test runs
    far = (now + timedelta(hours=12)).strftime("%H:%M")
    named.write_text(f'partners = ["Alex", "Sam"]\n[schedule]\nappreciation_times = ["{far}"]\n'
                     f'checkin_day = "{WEEKDAYS[(now.weekday() + 3) % 7]}"\ncheckin_time = "{far}"\n'
                     f'agreement_review_day = {(now.day + 13) % 28 + 1}\nagreement_review_time = "{far}"\n',
                     encoding="utf-8")
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "ASSISTANT_CONFIG": str(named)}
    return subprocess.Popen([*ASSISTANT, "--data-dir", str(tmp_path / "data"), *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def read_until(stream, needle: str, timeout: float = 20.0) -> str:  # type: ignore[no-untyped-def]
    """Read characters until `needle` appears (prompts end without a newline)."""
    seen, deadline = "", time.monotonic() + timeout
    while needle not in seen:
        assert time.monotonic() < deadline, f"never saw {needle!r}; got {seen[-400:]!r}"
        ready, _, _ = select.select([stream.fileno()], [], [], 0.1)
        if ready:
            seen += os.read(stream.fileno(), 4096).decode("utf-8", "replace")
    return seen


def test_typed_help_then_end_of_input_stops_cleanly(tmp_path: Path) -> None:
    proc = start(tmp_path, "--io", "text", "run", "--timezone", "UTC")
    out, err = proc.communicate("yes\nyes\nhelp\n", timeout=30)  # first run: both partners consent first
    assert proc.returncode == 0, err
    assert "You can type: start check in" in out  # text mode speaks of typing (issue 14)
    assert out.rstrip().endswith("Stopped. Everything is saved.")


@pytest.mark.slow
def test_consent_is_asked_once_before_anything_else_then_never_again(tmp_path: Path) -> None:
    proc = start(tmp_path, "--io", "text", "run", "--timezone", "UTC")
    out, err = proc.communicate("yes\nyes\nhelp\n", timeout=30)
    assert proc.returncode == 0, err
    assert out.index("Before we begin, here is how I work.") < out.index("Alex, do you agree") < \
        out.index("Sam, do you agree") < out.index("I've noted that you both agreed") < out.index("I'm here.")
    proc = start(tmp_path, "--io", "text", "run", "--timezone", "UTC")
    out, err = proc.communicate("help\n", timeout=30)
    assert proc.returncode == 0, err
    assert "Before we begin" not in out and "do you agree" not in out
    assert "You can type: start check in" in out  # text mode speaks of typing (issue 14)
    with Store.open(tmp_path / "data") as store:
        assert [r.partners for r in store.query(Consent) if isinstance(r, Consent)] == [("Alex", "Sam")]


def test_declined_consent_starts_nothing_and_records_nothing(tmp_path: Path) -> None:
    proc = start(tmp_path, "--io", "text", "run", "--timezone", "UTC")
    out, err = proc.communicate("yes\nno\nstart check in\n", timeout=30)
    assert proc.returncode == 0, err
    assert "I won't record anything" in out and "I'm here." not in out
    with Store.open(tmp_path / "data") as store:
        assert store.query() == []


@pytest.mark.slow
def test_sigterm_during_a_checkin_saves_its_place(tmp_path: Path) -> None:
    proc = start(tmp_path, "--io", "text", "run", "--timezone", "UTC")
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("yes\nyes\n")  # first run: consent
    proc.stdin.flush()
    read_until(proc.stdout, "I'm here.")
    proc.stdin.write("start check in\n")
    proc.stdin.flush()
    read_until(proc.stdout, "\nyou> ")  # the check-in's first question (appreciations) waits for an answer
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=15) == 0
    with Store.open(tmp_path / "data") as store:
        events = [e for e in store.query(SessionEvent) if isinstance(e, SessionEvent)]
    assert [(e.activity, e.status) for e in events] == [("checkin", "started"), ("checkin", "paused")]
    assert events[-1].step == "appreciations"


@pytest.mark.slow
def test_without_a_microphone_the_error_is_printed_and_retried(tmp_path: Path) -> None:
    proc = start(tmp_path, "run", "--retry-seconds", "0.2")
    assert proc.stdout is not None and proc.stderr is not None
    out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    seen = {out_fd: "", err_fd: ""}
    deadline = time.monotonic() + 60
    # wait for two reported attempts (start-up done, SIGTERM handled) or a microphone that works
    while seen[err_fd].count("No audio input device") < 2 and "I'm here" not in seen[out_fd]:
        assert time.monotonic() < deadline and proc.poll() is None, f"no retry reported: {seen}"
        for fd in select.select(list(seen), [], [], 0.1)[0]:
            seen[fd] += os.read(fd, 4096).decode("utf-8", "replace")
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=15)
    out, err = seen[out_fd] + out, seen[err_fd] + err
    assert proc.returncode == 0, err
    if "Looking again" not in err:  # a machine with a microphone: nothing to check here
        assert "I'm here" in out
        return
    assert err.count("No audio input device") >= 2
    assert "Stopped. Everything is saved." in out
