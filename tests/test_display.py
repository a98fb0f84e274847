"""The audio-mode terminal: one line per turn, words only where transcripts are kept, a meter while listening."""

from __future__ import annotations

import io

from assistant.display import METER_WIDTH, Display, meter


def test_said_and_heard_with_transcripts_kept() -> None:
    out = io.StringIO()
    display = Display(out, keep_transcripts=True, live_meter=False)
    display.said("  Are you both ready?  ")
    display.listening(-30.0)
    display.listening(-20.0)
    display.heard("yes we are", "yes")
    display.heard("mumble", None)
    assert out.getvalue().splitlines() == ["assistant: Are you both ready?", "listening\u2026",
                                           "heard: \u201cyes we are\u201d (yes)",
                                           "heard: \u201cmumble\u201d (not understood)"]


def test_no_words_of_the_partners_without_transcripts() -> None:
    out = io.StringIO()
    display = Display(out, keep_transcripts=False, live_meter=False)
    display.heard("i felt hurt when you left", "free_answer")
    assert out.getvalue() == "heard: (free_answer)\n"
    assert "hurt" not in out.getvalue()


def test_the_live_meter_redraws_one_line_and_is_cleared_by_the_next_line() -> None:
    out = io.StringIO()
    display = Display(out, live_meter=True)
    display.listening(-60.0)
    display.said("Okay.")
    text = out.getvalue()
    assert text.startswith("\rlistening\u2026 " + "\u00b7" * METER_WIDTH)
    assert text.endswith("\r\033[Kassistant: Okay.\n")


def test_meter_spans_floor_to_full_scale() -> None:
    assert meter(-120.0) == "\u00b7" * METER_WIDTH
    assert meter(0.0) == "\u2588" * METER_WIDTH
    assert meter(-30.0).count("\u2588") == METER_WIDTH // 2
