"""Time-out building blocks: breathing schedule and rendered cue onsets, cool-off, return times, barge-in."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from assistant.audio.base import Clip
from assistant.audio.convert import read_wav
from assistant.audio.sinks import WavFileSink
from assistant.clock import VirtualClock
from assistant.config import TimeOutSettings
from assistant.timeout.bargein import DuplexClock, own_voice
from assistant.timeout.breathing import detect_onsets, plan_breathing, render_cues
from assistant.timeout.cooloff import cooloff_seconds, return_time

TOLERANCE_S = 0.050


def _assert_onsets_match(pcm: bytes, expected: list[float]) -> None:
    found = detect_onsets(pcm)
    assert len(found) == len(expected), (found, expected)
    errors = [abs(a - b) for a, b in zip(found, expected, strict=True)]
    assert max(errors) <= TOLERANCE_S, errors


def test_default_breathing_is_six_per_minute_and_cues_land_on_schedule() -> None:
    plan = plan_breathing(TimeOutSettings())
    assert plan.breaths_per_minute == pytest.approx(6.0)
    assert [c.kind for c in plan.cues[:2]] == ["inhale", "exhale"]
    assert [c.onset_s for c in plan.cues[:4]] == [0.0, 4.0, 10.0, 14.0]
    pcm = render_cues(plan)
    assert len(pcm) / 32000 == pytest.approx(60.0)
    _assert_onsets_match(pcm, [c.onset_s for c in plan.cues])


def test_cyclic_sighing_has_a_top_up_inhale_and_configurable_cycles() -> None:
    settings = TimeOutSettings(breathing_pattern="cyclic_sigh", breathing_cycles=3, inhale_s=4, exhale_s=8)
    plan = plan_breathing(settings)
    assert [c.kind for c in plan.cues] == ["inhale", "top_up", "exhale"] * 3
    assert plan.cues[1].onset_s == pytest.approx(3.0) and plan.cues[3].onset_s == pytest.approx(12.0)
    _assert_onsets_match(render_cues(plan), [c.onset_s for c in plan.cues])


def test_cue_onsets_survive_playback_through_the_wav_sink(tmp_path: Path) -> None:
    plan = plan_breathing(TimeOutSettings(breathing_cycles=2))
    sink = WavFileSink(tmp_path / "out.wav", clock=VirtualClock())
    sink.play(Clip(b"\x00\x00" * 8000, "lead-in")).wait()  # half a second of something before
    sink.play(Clip(render_cues(plan), "", "timeout.breathing_cues")).wait()
    sink.close()
    start = sink.timeline[1][0]
    assert start == pytest.approx(0.5)
    onsets = [t - start for t in detect_onsets(read_wav(tmp_path / "out.wav"))]
    _assert_onsets_match(read_wav(tmp_path / "out.wav")[16000:], [c.onset_s for c in plan.cues])
    assert onsets[0] == pytest.approx(0.0, abs=TOLERANCE_S)


def test_cycles_done_counts_only_whole_breaths() -> None:
    plan = plan_breathing(TimeOutSettings())
    assert plan.cycles_done(0.0) == 0
    assert plan.cycles_done(25.0) == 2
    assert plan.cycles_done(999.0) == 6


def test_cooloff_never_below_the_minimum() -> None:
    assert cooloff_seconds(TimeOutSettings()) == 1200
    assert cooloff_seconds(TimeOutSettings(cooloff_minutes=5, min_cooloff_minutes=20)) == 1200
    assert cooloff_seconds(TimeOutSettings(cooloff_minutes=30)) == 1800


def test_return_times_stay_within_a_day_and_after_the_cooloff() -> None:
    settings = TimeOutSettings()
    now = datetime(2026, 1, 5, 19, 50, tzinfo=timezone.utc)
    # Rounded up to a quarter hour (never sooner than agreed), never beyond a day.
    assert return_time("in_one_hour", now, settings, time(19)) == datetime(2026, 1, 5, 21, 0, tzinfo=timezone.utc)
    assert return_time("this_evening", now, settings, time(19)) == datetime(2026, 1, 5, 20, 15, tzinfo=timezone.utc)
    assert return_time("tomorrow", now, settings, time(19)) == datetime(2026, 1, 6, 19, 0, tzinfo=timezone.utc)
    late = datetime(2026, 1, 5, 21, 0, tzinfo=timezone.utc)
    assert return_time("tomorrow", late, settings, time(23, 30)) == late + timedelta(hours=24)
    morning = datetime(2026, 1, 5, 9, 6, tzinfo=timezone.utc)  # tomorrow at 19:00 is over a day away
    assert return_time("tomorrow", morning, settings, time(19)) == datetime(2026, 1, 6, 9, 0, tzinfo=timezone.utc)
    with pytest.raises(ValueError):
        return_time("next week", now, settings, time(19))


@pytest.mark.parametrize("hour,minute,words", [
    (9, 0, "9 in the morning"), (20, 15, "quarter past 8 in the evening"), (13, 30, "half past 1 in the afternoon"),
    (16, 45, "quarter to 5 in the afternoon"), (23, 10, "11:10 at night"), (0, 0, "12 at night")])
def test_return_times_are_said_naturally(hour: int, minute: int, words: str) -> None:
    from assistant.dialog.library import DialogLibrary
    from assistant.timeout.spoken import spoken_time

    assert spoken_time(DialogLibrary.load(), datetime(2026, 1, 5, hour, minute)) == words


def test_own_voice_is_recognised_by_words_and_position() -> None:
    clip = "If things get heated, either of you can say time out."
    assert own_voice("time out", clip, 3.0, 2.9)
    assert not own_voice("time out", clip, 3.0, 0.3)  # said while the assistant was on other words
    assert not own_voice("time out", "Let's look at the boundaries you agreed on.", 3.0, 2.9)


def test_duplex_clock_moves_time_once_while_playing_and_listening() -> None:
    clock = VirtualClock()
    duplex = DuplexClock(clock)
    duplex.advance(0.03)
    duplex.sleep(0.03)
    assert clock.monotonic() == pytest.approx(0.06)
    with duplex.overlapped():
        duplex.advance(0.03)  # a microphone frame
        duplex.sleep(0.03)  # the same 30 ms of playback
    assert clock.monotonic() == pytest.approx(0.09)
