"""The one pipeline: source -> front end -> recogniser -> listener -> interpreter -> conversation.

Every caller (`run`, `checkin`, `timeout`, `simulate`, calendar scenarios, soak, the benches) builds its
parts here, so a bench measures what a user runs. Activities and the store are handed to the conversation
by the session runner (assistant.sessions); the time-out flow is wired here and nowhere else.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from assistant.acceptance import AcceptancePolicy
from assistant.activities.timeout import TimeOutFlow
from assistant.audio.base import AudioSource, Clip, Playback
from assistant.clock import Clock
from assistant.config import Settings
from assistant.conversation import Conversation
from assistant.danger_check import DangerCheck, EitherDangerCheck
from assistant.dialog.library import DialogLibrary, Line
from assistant.display import Display
from assistant.frontend import FrontEnd, SpeechFrontEnd, SpeechGate, build_front_end
from assistant.intents import IntentMatcher
from assistant.interpret import Interpreter
from assistant.listener import FRAME_S, Listener
from assistant.listening import Listening
from assistant.store.protocol import RecordStore
from assistant.stt.base import Recognizer
from assistant.transcript import Transcript

_LOGGER = logging.getLogger(__name__)


def front_end(settings: Settings, clock: Callable[[], float] = time.monotonic) -> FrontEnd:
    """The process's speech front end from `[frontend]`; `clock` dates microphone frames on the clock the
    speaker stamps `played()` with (time.monotonic; see `capture_clock`)."""
    return build_front_end(settings.frontend, clock)


def capture_clock(listener_of: Callable[[], Listener | None], clock: Clock) -> Callable[[], float]:
    """When the frame being cleaned was captured (its end): the listener's current source's `last_frame_at`
    (a microphone, reopened or not), else `clock.monotonic()` (scripted and file sources)."""

    def captured_until() -> float:
        hearer = listener_of()
        at = getattr(hearer.source, "last_frame_at", None) if hearer is not None else None
        return at + FRAME_S if at is not None else clock.monotonic()

    return captured_until


def interpreter(*, policy: AcceptancePolicy | None = None, danger: DangerCheck | None = None,
                commands: Path | None = None) -> Interpreter:
    """The interpreter over dialogs/commands.yaml, assistant/acceptance.json and the given DangerCheck
    (default: the safety phrases)."""
    matcher = IntentMatcher.load(commands)
    return Interpreter(matcher, policy or AcceptancePolicy.load(), danger or lexicon_danger_check(matcher))


def lexicon_danger_check(matcher: IntentMatcher, partners: Sequence[str] = ()) -> DangerCheck:
    """The danger detector over dialogs/safety_lexicon.yaml (shared per process), with the listed safety
    phrasings as a floor (see EitherDangerCheck)."""
    from assistant import paths
    from assistant.danger.engine_check import LexiconDangerCheck

    return EitherDangerCheck(LexiconDangerCheck(paths.dialogs_dir(), partners), matcher)


def activation() -> IntentMatcher:
    """The always-on companion's activation phrases (dialogs/activation.yaml)."""
    from assistant import paths

    return IntentMatcher.load(paths.dialogs_dir() / "activation.yaml")


def listener(source: AudioSource, settings: Settings, clock: Clock, *, recognizer: Recognizer | None = None,
             engine: str | None = None, front: FrontEnd | None = None) -> Listener:
    """source -> front end + endpointer (SpeechGate) -> recogniser (default: the configured engine) -> listener.

    `front`: the process's front end when something else (the speaker) must reach it too; by default one is
    built here from `[frontend]`, dated by the source's capture times. Full duplex when it cancels echo.
    """
    if recognizer is None:
        from assistant.stt.factory import create_recognizer

        recognizer = create_recognizer(settings, engine)
    built: list[Listener] = []
    front = front or front_end(settings, capture_clock(lambda: built[0] if built else None, clock))
    hearer = Listener(source, recognizer, clock, gate=SpeechGate(front, settings.frontend.endpoint),
                      silence_timeout_s=settings.speech.silence_timeout_s, full_duplex=cancels_echo(front))
    built.append(hearer)
    return hearer


def cancels_echo(front: FrontEnd) -> bool:
    """True when `front` removes the assistant's own voice (the microphone may stay open while it speaks)."""
    return isinstance(front, SpeechFrontEnd) and front.echo is not None


def conversation(hearing: Listening, say_line: Callable[[Line], None], clock: Clock, settings: Settings,
                 library: DialogLibrary, store: RecordStore, *, interpret: Interpreter | None = None,
                 transcript: Transcript | None = None, play_line: Callable[[Line], Playback] | None = None,
                 play_clip: Callable[[Clip], float] | None = None, barge_in: bool = True,
                 max_turns: int | None = None, display: Display | None = None) -> Conversation:
    """A conversation hearing through `hearing`, speaking through `say_line` (and `play_line`/`play_clip`
    for audio), with the time-out flow wired. Barge-in is on when the hearer is a recogniser Listener and
    lines can be played without waiting."""
    interpret = interpret or interpreter()
    watcher = None
    if barge_in and isinstance(hearing, Listener) and play_line is not None:
        from assistant.timeout.bargein import BargeInWatcher, DuplexClock

        watcher = BargeInWatcher(hearing, interpret, clock if isinstance(clock, DuplexClock) else None)
    from assistant.activities.safety_check import SafetyCheckFlow
    from assistant.danger.resources import help_line_text

    country = settings.safety.country
    return Conversation(hearing, interpret, say_line, clock, transcript=transcript or Transcript(),
                        time_out=TimeOutFlow(settings, library, store),
                        safety_check=SafetyCheckFlow(library, country),
                        help_line=lambda: Line("safety.help_line", {}, help_line_text(country)),
                        play_line=play_line, play_clip=play_clip, barge_in=watcher, max_turns=max_turns,
                        display=display)
