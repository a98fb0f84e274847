"""The speech front end: echo cancellation -> noise suppression / auto gain -> trained VAD -> endpointing."""

from assistant.frontend.base import FrontEnd, Processed
from assistant.frontend.endpoint import Endpointer, EndpointSettings, Event
from assistant.frontend.gate import GateStep, SpeechGate
from assistant.frontend.pipeline import PassthroughFrontEnd, SpeechFrontEnd, build_front_end
from assistant.frontend.settings import FrontEndSettings

__all__ = ["EndpointSettings", "Endpointer", "Event", "FrontEnd", "FrontEndSettings", "GateStep", "PassthroughFrontEnd",
           "Processed", "SpeechFrontEnd", "SpeechGate",
           "build_front_end"]
