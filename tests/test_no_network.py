"""Nothing leaves the machine: `assistant demo` and a simulated check-in run with sockets blocked and make
no connection attempt; `assistant models download` is the one command that tries to connect."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from click.testing import CliRunner
from safety_helpers import conversation, library, settings

from assistant import pipeline
from assistant.cli import cli
from assistant.clock import VirtualClock
from assistant.sessions import new_checkin, run_session
from assistant.store.store import Store


class NetworkAudit:
    """Replaces socket creation, connection and name lookup with recorders that refuse."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.attempts: list[str] = []
        real_socket = socket.socket

        def refuse(name: str):  # type: ignore[no-untyped-def]
            def blocked(*args: object, **kwargs: object) -> object:
                self.attempts.append(f"{name}{args[:2]}")
                raise OSError(f"network blocked by test: {name}")
            return blocked

        class AuditedSocket(real_socket):  # type: ignore[misc, valid-type]
            def __init__(inner, family: int = -1, *args: object, **kwargs: object) -> None:  # noqa: N805
                if family in (socket.AF_INET, socket.AF_INET6, -1):
                    self.attempts.append(f"socket({family})")
                    raise OSError("network blocked by test: socket")
                super().__init__(family, *args, **kwargs)

        monkeypatch.setattr(socket, "socket", AuditedSocket)
        for name in ("create_connection", "getaddrinfo", "gethostbyname"):
            monkeypatch.setattr(socket, name, refuse(name))


@pytest.fixture()
def audit(monkeypatch: pytest.MonkeyPatch) -> NetworkAudit:
    return NetworkAudit(monkeypatch)


def test_the_audit_notices_a_connection(audit: NetworkAudit) -> None:
    with pytest.raises(OSError):
        socket.create_connection(("example.com", 443))
    with pytest.raises(OSError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    assert len(audit.attempts) == 2


@pytest.mark.speech  # through the CLI: the lane rule cannot see it
def test_demo_makes_no_connection(audit: NetworkAudit, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--data-dir", str(tmp_path / "data"), "--engine", "pocketsphinx",
                                      "demo", "--out", str(tmp_path / "demo")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Scenario ended: completed" in result.output
    assert (tmp_path / "demo" / "transcript.jsonl").stat().st_size > 0
    assert audit.attempts == []


def test_a_checkin_with_a_safety_response_makes_no_connection(audit: NetworkAudit, tmp_path: Path) -> None:
    clock = VirtualClock()
    with Store.open(tmp_path / "store") as store:
        conv, said = conversation(["thank you", "i want to hurt myself"], clock)
        assert run_session(conv, new_checkin(store, library(), settings(), clock)) == "safety"
        conv, said = conversation([], clock)
        assert run_session(conv, new_checkin(store, library(), settings(), clock)) == "held"
        clock.advance(86400)
        conv, said = conversation([], clock)
        assert run_session(conv, new_checkin(store, library(), settings(), clock)) == "completed"
    assert audit.attempts == []


def test_models_download_is_the_one_thing_that_connects(audit: NetworkAudit, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["models", "download", "--dest", str(tmp_path / "models")])
    assert result.exit_code != 0
    assert "cannot reach" in result.output and "offline" in result.output
    assert audit.attempts, "the download did not try to connect"
    assert not list((tmp_path / "models").glob("*.zip"))


@pytest.mark.slow
def test_a_simulated_day_of_assistant_run_makes_no_connection(audit: NetworkAudit, tmp_path: Path) -> None:
    """The always-on loop (first-run consent, idle listening, the Sunday check-in reminder and check-in,
    the evening appreciation, quiet hours) for 24 virtual hours, through the same loop as `assistant run`."""
    from datetime import datetime, timedelta, timezone

    from assistant import paths
    from assistant.dialog.library import DialogLibrary
    from assistant.intents import IntentMatcher
    from assistant.schedule.companion import Companion
    from assistant.schedule.resilient import keep_running
    from assistant.schedule.scheduler import Scheduler
    from assistant.simulate.calendar import TypedTurns, default_responder
    from assistant.store.records import Consent, SessionEvent

    utc = timezone.utc
    start = datetime(2026, 5, 17, 7, 0, tzinfo=utc)  # a Sunday
    clock = VirtualClock(start)
    conf = settings()
    said: list[str] = []
    with Store.open(tmp_path / "store") as store:
        listener = TypedTurns(clock, default_responder, utc)
        conv = pipeline.conversation(listener, lambda line: said.append(line.dialog_id), clock, conf,
                                     DialogLibrary.load(seed=0), store)
        companion = Companion(conv, DialogLibrary.load(seed=0), store, conf, clock,
                              Scheduler.from_settings(store, clock, conf.schedule, utc),
                              IntentMatcher.load(paths.dialogs_dir() / "activation.yaml"), utc, seed=0)
        keep_running(companion, lambda: clock.now() >= start + timedelta(days=1), None)
        assert len(store.query(Consent)) == 1
        done = {(e.activity, e.status) for e in store.query(SessionEvent)}  # type: ignore[attr-defined]
    assert {("checkin", "completed"), ("appreciation", "completed")} <= done
    assert "always_on.checkin_reminder_due" in said and len(listener.requests) > 1000  # idle listening
    assert audit.attempts == []
