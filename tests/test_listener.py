"""The Listener (VAD gate + real pocketsphinx), typed input, and the check-in command in --io text mode."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from speech_fixtures import synthesize

from assistant.audio.base import FRAME_BYTES, ListenRequest
from assistant.audio.convert import silence
from assistant.audio.sources import ScriptedSource
from assistant.cli import cli
from assistant.clock import VirtualClock
from assistant.listener import Listener
from assistant.store import Store
from assistant.store.records import SessionEvent, StepAnswer
from assistant.stt.pocketsphinx_engine import PocketsphinxRecognizer
from assistant.typed_io import TypedListener

YES_NO = ListenRequest(kind="yes_no", step="s", phrases=("yes", "no", "stop"))


def make_listener(timeout_s: float = 8.0) -> tuple[Listener, ScriptedSource, VirtualClock]:
    clock = VirtualClock()
    source = ScriptedSource(clock=clock)
    return Listener(source, PocketsphinxRecognizer(), clock, silence_timeout_s=timeout_s), source, clock


def test_silence_times_out_in_audio_time_without_decoding_it() -> None:
    listener, source, clock = make_listener(timeout_s=5.0)
    source.push(silence(30.0))
    assert listener.listen(YES_NO) is None
    assert 4.9 <= clock.monotonic() <= 5.2
    assert listener.frames_decoded == 0


def test_speech_after_a_pause_is_heard_and_only_speech_is_decoded() -> None:
    listener, source, clock = make_listener(timeout_s=8.0)
    pcm = silence(4.0) + synthesize("yes")
    source.push(pcm)
    heard = listener.listen(YES_NO)
    assert heard is not None and heard.utterance.text == "yes"
    assert heard.listen_seconds > 4.0
    total_frames = len(pcm) // FRAME_BYTES
    assert listener.frames_decoded < total_frames * 0.6
    # The utterance's own audio comes with it (a commitment's recording): what was decoded, not the pause.
    assert len(heard.pcm) == listener.frames_decoded * FRAME_BYTES
    assert heard.utterance.end * 2 * 16_000 <= len(heard.pcm) < len(pcm) * 0.6  # the whole word, not the pause


def test_a_short_turn_ending_without_speech_lets_the_rest_of_the_timeout_pass() -> None:
    listener, source, clock = make_listener(timeout_s=8.0)
    source.push(silence(1.0))
    assert listener.listen(YES_NO) is None
    assert 7.9 <= clock.monotonic() <= 8.1


def test_typed_listener_reads_lines_empty_is_silence_and_end_of_input_is_stop() -> None:
    clock = VirtualClock()
    typed = TypedListener(clock, stream=io.StringIO("Yes please\n\n"), out=io.StringIO())
    first = typed.listen(YES_NO)
    assert first is not None and first.utterance.text == "yes please" and first.utterance.confidence == 1.0
    assert typed.listen(YES_NO) is None
    end = typed.listen(YES_NO)
    assert end is not None and end.utterance.text == "stop"


@pytest.mark.slow
def test_checkin_in_text_mode_pauses_after_silences_and_saves_answers(tmp_path: Path) -> None:
    typed = "yes\nyes\nwe cooked together\ni felt heard\n\n\n"  # both consent first
    result = CliRunner().invoke(cli, ["--io", "text", "--data-dir", str(tmp_path), "checkin"], input=typed)
    assert result.exit_code == 0, result.output
    assert "Check-in paused." in result.output
    store = Store.open(tmp_path)
    answers = [r for r in store.query(StepAnswer) if isinstance(r, StepAnswer)]
    assert [(a.step, a.partner, a.text) for a in answers] == [
        ("appreciations", "Alex", "we cooked together"), ("appreciations", "Sam", "i felt heard")]
    statuses = [(e.status, e.step) for e in store.query(SessionEvent) if isinstance(e, SessionEvent)]
    assert statuses == [("started", ""), ("paused", "transparency")]  # the step after appreciations
    store.close()
    resumed = CliRunner().invoke(cli, ["--io", "text", "--data-dir", str(tmp_path), "checkin", "--resume"],
                                 input="stop\n")
    assert resumed.exit_code == 0, resumed.output
    assert "Check-in stopped." in resumed.output
    store = Store.open(tmp_path)
    events = [e for e in store.query(SessionEvent) if isinstance(e, SessionEvent)]
    assert [(e.status, e.step) for e in events][-1] == ("stopped", "transparency")
    assert len({e.session_id for e in events}) == 1
    store.close()


def test_checkin_needs_both_partners_consent_and_records_nothing_without_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--io", "text", "--data-dir", str(tmp_path), "checkin"], input="yes\nno\n")
    assert result.exit_code == 0, result.output
    assert "nothing was recorded" in result.output
    store = Store.open(tmp_path)
    assert store.query(SessionEvent) == [] and store.query(StepAnswer) == []
    store.close()


@pytest.mark.slow
def test_after_a_safety_response_the_checkin_is_held_unless_both_ask(tmp_path: Path) -> None:
    args = ["--io", "text", "--data-dir", str(tmp_path), "checkin"]
    first = CliRunner().invoke(cli, args, input="yes\nyes\ni want to kill myself\n")  # same-day hold: both may ask
    assert "Check-in safety." in first.output, first.output
    held = CliRunner().invoke(cli, args, input="")
    assert "Check-in held." in held.output, held.output
    asked = CliRunner().invoke(cli, [*args, "--after-safety"], input="stop\n")
    assert "Check-in stopped." in asked.output, asked.output
    store = Store.open(tmp_path)
    assert [e.status for e in store.query(SessionEvent) if isinstance(e, SessionEvent)] == [
        "started", "safety", "started", "stopped"]
    store.close()


@pytest.mark.slow
def test_nothing_anyone_says_reaches_the_logs(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    import logging

    caplog.set_level(logging.DEBUG)
    secret = "the secret about zanzibar"
    typed = f"yes\nyes\n{secret}\n{secret} again\n\n\n"
    result = CliRunner().invoke(cli, ["-v", "--io", "text", "--data-dir", str(tmp_path), "checkin"], input=typed)
    assert result.exit_code == 0, result.output
    assert caplog.records, "the check-in logs diagnostics at debug level"
    assert not [r.getMessage() for r in caplog.records if "zanzibar" in r.getMessage()]
    assert "zanzibar" in (tmp_path / "store.jsonl").read_text()  # it was stored (privately), not logged
