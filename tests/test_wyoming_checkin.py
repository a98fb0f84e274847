"""A scripted check-in with two time outs, heard and spoken through Wyoming services on 127.0.0.1
(`simulate` with both engines set to "wyoming"), and what `models list` / `devices` show of the services."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_no_network import NetworkAudit
from wyoming_server import PiperStandIn, WhisperStandIn, free_port

from assistant.cli import cli
from assistant.config import Settings
from assistant.simulate.runner import simulate
from assistant.simulate.scenario import load_scenario
from assistant.store.records import SessionEvent, TimeOut
from assistant.store.store import Store

pytestmark = pytest.mark.speech
SCENARIOS = Path(__file__).parent / "scenarios"


@pytest.fixture(scope="module")
def services() -> Iterator[tuple[WhisperStandIn, PiperStandIn]]:
    whisper, piper = WhisperStandIn().start(), PiperStandIn().start()
    yield whisper, piper
    whisper.stop()
    piper.stop()


def run_timeout_twice(tmp_path: Path, speech_uri: str, voice_uri: str) -> list[str]:
    """The time-out scenario through Wyoming engines at these addresses; returns the dialog ids said."""
    settings = Settings.model_validate({"speech": {"engine": "wyoming", "uri": speech_uri, "service_timeout_s": 60},
                                        "voice": {"engine": "wyoming", "uri": voice_uri, "tts_timeout_s": 60}})
    result = simulate(load_scenario(SCENARIOS / "timeout_twice.yaml"), tmp_path / "out", settings,
                      store_dir=tmp_path / "store")
    ids = result.transcript.said()
    assert ids.count("timeout.acknowledge") == 2 and ids[-1] == "timeout.stopped"
    with Store.open(tmp_path / "store") as store:
        first, second = [r for r in store.query(TimeOut) if isinstance(r, TimeOut)]
        status = [e for e in store.query(SessionEvent) if isinstance(e, SessionEvent)][-1]
    assert (first.outcome, first.interrupted_step) == ("resume", "boundaries")
    assert (second.outcome, second.interrupted_step) == ("stop", "progress_safe")
    assert (status.status, status.step, result.final_state) == ("paused", "progress_safe", "paused")
    return ids


def test_a_checkin_with_time_outs_through_the_services(services: tuple[WhisperStandIn, PiperStandIn],
                                                        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    whisper, piper = services
    ids = run_timeout_twice(tmp_path, whisper.uri, piper.uri)
    assert whisper.answers >= 9 and piper.answers >= len(set(ids)) // 2
    assert "service problem" not in capsys.readouterr().err


def test_the_same_checkin_with_both_services_down_is_one_line_each(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    run_timeout_twice(tmp_path, f"tcp://127.0.0.1:{free_port()}", f"tcp://127.0.0.1:{free_port()}")
    err = sorted(capsys.readouterr().err.splitlines())
    assert len(err) == 2 and err[0].startswith("Speech service problem: cannot reach")
    assert err[1].startswith("Voice service problem: cannot reach") and "Traceback" not in "".join(err)


def test_models_list_shows_what_the_configured_service_describes(services: tuple[WhisperStandIn, PiperStandIn],
                                                                 tmp_path: Path) -> None:
    whisper, piper = services
    config = tmp_path / "settings.toml"
    config.write_text(f'[speech]\nengine = "wyoming"\nuri = "{whisper.uri}"\n[voice]\nuri = "{piper.uri}"\n')
    result = CliRunner().invoke(cli, ["--config", str(config), "models", "list"])
    assert result.exit_code == 0, result.output
    assert f"speech service {whisper.uri}: asr: stand-in-whisper (pocketsphinx-en-us: en)" in result.output
    assert f"voice service {piper.uri}: tts: stand-in-piper (en-us: en)" in result.output
    devices = CliRunner().invoke(cli, ["--config", str(config), "devices"])
    assert devices.exit_code == 0 and f"speech service {whisper.uri}: asr: stand-in-whisper" in devices.output


def test_without_a_configured_service_nothing_connects(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    audit = NetworkAudit(monkeypatch)
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "none.toml"), "models", "list"])
    assert result.exit_code == 0 and "service" not in result.output and audit.attempts == []


def test_a_wyoming_engine_without_an_address_is_one_clear_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "none.toml"), "--engine", "wyoming", "models",
                                      "list"])
    assert result.exit_code != 0 and "speech.uri: engine \"wyoming\" needs uri" in result.output
    assert "Traceback" not in result.output
    simulated = CliRunner().invoke(cli, ["--config", str(tmp_path / "none.toml"), "--data-dir", str(tmp_path / "d"),
                                         "simulate", str(SCENARIOS / "timeout_twice.yaml"), "--out",
                                         str(tmp_path / "out"), "--engine", "wyoming"])
    assert simulated.exit_code == 1 and simulated.output.count("\n") == 1
    assert "--engine wyoming needs [speech] uri" in simulated.output
