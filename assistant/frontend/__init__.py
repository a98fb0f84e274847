"""The speech front end: echo cancellation -> noise suppression / auto gain -> trained VAD -> endpointing.

Names are loaded on first use (PEP 562), so reading the settings (`assistant.frontend.settings`, which every
command does) does not load numpy and the audio stages.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.frontend.base import FrontEnd, Processed
    from assistant.frontend.endpoint import Endpointer, Event
    from assistant.frontend.gate import GateStep, SpeechGate
    from assistant.frontend.pipeline import PassthroughFrontEnd, SpeechFrontEnd, build_front_end
    from assistant.frontend.settings import EndpointSettings, FrontEndSettings

_HOME = {"FrontEnd": "base", "Processed": "base", "Endpointer": "endpoint", "Event": "endpoint",
         "EndpointSettings": "settings", "FrontEndSettings": "settings", "GateStep": "gate", "SpeechGate": "gate",
         "PassthroughFrontEnd": "pipeline", "SpeechFrontEnd": "pipeline", "build_front_end": "pipeline"}

__all__ = ["EndpointSettings", "Endpointer", "Event", "FrontEnd", "FrontEndSettings", "GateStep", "PassthroughFrontEnd",
           "Processed", "SpeechFrontEnd", "SpeechGate", "build_front_end"]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
