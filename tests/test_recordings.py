"""A partner's own recording of a commitment the recogniser could not word: kept only with both partners'
consent, private (0600 in a 0700 folder, no link followed), erased by `forget` and when consent is withdrawn;
typed sessions have no audio, so nothing is recorded."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from test_repair_checkin import DEFAULTS, WEEK1

from assistant import pipeline
from assistant.audio.base import Clip
from assistant.cli import cli
from assistant.clock import VirtualClock
from assistant.config import Settings
from assistant.dialog.library import DialogLibrary, Line
from assistant.listening import Heard, ListenRequest
from assistant.recordings import CommitmentRecordings, RecordingKeeper, recording_allowed, wire_recordings
from assistant.sessions import new_checkin, run_session
from assistant.store import Store
from assistant.store.private import PrivacyError
from assistant.store.records import Commitment, RecordingConsent
from assistant.stt.base import Utterance

pytestmark = pytest.mark.usefixtures("private_umask")
PARTNERS = ("Alex", "Sam")  # tests/conftest.py names the couple so
SPEECH = (np.sin(np.arange(16_000) / 8.0) * 8000).astype("<i2").tobytes()  # one second, stands in for a voice
UNWORDED = [("next_commitments", "i put my oh we are bigger"), ("commitment_readback", "no"),
            ("commitment_again", "i put my oh away at then"), ("commitment_readback_again", "no")]


class Spoken:
    """Answers as the live Listener gives them: the words and the utterance's audio (16 kHz int16 like SPEECH)."""

    def __init__(self, clock: VirtualClock, turns: list[tuple[str, str]]) -> None:
        self.clock, self.turns = clock, list(turns)

    def listen(self, request: ListenRequest, timeout_s: float | None = None) -> Heard | None:
        self.clock.advance(3.0)
        asked = bool(self.turns) and self.turns[0][0] == request.step
        text = self.turns.pop(0)[1] if asked else DEFAULTS[request.kind]
        pcm = SPEECH if asked and request.step != "commitment_readback" else b"\0\0" * 800
        return Heard(Utterance(text, 1.0, 0.0, 1.0), self.clock.monotonic(), 0.0, pcm)


def spoken_checkin(data: Path, start: datetime = WEEK1, turns: list[tuple[str, str]] = UNWORDED,
                   played: list[Clip] | None = None) -> tuple[str, list[Line]]:
    """One check-in wired as the live caller wires it: recordings kept, and played back (into `played`)."""
    clock, library = VirtualClock(start), DialogLibrary.load(seed=0)
    settings = Settings.model_validate({"partners": list(PARTNERS)})
    said: list[Line] = []
    with Store.open(data) as store:
        hearing = Spoken(clock, turns)
        conversation = pipeline.conversation(hearing, said.append, clock, settings, library, store)
        conversation.play_clip = lambda clip: (played if played is not None else []).append(clip) or clip.duration
        session = new_checkin(store, library, settings, clock)
        wire_recordings(conversation, session.activity, data, store, PARTNERS)  # as `checkin` and `run` wire it
        final = run_session(conversation, session)
    assert hearing.turns == []
    return final, said


def consent(data: Path, answers: str) -> str:
    done = CliRunner().invoke(cli, ["--data-dir", str(data), "recordings", "on"], input=answers)
    assert done.exit_code == 0, done.output
    return done.output


@pytest.mark.parametrize(("answers", "agreed"), [("yes\nyes\n", True), ("yes\nno\n", False), ("", False)])
def test_recordings_need_both_partners_yes(tmp_path: Path, answers: str, agreed: bool) -> None:
    output = consent(tmp_path, answers)
    assert "Alex, do you agree" in output
    with Store.open(tmp_path) as store:
        assert [r.agreed for r in store.query(RecordingConsent)] == [agreed]
        assert recording_allowed(store, PARTNERS) is agreed


def test_an_unworded_commitment_keeps_the_partners_own_voice_privately_and_forget_erases_it(tmp_path: Path) -> None:
    data = tmp_path / "store"
    consent(data, "yes\nyes\n")
    assert spoken_checkin(data)[0] == "completed"
    with Store.open(data) as store:
        kept = [c for c in store.query(Commitment) if not c.confirmed]
    assert len(kept) == 1
    recordings = CommitmentRecordings(data)
    path = recordings.folder / f"{kept[0].id}.wav"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(recordings.folder.stat().st_mode) == 0o700
    assert recordings.load(kept[0].id) == SPEECH  # the wording's own audio, not the "no" after it
    # Next week the other partner hears Alex's own voice instead of words nobody confirmed.
    played: list[Clip] = []
    final, said = spoken_checkin(data, WEEK1 + timedelta(days=7), [], played)
    review = [line for line in said if line.dialog_id == "checkin.commitments_review"]
    assert [line.slots["partner"] for line in review] == ["Alex", "Sam"]
    recorded = DialogLibrary.load().render("followthrough.recorded_commitment", partner="Alex").text
    assert review[0].slots["commitment"] == recorded and review[1].slots["commitment"] != recorded
    assert [clip.pcm for clip in played if clip.dialog_id == "recording.commitment"] == [SPEECH]
    assert [line.dialog_id for line in said if "oh we are bigger" in line.text or "oh away at then" in line.text] == []
    done = CliRunner().invoke(cli, ["--data-dir", str(data), "forget", "--yes"])
    assert done.exit_code == 0, done.output
    assert not recordings.folder.exists()


def test_without_consent_or_without_audio_nothing_is_recorded(tmp_path: Path) -> None:
    data = tmp_path / "store"
    consent(data, "yes\nno\n")
    with Store.open(data) as store:
        keeper = RecordingKeeper(store, PARTNERS, CommitmentRecordings(data))
        keeper.heard(SPEECH, "next_commitments")
        keeper(Commitment(at="2026-01-04T19:00:00+00:00", session_id="s1", partner="Alex", text=None))
    consent(data, "yes\nyes\n")
    with Store.open(data) as store:
        keeper = RecordingKeeper(store, PARTNERS, CommitmentRecordings(data))
        keeper.heard(None, "next_commitments")  # typed: no audio
        keeper(Commitment(at="2026-01-04T19:00:00+00:00", session_id="s1", partner="Alex", text=None))
    assert not (data / "recordings").exists()


def test_turning_recordings_off_erases_them_and_a_planted_link_is_never_followed(tmp_path: Path) -> None:
    data = tmp_path / "store"
    consent(data, "yes\nyes\n")
    recordings = CommitmentRecordings(data)
    recordings.save("ab12cd34", SPEECH)
    secret = tmp_path / "elsewhere.wav"
    secret.write_bytes(b"not yours")
    os.symlink(secret, recordings.folder / "ef56ab78.wav")
    with pytest.raises(PrivacyError):
        recordings.load("ef56ab78")
    with pytest.raises(PrivacyError):
        recordings.save("ef56ab78", SPEECH)
    assert secret.read_bytes() == b"not yours"
    done = CliRunner().invoke(cli, ["--data-dir", str(data), "recordings", "off"])
    assert done.exit_code == 0 and "2 kept so far are erased" in done.output
    assert not recordings.folder.exists() and secret.exists()
    with Store.open(data) as store:
        assert not recording_allowed(store, PARTNERS)
