"""Front-end settings (the `[frontend]` table of the settings file)."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta

from assistant.table import Table

SHORT_KINDS = frozenset({"command", "yes_no", "rating", "choice", "ready", "barge_in"})
"""Listening kinds whose answers are a few words: the short hang-over applies."""


class EndpointSettings(Table, frozen=True):
    """Thresholds of the endpointer; the defaults were chosen on the tuning split (see README)."""

    threshold: float = 0.5
    """Speech probability at or above which a frame is speech (silero's own recommendation)."""
    release: float = 0.35
    """Probability below which a frame counts as silence again (hysteresis; silero's threshold - 0.15)."""
    onset_ms: int = 90
    """Speech this long in a row opens an utterance."""
    short_hangover_ms: int = 300
    """Silence that ends a short answer (commands, yes/no, ratings, choices)."""
    free_hangover_ms: int = 600
    """Silence that ends a free answer (people pause between clauses)."""
    free_decode_after_ms: int = 300
    """Silence inside a free answer after which the recogniser decodes the answer's free text as it stands, while
    the hang-over still runs (redone from the start if speech resumes, once per answer; the sentinel pass still
    runs after the end; engines that cannot: ignored); 0: off. The shortest pause (30 ms steps) after which no free
    answer of the hearing corpus's tuning half resumed, clean and in pink noise at 10 dB
    (scripts/free_decode_pauses.py; babble resumes: once-per-answer bound). Felt free-answer latency p50
    (scripts/bench_turn.py, load 0.4-3): 548/552/591 ms (min/median/max of 4 runs; 675 ms with 0); spoken safety
    as with 0 (scripts/bench_safety.py: the same lines stopped)."""
    early_hangover_ms: int = 0
    """Silence that ends a closed step's answer early when the grammar's best hypothesis is a complete listed
    phrase whose listed continuations mean nothing else (assistant/stt/complete.py); 0 (the default) turns it
    off: on the hearing corpus's tuning split every candidate (120-150 ms) ended more answers at a comma before
    "i don't feel safe" / "i need a time out" than the full hang-over, and lost one such statement
    (scripts/bench_early_end.py; README, "Felt latency")."""
    early_quiet_ms: int = 60
    """...of which the last this long must be at the room's own level (`early_quiet_margin_db`)."""
    early_quiet_margin_db: float = 6.0
    """A pause counts for the early end only at the room's own level: within this of the quiet quarter of the
    300 ms heard before the onset (a dip inside speech, or speech under babble, is not such a pause)."""
    background_drop_db: float = 12.0
    """A frame this far below the utterance's loudest 150 ms counts as background: other voices (TV,
    babble) are speech to any VAD, so the partner's end is where their level falls away."""

    def hangover_ms(self, kind: str) -> int:
        return self.short_hangover_ms if kind in SHORT_KINDS else self.free_hangover_ms


class FrontEndSettings(Table, frozen=True):
    """Which library does each stage, and its few knobs. Defaults chosen by scripts/bench_frontend.py."""

    echo: Literal["speex", "none"] = "speex"
    """Echo canceller fed with the speaker's samples; "none" for half-duplex setups."""
    echo_tail_ms: Annotated[int, Meta(ge=32, le=1000)] = 128
    """Adaptive filter length after delay alignment: the room's reverberation (128 ms measured best)."""
    echo_lead_ms: Annotated[int, Meta(ge=0, le=500)] = 40
    """Before the delay is measured, the reference is used this much early (late reports stay causal)."""
    denoise: Literal["webrtc", "speex", "rnnoise", "none"] = "webrtc"
    """Noise suppressor (see the README's Dependencies table for the measurement that chose it)."""
    denoised_to_recogniser: bool = False
    """True: the recogniser hears the suppressor's output; False (measured choice, see the README): only the
    VAD does, and the recogniser hears the echo-cancelled audio, so no word depends on the last one."""
    noise_suppression: Annotated[int, Meta(ge=0, le=4)] = 2
    """webrtc suppression level 0 (off) .. 4 (strongest)."""
    auto_gain_dbfs: Annotated[int, Meta(ge=0, le=31)] = 0
    """webrtc automatic gain target in -dBFS; 0 leaves the gain alone."""
    vad: Literal["silero", "webrtc", "cascade", "none"] = "cascade"
    """Trained VAD; "none" gives the identity front end (every frame speech)."""
    endpoint: EndpointSettings = EndpointSettings()
    """Onset, hysteresis and hang-over per listening kind."""
