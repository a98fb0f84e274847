"""Run a scenario headless through the real pipeline: espeak-ng partners -> STT -> machine -> TTS -> WAV."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from assistant.audio.base import ListenRequest
from assistant.audio.convert import read_wav, silence, write_wav
from assistant.audio.sinks import MultiSink, TextSink, WavFileSink
from assistant.audio.sources import ScriptedSource
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.conversation import Conversation
from assistant.dialog.library import DialogLibrary, Line
from assistant.interpret import Interpreter
from assistant.intents import IntentMatcher
from assistant.listener import Listener
from assistant.sessions import Session, new_checkin, run_session
from assistant.simulate import voices
from assistant.simulate.scenario import Scenario, ScenarioError, Turn
from assistant.store.store import Store
from assistant.stt.factory import create_recognizer
from assistant.transcript import Transcript
from assistant.tts.worker import FallbackSpeaker, SpeechWorker

_LOGGER = logging.getLogger(__name__)
DEFAULT_VOICES = ("en-us", "en-us")
DEFAULT_PITCHES = (40, 65)


@dataclass
class TurnFeeder:
    """Supplies the audio of each listen: the next ordered turn, or the default answer for the kind."""

    scenario: Scenario
    base_dir: Path
    current_partner: str = ""
    ordered: list[Turn] = field(default_factory=list)
    heard_audio: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.ordered = list(self.scenario.turns)

    def __call__(self, request: ListenRequest) -> bytes:
        turn = self._choose(request)
        pcm = self.render(turn)
        self.heard_audio.append(pcm)
        return pcm

    def _choose(self, request: ListenRequest) -> Turn:
        if self.ordered and self.ordered[0].at_step in (None, request.step):
            return self.ordered.pop(0)
        default = getattr(self.scenario.answers, request.kind, None) or self.scenario.answers.command
        if default is None:
            waiting = f" (the next turn waits for step {self.ordered[0].at_step!r})" if self.ordered else ""
            raise ScenarioError(f"the scenario ran out of turns at step {request.step!r}, listening for "
                                f"{request.kind}{waiting}; add a turn or an `answers.{request.kind}` default")
        return Turn(say=default)

    def render(self, turn: Turn) -> bytes:
        if turn.silence is not None:
            return silence(turn.silence)
        if turn.wav is not None:
            return read_wav(self.base_dir / turn.wav)
        index = self.scenario.partners.index(self.current_partner) if self.current_partner in \
            self.scenario.partners else 0
        voice = turn.voice or self.scenario.voices.get(self.current_partner, DEFAULT_VOICES[index])
        return voices.speak(str(turn.say), voice=voice, rate=turn.rate or 150, pitch=DEFAULT_PITCHES[index],
                            noise_snr_db=turn.noise_snr_db, seed=len(self.heard_audio))


@dataclass
class SimulationResult:
    final_state: str
    transcript: Transcript
    out_dir: Path
    turn_latencies_s: list[float]
    unused_turns: int


def simulate(scenario: Scenario, out_dir: Path, settings: Settings, *, base_dir: Path | None = None,
             store_dir: Path | None = None, echo: bool = False, engine: str | None = None) -> SimulationResult:
    """Run `scenario` to its end; outputs transcript.jsonl, assistant.wav, partners.wav and the store."""
    if scenario.turns and any(turn.during == "speech" for turn in scenario.turns):
        raise ScenarioError("turns with `during: speech` (barge-in) are not supported by this runner yet")
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = settings.model_copy(update={"partners": scenario.partners})
    start = scenario.clock or datetime(2026, 1, 5, 19, 0, tzinfo=timezone.utc)
    clock = VirtualClock(start)
    library = DialogLibrary.load(seed=0)
    feeder = TurnFeeder(scenario, base_dir or Path.cwd())
    source = ScriptedSource(clock=clock, on_begin=feeder)
    sink = WavFileSink(out_dir / "assistant.wav", clock=clock)
    speaker = FallbackSpeaker(SpeechWorker(settings.voice), MultiSink(sink, TextSink()) if echo else sink)
    store = Store.open(store_dir or out_dir / "store", keep_transcripts=settings.dialog.keep_transcripts)
    transcript = Transcript(out_dir / "transcript.jsonl")
    recognizer = create_recognizer(settings, engine)
    listener = Listener(source, recognizer, clock, silence_timeout_s=settings.speech.silence_timeout_s)
    interpreter = Interpreter(IntentMatcher.load(), settings.speech.min_confidence)

    def say_line(line: Line) -> None:
        speaker.say(line.text, line.dialog_id).wait()

    conversation = Conversation(listener, interpreter, say_line, clock, transcript)
    try:
        session: Session = new_checkin(store, library, settings, clock, resume=scenario.resume)
        if scenario.resume and session.resume_at is None:
            raise ScenarioError("the scenario asks to resume, but no check-in is paused in this store")
        conversation.speaker_of = lambda model: _partner_of(model, feeder)
        final = run_session(conversation, session)
    finally:
        transcript.close()
        speaker.close()
        store.close()
        write_wav(out_dir / "partners.wav", b"".join(feeder.heard_audio))
    return SimulationResult(final, transcript, out_dir, [t.latency_s for t in conversation.timings],
                            len(feeder.ordered))


def _partner_of(model: object, feeder: TurnFeeder) -> str:
    partner = str(model.slots().get("partner", ""))  # type: ignore[attr-defined]
    feeder.current_partner = partner
    return partner or "both"
