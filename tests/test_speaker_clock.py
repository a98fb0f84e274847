"""The stream clock the speaker dates its samples by: settling after a start-up stall, following a real shift."""

from __future__ import annotations

import pytest

from assistant.audio.stream_clock import SETTLE_SPAN_S, StreamClock

RATE, BLOCK = 16_000, 320


def test_a_prefill_burst_and_a_stall_are_waited_out_then_the_clock_dates_by_what_followed() -> None:
    clock = StreamClock(RATE)
    for n in range(12):  # the prefill: twelve blocks asked for at once, dated as if played from t = 0
        clock.observe(BLOCK * n, 0.2 + BLOCK * n / RATE, now=0.001 * n)
    assert not clock.settled  # they agree, but all at one moment
    stall = 1.4  # the server asks for nothing more until then; the samples now meet the air 1.4 s later
    n, now = 12, stall
    while not clock.settled:
        assert now < stall + 3 * SETTLE_SPAN_S, "never settled on a steady stream"
        clock.observe(BLOCK * n, now + 0.24, now=now)  # steady: 240 ms queued ahead of every callback
        n, now = n + 1, now + BLOCK / RATE
    assert now - stall >= SETTLE_SPAN_S
    assert clock.time_of(BLOCK * n) == pytest.approx(now + 0.24, abs=1e-6)  # nothing left of the prefill's dates


def test_a_late_callback_does_not_move_a_settled_clock_and_a_real_shift_is_followed_at_once() -> None:
    clock = StreamClock(RATE)
    for n in range(50):
        late = 0.15 if n % 7 == 3 else 0.0  # held up by the interpreter lock
        clock.observe(BLOCK * n, 10.0 + n * BLOCK / RATE + late, now=10.0 + n * BLOCK / RATE + late)
    assert clock.settled and clock.time_of(BLOCK * 50) == pytest.approx(11.0)
    shifted = [clock.observe(BLOCK * n, 10.33 + n * BLOCK / RATE, now=10.0 + n * BLOCK / RATE)
               for n in range(50, 70)]  # the server moved the stream 0.33 s (another stream joined)
    assert shifted[-1] == pytest.approx(10.33 + 69 * BLOCK / RATE)  # within 20 blocks, not half a 5 s window
    clock.restart()
    assert not clock.known and not clock.settled


def test_a_slewing_clock_does_not_follow_a_sliding_latency_report_and_restarts_after_lost_samples() -> None:
    """The speaker's clock (slew): libpulse's interpolated latency slid 25-100 ms/s after the rig's speaker opened
    while the room heard its samples at a steady pace; one clip's reported times must not move with it."""
    clock = StreamClock(RATE, slew=0.001)
    n, now = 0, 5.0
    while not clock.settled:
        clock.observe(BLOCK * n, now + 0.24, now=now)
        n, now = n + 1, now + BLOCK / RATE
    held = clock.time_of(0)
    assert held == pytest.approx(5.24, abs=1e-6)
    for _ in range(150):  # three seconds of reports sliding 50 ms/s later, the device at its pace
        clock.observe(BLOCK * n, now + 0.24 + 0.05 * (now - held + 0.24), now=now)
        n, now = n + 1, now + BLOCK / RATE
    assert 0 < clock.time_of(0) - held <= 0.001 * 3.0 + 1e-6  # moved at most the slew, not the 150 ms slide
    clock.restart()  # an underrun: samples were lost, the schedule really moved
    while not clock.settled:
        clock.observe(BLOCK * n, now + 0.5, now=now)
        n, now = n + 1, now + BLOCK / RATE
    assert clock.time_of(BLOCK * n) == pytest.approx(now + 0.5, abs=1e-6)
