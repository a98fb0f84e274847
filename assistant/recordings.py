"""A partner's own recording of a commitment, kept where the recogniser is weak, only with both partners' consent.

The audio (16 kHz mono int16, the utterance the live Listener heard) is handed in by the caller; text and
simulated sessions have none, so nothing is recorded there. Files live in `<data dir>/recordings/` (0700), one
WAV per commitment id, 0600, written and read without following a symbolic link (assistant.store.private), and
are erased by `forget` and when consent is withdrawn. Words: dialogs/recordings.yaml.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import wave
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from assistant.audio.base import Clip
from assistant.dialog.library import Line
from assistant.store.private import ensure_private_dir, open_private, read_private
from assistant.store.protocol import RecordStore
from assistant.store.records import Commitment, RecordingConsent

if TYPE_CHECKING:
    from assistant.conversation import Conversation

_LOGGER = logging.getLogger(__name__)

FOLDER = "recordings"
RATE = 16_000
_NAME = re.compile(r"[0-9a-f]{8,64}\.wav")
"""A recording's file name: the commitment id (hex) and .wav; nothing else in the folder is ours."""


def recording_allowed(store: RecordStore, partners: tuple[str, str]) -> bool:
    """True when these two partners' latest say on recordings is both agreeing (a withdrawal wins)."""
    said = [r for r in store.query(RecordingConsent) if sorted(r.partners) == sorted(partners)]
    return bool(said) and said[-1].agreed


class CommitmentRecordings:
    """The private recordings folder inside one data dir."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = Path(data_dir) / FOLDER

    def _path(self, commitment_id: str) -> Path:
        if not _NAME.fullmatch(f"{commitment_id}.wav"):
            raise ValueError(f"not a commitment id: {commitment_id!r}")
        return self.folder / f"{commitment_id}.wav"

    def save(self, commitment_id: str, pcm: bytes) -> Path:
        """Write the recording of one commitment (0600, never through a link); returns its path."""
        ensure_private_dir(self.folder)
        path = self._path(commitment_id)
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(RATE)
            wav.writeframes(pcm)
        fd = open_private(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        with os.fdopen(fd, "wb") as out:
            out.write(buffer.getvalue())
            out.flush()
            os.fsync(out.fileno())
        _LOGGER.info("commitment recording kept (%.1f s)", len(pcm) / 2 / RATE)
        return path

    def load(self, commitment_id: str) -> bytes | None:
        """The 16 kHz samples of one commitment's recording; None when there is none."""
        path = self._path(commitment_id)
        if not self.folder.is_dir() or not os.path.lexists(path):
            return None
        ensure_private_dir(self.folder, create=False)
        with wave.open(io.BytesIO(read_private(path)), "rb") as wav:
            return wav.readframes(wav.getnframes())

    def erase(self) -> int:
        """Delete every recording (only files of ours; links are removed, never followed); returns how many."""
        if not self.folder.is_dir() or self.folder.is_symlink():
            return 0
        removed = 0
        for path in self.folder.iterdir():
            if _NAME.fullmatch(path.name):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed += 1
        with contextlib.suppress(OSError):
            self.folder.rmdir()
        _LOGGER.info("erased %d commitment recordings", removed)
        return removed


class RecordingKeeper:
    """Wire for the live check-in (`CheckinActivity.keep_recording`): the caller hands in each utterance's audio
    with `heard(pcm, step)`; a commitment kept without confirmed words keeps the partner's last wording, only while
    both partners consent. Nothing is held beyond the last utterance."""

    def __init__(self, store: RecordStore, partners: tuple[str, str], recordings: CommitmentRecordings) -> None:
        self.store, self.partners, self.recordings = store, partners, recordings
        self._last: bytes | None = None

    def heard(self, pcm: bytes | None, step: str) -> None:
        """The audio of the utterance just heard at check-in step `step` (None: there was none, e.g. typed);
        only a commitment's own wording is held."""
        from assistant.activities.checkin import COMMITMENT_STEPS

        if step in COMMITMENT_STEPS:
            self._last = pcm

    def __call__(self, commitment: Commitment) -> None:
        if self._last and recording_allowed(self.store, self.partners):
            self.recordings.save(commitment.id, self._last)
        self._last = None


class RecordedVoice:
    """Wire for the live Conversation (`clip_after`) and check-in (`has_recording`): last week's commitment, when
    only its recording was kept, is played in the partner's own voice right after the review question."""

    REVIEW_STEP = "checkin.commitments_review"

    def __init__(self, recordings: CommitmentRecordings) -> None:
        self.recordings = recordings

    def has_recording(self, commitment_id: str) -> bool:
        return (self.recordings.folder / f"{commitment_id}.wav").is_file()

    def __call__(self, line: Line) -> Clip | None:
        commitment_id = line.slots.get("commitment_id", "")
        if line.dialog_id != self.REVIEW_STEP or not commitment_id:
            return None
        pcm = self.recordings.load(commitment_id)
        return Clip(pcm, dialog_id="recording.commitment") if pcm else None


@runtime_checkable
class KeepsRecordings(Protocol):
    """An activity that can keep commitments as recordings (the check-in)."""

    keep_recording: Callable[[Commitment], None] | None
    has_recording: Callable[[str], bool] | None


def wire_recordings(conversation: Conversation, activity: object, data_dir: Path, store: RecordStore,
                    partners: tuple[str, str]) -> None:
    """For a live check-in: a commitment kept without confirmed words keeps the partner's own recording (only
    while both consent; the audio comes from the Listener through `Conversation.on_heard`), and commitments kept
    only as a recording are played back in the partner's own voice."""
    if not isinstance(activity, KeepsRecordings) or not conversation.plays_audio:
        return
    recordings = CommitmentRecordings(data_dir)
    voice = RecordedVoice(recordings)
    activity.has_recording = voice.has_recording
    conversation.clip_after = voice
    keeper = RecordingKeeper(store, partners, recordings)
    activity.keep_recording = keeper
    conversation.on_heard = lambda heard, step: keeper.heard(heard.pcm if heard is not None else None, step)
