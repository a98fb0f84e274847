"""Run a scenario headless through the real pipeline: espeak-ng partners -> STT -> machine -> TTS -> WAV."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from assistant import pipeline
from assistant.audio.base import ListenRequest
from assistant.audio.convert import read_wav, silence, write_wav
from assistant.audio.sinks import MultiSink, TextSink, WavFileSink, WavPlayback
from assistant.audio.sources import ScriptedSource
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.conversation import Conversation
from assistant.dialog.library import DialogLibrary
from assistant.dialog.machine import DialogModel
from assistant.sessions import Session, new_checkin, run_session
from assistant.simulate import voices
from assistant.simulate.scenario import Scenario, ScenarioError, Turn
from assistant.store.store import Store
from assistant.timeout.bargein import DuplexClock
from assistant.transcript import Transcript
from assistant.tts.factory import create_synthesizer
from assistant.tts.worker import FallbackSpeaker
from assistant.voice_hooks import voice_hooks

_LOGGER = logging.getLogger(__name__)
DEFAULT_VOICES = ("en-us", "en-us")
DEFAULT_PITCHES = (40, 65)
BARGE_IN_AFTER_S = 0.5
"""A `during: speech` turn starts this far into the assistant's line."""


@dataclass
class TurnFeeder:
    """Supplies the audio of each listen: the next ordered turn, or the default answer for the kind."""

    scenario: Scenario
    base_dir: Path
    current_partner: str = ""
    ordered: list[Turn] = field(default_factory=list)
    heard_audio: list[bytes] = field(default_factory=list)
    source: ScriptedSource | None = None
    injected: list[tuple[float, float, str]] = field(default_factory=list)
    """Barge-in turns: (clip seconds played when injected, seconds of audio injected, text)."""

    def __post_init__(self) -> None:
        self.ordered = list(self.scenario.turns)

    def __call__(self, request: ListenRequest) -> bytes:
        turn = self._choose(request)
        if turn is None:
            return b""
        pcm = self.render(turn)
        self.heard_audio.append(pcm)
        return pcm

    def _choose(self, request: ListenRequest) -> Turn | None:
        if request.kind == "cooloff":  # a quiet break: only turns placed there explicitly are heard
            if self.ordered and self.ordered[0].during is None and self.ordered[0].at_step == request.step:
                return self.ordered.pop(0)
            return None
        if self.ordered and self.ordered[0].during is None and self.ordered[0].at_step in (None, request.step):
            return self.ordered.pop(0)
        default = getattr(self.scenario.answers, request.kind, None) or self.scenario.answers.command
        if default is None:
            waiting = f" (the next turn waits for step {self.ordered[0].at_step!r})" if self.ordered else ""
            raise ScenarioError(f"the scenario ran out of turns at step {request.step!r}, listening for "
                                f"{request.kind}{waiting}; add a turn or an `answers.{request.kind}` default")
        return Turn(say=default)

    def on_progress(self, playback: WavPlayback, played_s: float) -> None:
        """Barge-in: inject the next `during: speech` turn shortly after the assistant starts a line."""
        if not self.ordered or self.ordered[0].during != "speech" or self.source is None:
            return
        turn, dialog_id = self.ordered[0], playback.clip.dialog_id
        if played_s < BARGE_IN_AFTER_S or turn.at_step not in (None, dialog_id, dialog_id.split(".")[-1]):
            return
        self.ordered.pop(0)
        pcm = self.render(turn)
        self.heard_audio.append(pcm)
        self.injected.append((played_s, len(pcm) / 32000, str(turn.say or turn.wav or "")))
        self.source.inject(pcm)

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
    conversation: Conversation | None = None
    """The driver, for tests: its time-out flow results, barge-in events and timings."""
    injected: list[tuple[float, float, str]] = field(default_factory=list)


def simulate(scenario: Scenario, out_dir: Path, settings: Settings, *, base_dir: Path | None = None,
             store_dir: Path | None = None, echo: bool = False, engine: str | None = None) -> SimulationResult:
    """Run `scenario` to its end; outputs transcript.jsonl, assistant.wav, partners.wav and the store.

    `activity: calendar` scenarios run the always-on schedule instead (assistant.simulate.month).
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = settings.model_copy(update={"partners": scenario.partners})
    if scenario.activity == "calendar":
        from assistant.simulate.month import simulate_month

        transcript, unused, _ = simulate_month(scenario, out_dir, settings, store_dir=store_dir, echo=echo)
        return SimulationResult("completed", transcript, out_dir, [], unused)
    start = scenario.clock or datetime(2026, 1, 5, 19, 0, tzinfo=timezone.utc)
    clock = DuplexClock(VirtualClock(start))
    library = DialogLibrary.load(seed=0)
    feeder = TurnFeeder(scenario, base_dir or Path.cwd())
    source = feeder.source = ScriptedSource(clock=clock, on_begin=feeder)
    sink = WavFileSink(out_dir / "assistant.wav", clock=clock, on_progress=feeder.on_progress)
    speaker = FallbackSpeaker(create_synthesizer(settings.voice), MultiSink(sink, TextSink()) if echo else sink)
    store = Store.open(store_dir or out_dir / "store", keep_transcripts=settings.dialog.keep_transcripts)
    transcript = Transcript(out_dir / "transcript.jsonl", echo_heard=echo)
    listener = pipeline.listener(source, settings, clock, engine=engine)
    conversation = pipeline.conversation(listener, clock=clock, settings=settings, library=library, store=store,
                                         transcript=transcript, max_turns=scenario.max_turns,
                                         **voice_hooks(speaker, sink))
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
                            len(feeder.ordered), conversation, feeder.injected)


def _partner_of(model: DialogModel, feeder: TurnFeeder) -> str:
    partner = model.answerer()  # who answers this step (the other partner, when saying back what they heard)
    feeder.current_partner = "" if partner == "both" else partner
    return partner
