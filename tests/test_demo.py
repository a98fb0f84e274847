"""`assistant demo`: the built-in scenario shows a full check-in with a time out, through the real engines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.store import Store
from assistant.store.records import Commitment, SessionEvent, TimeOut


@pytest.mark.speech  # through the CLI: the lane rule cannot see it
def test_demo_runs_a_full_checkin_with_a_time_out_and_resumes_at_the_same_step(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["--engine", "pocketsphinx", "demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    turns = [json.loads(line) for line in (out / "transcript.jsonl").read_text().splitlines()]
    said = [(t["dialog_id"], (t["slots"] or {}).get("partner")) for t in turns if t["who"] == "assistant"]
    ids = [dialog_id for dialog_id, _ in said]
    assert ids[0] == "checkin.grounding" and ids[-1] == "checkin.closing"
    timeout_at = ids.index("timeout.acknowledge")
    assert said[timeout_at - 1] == ("checkin.triggers", "Maya")
    assert said[ids.index("timeout.resume") + 1] == ("checkin.triggers", "Maya")  # the exact step again
    with Store.open(out / "store") as store:
        checkin = [e.status for e in store.query(SessionEvent) if isinstance(e, SessionEvent)
                   and e.activity == "checkin"]
        time_outs = [t for t in store.query(TimeOut) if isinstance(t, TimeOut)]
    assert checkin == ["started", "completed"]
    assert [(t.interrupted_step, t.outcome, t.breathing_cycles) for t in time_outs] == [("triggers", "resume", 6)]
    assert time_outs[0].cooloff_s >= 20 * 60
    assert (out / "assistant.wav").stat().st_size > 16000 * 2 * 120
    assert [(d, p) for d, p in said if d.startswith("checkin.transparency")] == [
        ("checkin.transparency", "Maya"), ("checkin.transparency_open", "Maya"),
        ("checkin.transparency_response", "Maya"), ("checkin.transparency", "Jordan")]
    # The repair steps: each trigger and need said back by the other partner; Maya adds to hers once;
    # Each commitment is read back; the garbled words are refused twice, so neither is kept in words.
    assert [(d, p) for d, p in said if d in ("checkin.trigger_heard", "checkin.need_heard", "checkin.need_add")] == [
        ("checkin.trigger_heard", "Maya"), ("checkin.trigger_heard", "Jordan"), ("checkin.need_heard", "Maya"),
        ("checkin.need_add", "Maya"), ("checkin.need_heard", "Jordan")]
    assert [(d, p) for d, p in said if d.startswith("checkin.commitment_")] == [
        (f"checkin.commitment_{step}", partner) for partner in ("Maya", "Jordan")
        for step in ("readback", "again", "readback_again", "unworded")]
    with Store.open(out / "store") as store:
        kept = store.query(Commitment)
    assert [(c.partner, c.text, c.confirmed) for c in kept] == [("Maya", None, False), ("Jordan", None, False)]
