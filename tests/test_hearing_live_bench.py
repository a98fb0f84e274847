"""The hearing bench's live path: corpus samples streamed through the front end, endpointer and listener that
`run` builds from the settings (assistant/evaluation/live_hearing.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from assistant.evaluation import report
from assistant.evaluation.corpus import Condition, Item, Sample
from assistant.evaluation.live_hearing import LiveHearing, observe_live
from assistant.frontend import SpeechFrontEnd
from assistant.intents import IntentMatcher

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import bench_hearing  # noqa: E402

pytestmark = pytest.mark.speech
MATCHER = IntentMatcher.load()


def sample(text: str, kind: str, expected: str | None, noise: str = "clean", snr: float | None = None,
           rating: int | None = None) -> Sample:
    return Sample(Item(text, kind, expected, "listed" if expected else "ordinary", rating),
                  Condition("en-us", 150, noise, snr), seed=5)


def test_a_clean_command_is_understood_and_ended_by_the_short_hang_over_not_the_clip_end() -> None:
    hearing = LiveHearing(bench_hearing.settings_of([]))
    observed = hearing.observe(sample("skip", "command", "skip"), MATCHER)
    assert observed.intent == "skip" and observed.correct
    # the 35 dB end of speech -> the listener's decision: the 300 ms hang-over, not the 1 s of tail silence
    assert observed.decision_delay_s is not None and 0.1 < observed.decision_delay_s < 0.8
    assert hearing.recognizer.spent_s > 0


def test_front_end_settings_from_the_command_line_reach_the_listener() -> None:
    settings = bench_hearing.settings_of(["denoised_to_recogniser=true", "noise_suppression=3"])
    hearing = LiveHearing(settings)
    front = hearing.listener.gate.front_end
    assert isinstance(front, SpeechFrontEnd) and front.denoised_to_recogniser is True
    assert hearing.listener.gate.settings == settings.frontend.endpoint
    assert hearing.listener.full_duplex  # the echo canceller is on, as `run` builds it


@pytest.mark.parametrize("pair", ["noise_suppression=9", "no_such_setting=1", "denoise"])
def test_a_bad_front_override_is_one_clear_line(pair: str) -> None:
    with pytest.raises(SystemExit, match="--front"):
        bench_hearing.settings_of([pair])


def test_a_barge_in_sample_hands_the_canceller_the_assistant_s_voice_and_others_do_not() -> None:
    hearing = LiveHearing(bench_hearing.settings_of([]))
    front = hearing.listener.gate.front_end
    assert isinstance(front, SpeechFrontEnd)
    hearing.observe(sample("skip", "command", "skip"), MATCHER)
    assert front.speaking_until is None
    hearing.observe(sample("stop", "barge_in", "stop", noise="assistant", snr=0.0), MATCHER)
    until = front.speaking_until
    assert until is not None and until > 1.0  # the voice under the partner, as long as the clip


def test_the_bench_prints_what_was_heard_for_each_rating() -> None:
    observed = observe_live(bench_hearing.settings_of([]), [sample("two", "rating", "rating", rating=2),
                                                            sample("the shop is closed", "rating", None)])
    lines = report.heard_lines(observed, "rating")
    assert len(lines) == 1 and "said 'two'" in lines[0] and "heard" in lines[0]
